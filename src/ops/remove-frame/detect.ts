/**
 * Finds a photo's frame: the uniform border of a print (white or cream), a mat, or the scanner
 * bed around a scanned print, so it can be cropped away.
 *
 * Each side is scanned from the edge inwards, one line (row or column) at a time. The side's
 * frame colour is the median of its outermost lines, and its tolerance comes from how much
 * those lines vary (paper grain, JPEG noise). For every line we measure the share of pixels that
 * match the frame colour:
 * - `outer`: the first line where it drops below 90% (the picture starts to show);
 * - `mid`: the first line where it drops below 50%;
 * - `inner`: the first line where it drops below 5%: the frame is gone from the line.
 * A straight frame goes from ~100% to ~0% in one line, so all three coincide. A slightly rotated
 * print or an uneven mat spreads the drop over the lines its edge crosses; the crop goes to
 * `inner`, so no sliver of frame is left, but never further past `mid` than `outer` is before
 * it (a picture that is itself pale near its edge must not be eaten away).
 *
 * Lines are measured between the other sides' frames (found in a first pass on the middle half
 * of each line), so a wide left border does not count as frame on the rows of the top side.
 *
 * A uniform band on one side alone is more likely sky, a wall or a studio backdrop than a frame,
 * so at least two sides of the same colour are needed; sides of another colour are left alone.
 */
import type { RgbaImage } from '@/media/image.ts';
import type { Rect } from '../crop-resize/geometry.ts';

export type Side = 'top' | 'right' | 'bottom' | 'left';
const sides: readonly Side[] = ['top', 'right', 'bottom', 'left'];

export interface SideFrame {
  /** Lines of frame on this side: the crop moves this far in. */
  depth: number;
  colour: [number, number, number, number];
  tolerance: number;
}

export interface FrameDetection {
  /** What is left once the frame is cropped. */
  rect: Rect;
  /** Depth in pixels of each side's frame (0 where that side has none). */
  depths: Record<Side, number>;
  colour: [number, number, number, number];
}

/** The outermost lines that define a side's frame colour. */
const REFERENCE_LINES = 3;
/** A frame deeper than this share of the image is more likely part of the picture. */
const MAX_DEPTH_SHARE = 0.35;
/** Smallest frame worth cropping (a 1-px line at the edge is often a scanner artefact). */
const MIN_DEPTH = 2;
/** What must remain of each dimension. */
const MIN_REMAINING_SHARE = 0.25;
/** Share of the outer lines' pixels that must match their median for a uniform frame. */
const MIN_UNIFORMITY = 0.9;

interface Span {
  from: number;
  to: number;
}

/** Reads line `i` of `side` as a sequence of pixel offsets into the RGBA data. */
function lineGeometry(image: RgbaImage, side: Side, i: number, span: Span) {
  const { width, height } = image;
  switch (side) {
    case 'top':
      return { start: (i * width + span.from) * 4, step: 4, count: span.to - span.from };
    case 'bottom':
      return {
        start: ((height - 1 - i) * width + span.from) * 4,
        step: 4,
        count: span.to - span.from,
      };
    case 'left':
      return { start: (span.from * width + i) * 4, step: width * 4, count: span.to - span.from };
    case 'right':
      return {
        start: (span.from * width + width - 1 - i) * 4,
        step: width * 4,
        count: span.to - span.from,
      };
  }
}

/** Lines across a side (rows for top/bottom), and the length of each. */
function depthLimit(image: RgbaImage, side: Side): number {
  return side === 'top' || side === 'bottom' ? image.height : image.width;
}
function lineLength(image: RgbaImage, side: Side): number {
  return side === 'top' || side === 'bottom' ? image.width : image.height;
}

function median(values: Uint8Array, n: number): number {
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[values[i]!]!++;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += counts[v]!;
    if (seen * 2 >= n) return v;
  }
  return 255;
}

/** The side's frame colour and tolerance, or null when its outer lines are not uniform. */
function reference(
  image: RgbaImage,
  side: Side,
  span: Span,
): { colour: [number, number, number, number]; tolerance: number } | null {
  const { data } = image;
  const lines = Math.min(REFERENCE_LINES, depthLimit(image, side));
  const n = lines * (span.to - span.from);
  const channels = [0, 1, 2, 3].map(() => new Uint8Array(n));
  let k = 0;
  for (let i = 0; i < lines; i++) {
    const { start, step, count } = lineGeometry(image, side, i, span);
    for (let j = 0, p = start; j < count; j++, p += step, k++) {
      for (let c = 0; c < 4; c++) channels[c]![k] = data[p + c]!;
    }
  }
  const colour = channels.map((values) => median(values, n)) as [number, number, number, number];
  // How far the outer pixels stray from the median: paper grain and noise set the tolerance.
  const distances = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(channels[c]![i]! - colour[c]!));
    distances[i] = d;
  }
  const sorted = distances.slice().sort();
  const p80 = sorted[Math.floor(n * 0.8)] ?? 0;
  const tolerance = Math.min(48, Math.max(16, Math.round(2.5 * p80)));
  let uniform = 0;
  for (let i = 0; i < n; i++) if (distances[i]! <= tolerance) uniform++;
  return uniform >= n * MIN_UNIFORMITY ? { colour, tolerance } : null;
}

/** Share of line `i`'s pixels within `tolerance` of `colour`. */
function matchShare(
  image: RgbaImage,
  side: Side,
  i: number,
  span: Span,
  colour: readonly number[],
  tolerance: number,
): number {
  const { data } = image;
  const { start, step, count } = lineGeometry(image, side, i, span);
  let match = 0;
  for (let j = 0, p = start; j < count; j++, p += step) {
    if (
      Math.abs(data[p]! - colour[0]!) <= tolerance &&
      Math.abs(data[p + 1]! - colour[1]!) <= tolerance &&
      Math.abs(data[p + 2]! - colour[2]!) <= tolerance &&
      Math.abs(data[p + 3]! - colour[3]!) <= tolerance
    ) {
      match++;
    }
  }
  return count > 0 ? match / count : 0;
}

/** This side's frame measured along `span` of each line, or null when it has none. */
function measureSide(image: RgbaImage, side: Side, span: Span): SideFrame | null {
  if (span.to - span.from < 8) return null;
  const ref = reference(image, side, span);
  if (!ref) return null;
  const limit = Math.floor(depthLimit(image, side) * MAX_DEPTH_SHARE);
  const share = (i: number) => matchShare(image, side, i, span, ref.colour, ref.tolerance);
  let outer = -1;
  let mid = -1;
  for (let i = 0; i <= limit; i++) {
    const s = share(i);
    if (outer < 0 && s < 0.9) outer = i;
    if (s < 0.5) {
      mid = i;
      break;
    }
  }
  if (outer < 0 || mid < 0) return null; // uniform deeper than a frame would be
  let inner = mid;
  const reach = Math.min(limit, mid + (mid - outer));
  while (inner < reach && share(inner) >= 0.05) inner++;
  if (inner < MIN_DEPTH) return null;
  // The frame must differ from what it surrounds: just inside, the lines are mostly picture.
  const after = Math.min(depthLimit(image, side), inner + 4);
  let inside = 0;
  for (let i = inner; i < after; i++) inside += share(i);
  if (after > inner && inside / (after - inner) >= 0.5) return null;
  return { depth: inner, ...ref };
}

function coloursMatch(a: SideFrame, b: SideFrame): boolean {
  const tolerance = Math.max(a.tolerance, b.tolerance);
  return a.colour.every((v, c) => Math.abs(v - b.colour[c]!) <= tolerance);
}

/** The frame sides: the largest group (two or more) of detected sides sharing a colour. */
function frameSides(found: Partial<Record<Side, SideFrame>>): Partial<Record<Side, SideFrame>> {
  const detected = sides.filter((s) => found[s]);
  let best: Side[] = [];
  for (const s of detected) {
    const group = detected.filter((t) => coloursMatch(found[s]!, found[t]!));
    if (group.length > best.length) best = group;
  }
  if (best.length < 2) return {};
  return Object.fromEntries(best.map((s) => [s, found[s]!]));
}

function measureAll(
  image: RgbaImage,
  spanFor: (side: Side) => Span,
): Partial<Record<Side, SideFrame>> {
  const found: Partial<Record<Side, SideFrame>> = {};
  for (const side of sides) {
    const frame = measureSide(image, side, spanFor(side));
    if (frame) found[side] = frame;
  }
  return found;
}

export function detectFrame(image: RgbaImage): FrameDetection | null {
  const { width, height } = image;
  if (width < 16 || height < 16) return null;
  // Pass 1: the middle half of each line, clear of the corners where the other sides' frames are.
  const middle = (side: Side): Span => {
    const length = lineLength(image, side);
    return { from: Math.floor(length / 4), to: Math.ceil((length * 3) / 4) };
  };
  const rough = frameSides(measureAll(image, middle));
  if (Object.keys(rough).length === 0) return null;
  // Pass 2: each line between the perpendicular sides' frames (plus a margin for a tilt).
  const margin = 2;
  const between = (side: Side): Span => {
    const [a, b]: [Side, Side] =
      side === 'top' || side === 'bottom' ? ['left', 'right'] : ['top', 'bottom'];
    const length = lineLength(image, side);
    return {
      from: Math.min(length, (rough[a]?.depth ?? 0) + margin),
      to: Math.max(0, length - (rough[b]?.depth ?? 0) - margin),
    };
  };
  const found = frameSides(measureAll(image, between));
  const framed = sides.filter((s) => found[s]);
  if (framed.length === 0) return null;
  const depths = Object.fromEntries(sides.map((s) => [s, found[s]?.depth ?? 0])) as Record<
    Side,
    number
  >;
  const rect = {
    x: depths.left,
    y: depths.top,
    width: width - depths.left - depths.right,
    height: height - depths.top - depths.bottom,
  };
  if (rect.width < width * MIN_REMAINING_SHARE || rect.height < height * MIN_REMAINING_SHARE) {
    return null;
  }
  return { rect, depths, colour: found[framed[0]!]!.colour };
}
