/**
 * Scratch and dust detection on an old photo: thin bright or dark marks that the picture itself
 * does not explain.
 *
 * 1. Luminance (BT.601 luma). Morphological top-hat (L − opening(L)) keeps bright structures
 *    narrower than the structuring element — white scratches, dust, emulsion cracks — and
 *    black-hat (closing(L) − L) keeps dark ones: hairs, dark scratches, mould specks. A k×k square
 *    element (k = 2r + 1, r ≈ 1 % of the short side, 2..6 px) removes anything thinner than k in
 *    any direction, whatever its orientation.
 * 2. Threshold by the picture's own noise (Immerkær's estimate): a response counts when it is
 *    above max(minContrast, 4σ).
 * 3. Keep a region only when its shape says defect:
 *    - a line: long (≥ max(12 px, 6 % of the short side)) and thin (area / length ≤ k);
 *    - a speck: small (area ≤ k² · 2) and compact (fits a 2k × 2k box).
 *    Anything else (a highlight, an eye, a window frame) is picture, not damage, and stays.
 * 4. The mask is the kept regions, plus the pixels within 2 px of them whose response is above
 *    half the threshold (a scratch's soft edges), grown by 1 px.
 */

import { type Component, labelComponents } from '../../inpaint/components.ts';
import { type Mask, dilateMask, emptyMask } from '../../inpaint/mask.ts';

export function luma(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  }
  return out;
}

/**
 * Immerkær (1996), "Fast Noise Variance Estimation": σ of additive Gaussian noise from the
 * response to a mask that cancels locally linear image content.
 */
export function estimateNoiseSigma(gray: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v =
        gray[i - width - 1]! -
        2 * gray[i - width]! +
        gray[i - width + 1]! -
        2 * gray[i - 1]! +
        4 * gray[i]! -
        2 * gray[i + 1]! +
        gray[i + width - 1]! -
        2 * gray[i + width]! +
        gray[i + width + 1]!;
      sum += Math.abs(v);
    }
  }
  return (sum * Math.sqrt(Math.PI / 2)) / (6 * (width - 2) * (height - 2));
}

/** Min (erode) or max (dilate) over a (2r+1)² square, separable, edges clamped. */
function squareFilter(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  max: boolean,
): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const pick = max ? Math.max : Math.min;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = src[y * width + x]!;
      for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) {
        v = pick(v, src[y * width + u]!);
      }
      tmp[y * width + x] = v;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = tmp[y * width + x]!;
      for (let t = Math.max(0, y - r); t <= Math.min(height - 1, y + r); t++) {
        v = pick(v, tmp[t * width + x]!);
      }
      out[y * width + x] = v;
    }
  }
  return out;
}

/** Bright top-hat and dark black-hat responses of a grey image. */
export function hatResponses(
  gray: Float32Array,
  width: number,
  height: number,
  r: number,
): { bright: Float32Array; dark: Float32Array } {
  const opened = squareFilter(squareFilter(gray, width, height, r, false), width, height, r, true);
  const closed = squareFilter(squareFilter(gray, width, height, r, true), width, height, r, false);
  const bright = new Float32Array(gray.length);
  const dark = new Float32Array(gray.length);
  for (let i = 0; i < gray.length; i++) {
    bright[i] = gray[i]! - opened[i]!;
    dark[i] = closed[i]! - gray[i]!;
  }
  return { bright, dark };
}

export interface DefectOptions {
  /** Half the structuring element; by default 1 % of the short side, 2..6 px. */
  radius?: number;
  /** The least contrast (grey levels) a defect has, whatever the noise. */
  minContrast?: number;
}

export interface Defects {
  mask: Mask;
  scratches: number;
  specks: number;
  /** Regions the response found that were judged picture, not damage. */
  rejected: number;
  noiseSigma: number;
  radius: number;
  threshold: number;
}

/**
 * How much a pixel lies on a line of response: over 12 orientations, the largest difference
 * between the mean response along a segment through it (length 2·half + 1) and the mean along
 * the two parallel segments `side` px either side. A scratch gives a high mean along itself and a
 * low one beside it; texture gives about the same everywhere; a blob wider than `side` gives a
 * high mean on the sides too. Only computed where `candidate` is set (0 elsewhere).
 */
export function lineSupport(
  response: Float32Array,
  width: number,
  height: number,
  candidate: Uint8Array,
  half: number,
  side: number,
): Float32Array {
  const out = new Float32Array(width * height);
  const angles = 12;
  const offsets: Int32Array[] = [];
  for (let a = 0; a < angles; a++) {
    const theta = (Math.PI * a) / angles;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const o = new Int32Array((2 * half + 1) * 6);
    let n = 0;
    for (let t = -half; t <= half; t++) {
      for (const d of [0, side, -side]) {
        o[n++] = Math.round(t * cos - d * sin);
        o[n++] = Math.round(t * sin + d * cos);
      }
    }
    offsets.push(o);
  }
  const count = 2 * half + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!candidate[i]) continue;
      let best = 0;
      for (const o of offsets) {
        let on = 0;
        let left = 0;
        let right = 0;
        for (let k = 0; k < o.length; k += 6) {
          on += sample(response, width, height, x + o[k]!, y + o[k + 1]!);
          left += sample(response, width, height, x + o[k + 2]!, y + o[k + 3]!);
          right += sample(response, width, height, x + o[k + 4]!, y + o[k + 5]!);
        }
        const v = (on - Math.max(left, right)) / count;
        if (v > best) best = v;
      }
      out[i] = best;
    }
  }
  return out;
}

function sample(a: Float32Array, width: number, height: number, x: number, y: number): number {
  const u = x < 0 ? 0 : x >= width ? width - 1 : x;
  const v = y < 0 ? 0 : y >= height ? height - 1 : y;
  return a[v * width + u]!;
}

/** A scratch's mean response, in thresholds: natural thin lines (veins, wires) are fainter. */
const LINE_CONTRAST = 1.25;
/** A scratch is at least this many times longer than it is wide (as the line detector sees it). */
const LINE_ELONGATION = 5;
/** A speck's peak response, in thresholds, and how many times its surround's mean it must be. */
const SPECK_CONTRAST = 2;
const SPECK_ISOLATION = 4;

/** Finds scratches and specks; see the file comment for the method. */
export function detectDefects(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: DefectOptions = {},
): Defects {
  const gray = luma(rgba, width, height);
  const short = Math.min(width, height);
  const r = options.radius ?? Math.min(6, Math.max(2, Math.round(short / 100)));
  const k = 2 * r + 1;
  const noiseSigma = estimateNoiseSigma(gray, width, height);
  const threshold = Math.max(options.minContrast ?? 24, 4 * noiseSigma);
  const { bright, dark } = hatResponses(gray, width, height, r);
  // One response, bright or dark, clipped so one very bright speck cannot make a line.
  const response = new Float32Array(width * height);
  const raw = new Float32Array(width * height);
  const candidate = new Uint8Array(width * height);
  const strong = emptyMask(width, height);
  for (let i = 0; i < response.length; i++) {
    const v = Math.max(bright[i]!, dark[i]!);
    raw[i] = v;
    response[i] = Math.min(v, 2 * threshold);
    candidate[i] = v > threshold / 2 ? 1 : 0;
    strong.data[i] = v > threshold ? 1 : 0;
  }

  // Scratches: pixels on a line of response, in long enough runs.
  const minLength = Math.max(16, Math.round(0.1 * short));
  const support = lineSupport(response, width, height, candidate, Math.max(7, 2 * r + 1), r + 1);
  const onLine = emptyMask(width, height);
  for (let i = 0; i < support.length; i++) onLine.data[i] = support[i]! > threshold / 2 ? 1 : 0;
  const lines = labelComponents(onLine);
  const found = emptyMask(width, height);
  let scratches = 0;
  const longLine = new Uint8Array(lines.list.length + 1);
  const lineContrast = new Float64Array(lines.list.length + 1);
  for (let i = 0; i < raw.length; i++) lineContrast[lines.labels[i]!]! += raw[i]!;
  for (const c of lines.list) {
    const length = Math.hypot(c.x1 - c.x0, c.y1 - c.y0);
    // Long, and long for its width (area / length): a blob of texture is neither.
    if (length < minLength || (length * length) / c.area < LINE_ELONGATION) continue;
    if (lineContrast[c.label]! / c.area < LINE_CONTRAST * threshold) continue;
    longLine[c.label] = 1;
    scratches++;
  }
  for (let i = 0; i < found.data.length; i++) if (longLine[lines.labels[i]!]) found.data[i] = 1;

  // Specks: small, compact, strong regions standing alone on a quiet surround.
  const blobs = labelComponents(strong);
  let specks = 0;
  let rejected = 0;
  for (const c of blobs.list) {
    const bw = c.x1 - c.x0;
    const bh = c.y1 - c.y0;
    if (c.area > 2 * k * k || bw > 2 * k || bh > 2 * k) {
      if (!isOnLine(c, found, width)) rejected++;
      continue;
    }
    if (isOnLine(c, found, width)) continue;
    let peak = 0;
    for (let y = c.y0; y < c.y1; y++) {
      for (let x = c.x0; x < c.x1; x++) {
        if (blobs.labels[y * width + x] === c.label) peak = Math.max(peak, raw[y * width + x]!);
      }
    }
    const around = surroundActivity(response, width, height, c, k);
    if (peak > SPECK_CONTRAST * threshold && peak > SPECK_ISOLATION * around) {
      for (let y = c.y0; y < c.y1; y++) {
        for (let x = c.x0; x < c.x1; x++) {
          if (blobs.labels[y * width + x] === c.label) found.data[y * width + x] = 1;
        }
      }
      specks++;
    } else rejected++;
  }

  // A defect's soft edges: weaker response right next to it.
  const near = dilateMask(found, 2);
  for (let i = 0; i < candidate.length; i++) if (near.data[i] && candidate[i]) found.data[i] = 1;
  return {
    mask: dilateMask(found, 1),
    scratches,
    specks,
    rejected,
    noiseSigma,
    radius: r,
    threshold,
  };
}

/** Whether most of a region already belongs to a found scratch. */
function isOnLine(c: Component, found: Mask, width: number): boolean {
  let on = 0;
  let n = 0;
  for (let y = c.y0; y < c.y1; y++) {
    for (let x = c.x0; x < c.x1; x++) {
      n++;
      on += found.data[y * width + x]!;
    }
  }
  return on * 2 > n;
}

/** Mean response in the band from 1 px to `reach` px around a region's box. */
function surroundActivity(
  response: Float32Array,
  width: number,
  height: number,
  c: Component,
  reach: number,
): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, c.y0 - reach); y < Math.min(height, c.y1 + reach); y++) {
    for (let x = Math.max(0, c.x0 - reach); x < Math.min(width, c.x1 + reach); x++) {
      if (x >= c.x0 - 1 && x < c.x1 + 1 && y >= c.y0 - 1 && y < c.y1 + 1) continue;
      sum += response[y * width + x]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}
