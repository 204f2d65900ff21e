/**
 * Scratch and dust detection on an old photo: thin bright or dark marks that the picture itself
 * does not explain, and nothing else. A mark missed leaves a scratch; a mark too many smooths away
 * a hair or a wire, so every rule below leans towards leaving the picture alone.
 *
 * 1. Luminance, and its median over an 11×11 window. A median keeps edges and anything wider
 *    than the window's half, and removes what is thinner: a scratch up to 3 px wide at any angle,
 *    a speck up to 6 px across. The residual (luminance − median) is the candidate damage, bright
 *    (> 0) or dark (< 0).
 * 2. Thresholds from the photo's own noise (a robust estimate, below): a pixel is a candidate
 *    when its residual passes half the threshold max(MIN_CONTRAST, 4.5σ), strong when it passes
 *    the whole of it.
 * 3. Scratches: a strong pixel lies on a line when, in one of 16 directions, at least 80 % of the
 *    25 px segment through it are candidates of the same sign while the two segments 4 px either
 *    side hold at most 25 %: a line, thin, alone. Texture fails the first test, a wide shape or
 *    a dense pattern (fur, grass, a grille) the second. Line pixels connected over at least
 *    max(24 px, 8 % of the short side) are a scratch.
 * 4. Specks: a small, compact strong region (≤ 64 px, ≤ 10 px a side) on a quiet surround (at
 *    most 10 % candidates in the 4 px around it) whose peak passes 1.25 thresholds.
 * 5. The mask is those regions plus the candidates of their sign within 2 px (the soft edges),
 *    grown by 1 px where the residual shows any damage (≥ 2σ, ≥ 6 levels).
 */

import { labelComponents } from '../../inpaint/components.ts';
import { type Mask, dilateMask, emptyMask } from '../../inpaint/mask.ts';

export function luma(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  }
  return out;
}

/**
 * σ of white noise from Immerkær's mask (1996, "Fast Noise Variance Estimation"), which cancels
 * locally linear content, read robustly: the median of |response| (× 1.4826, the Gaussian
 * constant) instead of its mean, so the edges and the few scratches of a photo, a minority of its
 * pixels, do not count as noise.
 */
export function estimateNoiseSigma(gray: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  // |response| in quarter levels up to 1024 levels; the mask's gain on white noise is 6.
  const bins = new Uint32Array(4097);
  let n = 0;
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
      bins[Math.min(4096, Math.round(Math.abs(v) * 4))]!++;
      n++;
    }
  }
  let seen = 0;
  for (let b = 0; b < bins.length; b++) {
    seen += bins[b]!;
    if (seen * 2 >= n) return (1.4826 * (b / 4)) / 6;
  }
  return 0;
}

/**
 * Median of an 8-bit image over a (2r+1)² window, edges clamped: Huang's running histogram, so
 * each pixel costs O(r), not a sort.
 */
export function medianFilter(src: Uint8Array, width: number, height: number, r: number) {
  const out = new Uint8Array(src.length);
  const hist = new Int32Array(256);
  const half = ((2 * r + 1) * (2 * r + 1)) >> 1;
  const at = (x: number, y: number) =>
    src[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!;
  for (let y = 0; y < height; y++) {
    hist.fill(0);
    for (let v = -r; v <= r; v++) for (let u = -r; u <= r; u++) hist[at(u, y + v)]!++;
    // `median` is the value; `below` counts the window's values under it.
    let median = 0;
    let below = 0;
    while (below + hist[median]! <= half) below += hist[median++]!;
    out[y * width] = median;
    for (let x = 1; x < width; x++) {
      for (let v = -r; v <= r; v++) {
        const gone = at(x - r - 1, y + v);
        const come = at(x + r, y + v);
        hist[gone]!--;
        hist[come]!++;
        if (gone < median) below--;
        if (come < median) below++;
      }
      while (below > half) below -= hist[--median]!;
      while (below + hist[median]! <= half) below += hist[median++]!;
      out[y * width + x] = median;
    }
  }
  return out;
}

export interface DefectOptions {
  /** The least contrast (grey levels) a defect has, whatever the noise. */
  minContrast?: number;
}

export interface Defects {
  /** 1 where the photo is damaged: what a repair fills. */
  mask: Mask;
  scratches: number;
  specks: number;
  noiseSigma: number;
  threshold: number;
}

const MIN_CONTRAST = 20;
const MEDIAN_RADIUS = 5;
const DIRECTIONS = 16;
/** Half the segment a line pixel is judged on, and how far its two side segments lie. */
const HALF_SEGMENT = 12;
const SIDE_OFFSET = 4;
const ON_LINE = 0.9;
const BESIDE_LINE = 0.25;
/** The widest a scratch is across, soft edges included (px). */
const MAX_WIDTH = 5;
const SPECK_AREA = 64;
const SPECK_SIDE = 10;
const SPECK_PEAK = 2;
const SPECK_SURROUND = 0.1;
/** Beside a line and around a speck, marks of this many thresholds count as picture. */
const BUSY = 0.5;

/** Per direction, the [dx, dy] offsets of the segment and of its two sides. */
function segmentOffsets(): { along: Int32Array; left: Int32Array; right: Int32Array }[] {
  const out = [];
  for (let a = 0; a < DIRECTIONS; a++) {
    const theta = (Math.PI * a) / DIRECTIONS;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const n = 2 * HALF_SEGMENT + 1;
    const along = new Int32Array(n * 2);
    const left = new Int32Array(n * 2);
    const right = new Int32Array(n * 2);
    for (let k = 0, t = -HALF_SEGMENT; t <= HALF_SEGMENT; t++, k += 2) {
      along[k] = Math.round(t * cos);
      along[k + 1] = Math.round(t * sin);
      left[k] = Math.round(t * cos - SIDE_OFFSET * sin);
      left[k + 1] = Math.round(t * sin + SIDE_OFFSET * cos);
      right[k] = Math.round(t * cos + SIDE_OFFSET * sin);
      right[k + 1] = Math.round(t * sin - SIDE_OFFSET * cos);
    }
    out.push({ along, left, right });
  }
  return out;
}
const OFFSETS = segmentOffsets();

/** Finds scratches and specks; see the file comment for the method. */
export function detectDefects(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: DefectOptions = {},
): Defects {
  const n = width * height;
  const gray = luma(rgba, width, height);
  const noiseSigma = estimateNoiseSigma(gray, width, height);
  const threshold = Math.max(options.minContrast ?? MIN_CONTRAST, 4.5 * noiseSigma);
  const gray8 = new Uint8Array(n);
  for (let i = 0; i < n; i++) gray8[i] = Math.round(gray[i]!);
  const median = medianFilter(gray8, width, height, MEDIAN_RADIUS);
  // Sign of each candidate (+1 bright, −1 dark, 0 none), the residual, and the strong pixels.
  const sign = new Int8Array(n);
  // What counts beside a line or around a speck: marks nearly as strong as a defect. Faint
  // texture there does not make a scratch picture.
  const busy = new Int8Array(n);
  const residual = new Float32Array(n);
  const strong = emptyMask(width, height);
  for (let i = 0; i < n; i++) {
    const d = gray[i]! - median[i]!;
    residual[i] = d;
    const a = Math.abs(d);
    if (a >= threshold / 2) sign[i] = d > 0 ? 1 : -1;
    if (a >= BUSY * threshold) busy[i] = d > 0 ? 1 : -1;
    if (a >= threshold) strong.data[i] = 1;
  }
  const signAt = (x: number, y: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : sign[y * width + x]!;
  // The along test reads candidates within 1 px: a 1-px line at an angle between the 16
  // directions is a staircase that a straight segment of samples would half miss.
  const bright = dilateMask(
    { width, height, data: Uint8Array.from(sign, (v) => (v > 0 ? 1 : 0)) },
    1.5,
  );
  const dark = dilateMask(
    { width, height, data: Uint8Array.from(sign, (v) => (v < 0 ? 1 : 0)) },
    1.5,
  );
  const nearAt = (x: number, y: number, s: number) =>
    x < 0 || y < 0 || x >= width || y >= height
      ? false
      : (s > 0 ? bright : dark).data[y * width + x] === 1;
  const busyAt = (x: number, y: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : busy[y * width + x]!;

  // Scratches: strong pixels on a thin, lone line of candidates, connected over a length.
  const onLine = emptyMask(width, height);
  const count = 2 * HALF_SEGMENT + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!strong.data[i]) continue;
      const s = sign[i]!;
      for (const { along, left, right } of OFFSETS) {
        let on = 0;
        for (let k = 0; k < along.length; k += 2) {
          if (nearAt(x + along[k]!, y + along[k + 1]!, s)) on++;
        }
        if (on < ON_LINE * count) continue;
        let l = 0;
        let r = 0;
        for (let k = 0; k < left.length; k += 2) {
          if (busyAt(x + left[k]!, y + left[k + 1]!) === s) l++;
          if (busyAt(x + right[k]!, y + right[k + 1]!) === s) r++;
        }
        if (Math.max(l, r) > BESIDE_LINE * count) continue;
        // Thin: the run of same-sign candidates across the line, through this pixel.
        const nx = -along[2 * count - 1]! + along[1]!;
        const ny = along[2 * count - 2]! - along[0]!;
        const norm = Math.hypot(nx, ny);
        let across = 1;
        for (const dir of [1, -1]) {
          for (let t = 1; t <= MAX_WIDTH; t++) {
            const u = Math.round(x + (dir * t * nx) / norm);
            const v = Math.round(y + (dir * t * ny) / norm);
            if (signAt(u, v) !== s) break;
            across++;
          }
        }
        if (across > MAX_WIDTH) continue;
        onLine.data[i] = 1;
        break;
      }
    }
  }
  const minLength = Math.max(32, Math.round(0.2 * Math.min(width, height)));
  const found = emptyMask(width, height);
  const lines = labelComponents(onLine);
  const keepLine = new Uint8Array(lines.list.length + 1);
  let scratches = 0;
  for (const c of lines.list) {
    if (Math.hypot(c.x1 - c.x0, c.y1 - c.y0) < minLength) continue;
    keepLine[c.label] = 1;
    scratches++;
  }
  for (let i = 0; i < n; i++) if (keepLine[lines.labels[i]!]) found.data[i] = 1;

  // Specks: small, compact, strong regions on a quiet surround.
  const blobs = labelComponents(strong);
  let specks = 0;
  for (const c of blobs.list) {
    if (c.area > SPECK_AREA || c.x1 - c.x0 > SPECK_SIDE || c.y1 - c.y0 > SPECK_SIDE) continue;
    let peak = 0;
    let onScratch = 0;
    for (let y = c.y0; y < c.y1; y++) {
      for (let x = c.x0; x < c.x1; x++) {
        const i = y * width + x;
        if (blobs.labels[i] !== c.label) continue;
        peak = Math.max(peak, Math.abs(residual[i]!));
        onScratch += found.data[i]!;
      }
    }
    if (onScratch > 0 || peak < SPECK_PEAK * threshold) continue;
    let marked = 0;
    let ring = 0;
    for (let y = c.y0 - 5; y < c.y1 + 5; y++) {
      for (let x = c.x0 - 5; x < c.x1 + 5; x++) {
        if (x >= c.x0 - 1 && x < c.x1 + 1 && y >= c.y0 - 1 && y < c.y1 + 1) continue;
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        ring++;
        if (busy[y * width + x]) marked++;
      }
    }
    if (marked > SPECK_SURROUND * ring) continue;
    for (let y = c.y0; y < c.y1; y++) {
      for (let x = c.x0; x < c.x1; x++) {
        if (blobs.labels[y * width + x] === c.label) found.data[y * width + x] = 1;
      }
    }
    specks++;
  }

  // A defect's soft edges: candidates of the same sign right next to it, then one more pixel
  // where the residual shows any damage at all.
  const core = emptyMask(width, height);
  const near = dilateMask(found, 2);
  for (let i = 0; i < n; i++) {
    if (found.data[i]) core.data[i] = 1;
    else if (near.data[i] && sign[i]) core.data[i] = 1;
  }
  const edge = dilateMask(core, 1);
  const faint = Math.max(6, 2 * noiseSigma);
  const mask = emptyMask(width, height);
  for (let i = 0; i < n; i++) {
    if (core.data[i] || (edge.data[i] && Math.abs(residual[i]!) >= faint)) mask.data[i] = 1;
  }
  return { mask, scratches, specks, noiseSigma, threshold };
}
