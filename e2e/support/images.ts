// Node-side image helpers for the end-to-end tests and benchmarks: read what the app exports,
// make the small inputs from a known original, and score the result against that original.
// The PNG codec and the resamplers live in models/lib/png.ts, which the model build shares.

import { assertImage, type RgbaImageLike } from '../../models/lib/png.ts';

export * from '../../models/lib/png.ts';

// ---------------------------------------------------------------------------------------------
// Metrics

export interface PsnrOptions {
  /** 3 compares RGB and ignores alpha (the default); 4 includes alpha. */
  channels?: 3 | 4;
  /** Pixels to leave out at every edge, where models and resamplers legitimately differ most. */
  border?: number;
}

/** Peak signal-to-noise ratio in dB for 8-bit samples; Infinity when the images are identical. */
export function psnr(a: RgbaImageLike, b: RgbaImageLike, options: PsnrOptions = {}): number {
  assertImage(a, 'first image');
  assertImage(b, 'second image');
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`size mismatch: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  const channels = options.channels ?? 3;
  const border = options.border ?? 0;
  if (!Number.isInteger(border) || border < 0 || 2 * border >= Math.min(a.width, a.height)) {
    throw new RangeError(`border ${border} leaves nothing of a ${a.width}x${a.height} image`);
  }
  let squaredError = 0;
  let count = 0;
  for (let y = border; y < a.height - border; y++) {
    for (let x = border; x < a.width - border; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * a.width + x) * 4 + c;
        const diff = a.data[i]! - b.data[i]!;
        squaredError += diff * diff;
        count++;
      }
    }
  }
  const mse = squaredError / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

export interface SeamPositions {
  /** Output row indices r where a tile border falls between row r - 1 and row r. */
  rows: number[];
  /** Output column indices c where a tile border falls between column c - 1 and column c. */
  cols: number[];
}

export interface SeamScore {
  /** Mean of the line statistic over the seam lines. */
  atSeams: number;
  /** The same mix of directions measured over every non-seam line: the no-seam expectation. */
  elsewhere: number;
  /** The single worst seam line, so one bad tile border cannot hide among good ones. */
  worstSeam: number;
}

/**
 * Measures whether tile borders show. For every pair of adjacent rows (and columns) the line
 * statistic is the mean absolute RGB difference across that pair, averaged along the whole line.
 * A seam is an offset or a break along one line, so it raises that line's mean while leaving the
 * rest alone; averaging along the line keeps a photo's ordinary edges, which cross few pixels of
 * any one line, from drowning it out.
 *
 * `elsewhere` is the mean over non-seam lines rather than a high percentile: a percentile would
 * let a seam hide behind the image's busiest rows, while the mean is what a seam-free line looks
 * like on average. Row seams are compared with other rows and column seams with other columns
 * (an image can have more vertical than horizontal detail), weighted by how many of each there
 * are. With no seam, `atSeams` stays close to `elsewhere`; a test can assert
 * `atSeams <= elsewhere * 1.5`.
 *
 * Sensitivity depends on how busy the image is. On an upscaled output neighbours differ little
 * (about 2.5 levels for the x4 fixture photo), so a +3..5 offset between tiles already crosses
 * 1.5x; on the textured 300x200 fixture itself (about 10 levels) it takes roughly +15. Single
 * natural lines reach about 2x the mean, so judge `worstSeam` with a looser bound than 1.5x.
 */
export function seamScore(img: RgbaImageLike, positions: SeamPositions): SeamScore {
  assertImage(img);
  const rowStats = lineStatistics(img, 'rows');
  const colStats = lineStatistics(img, 'cols');
  const seamRows = checkedPositions(positions.rows, img.height, 'row');
  const seamCols = checkedPositions(positions.cols, img.width, 'column');
  if (seamRows.size + seamCols.size === 0) throw new RangeError('no seam positions given');

  const meanExcluding = (stats: Float64Array, seams: Set<number>): number => {
    let sum = 0;
    let count = 0;
    stats.forEach((value, index) => {
      if (index >= 1 && !seams.has(index)) {
        sum += value;
        count++;
      }
    });
    if (count === 0) throw new RangeError('every line is a seam: nothing to compare against');
    return sum / count;
  };

  const seamValues = [
    ...[...seamRows].map((r) => rowStats[r]!),
    ...[...seamCols].map((c) => colStats[c]!),
  ];
  const atSeams = seamValues.reduce((sum, v) => sum + v, 0) / seamValues.length;
  const elsewhere =
    ((seamRows.size > 0 ? seamRows.size * meanExcluding(rowStats, seamRows) : 0) +
      (seamCols.size > 0 ? seamCols.size * meanExcluding(colStats, seamCols) : 0)) /
    seamValues.length;
  return { atSeams, elsewhere, worstSeam: Math.max(...seamValues) };
}

function checkedPositions(positions: number[], size: number, what: string): Set<number> {
  for (const p of positions) {
    if (!Number.isInteger(p) || p < 1 || p >= size) {
      throw new RangeError(`${what} seam ${p} must lie between 1 and ${size - 1}`);
    }
  }
  return new Set(positions);
}

/** stats[i] (i >= 1): mean |difference| between line i - 1 and line i, over the line and RGB. */
function lineStatistics(img: RgbaImageLike, direction: 'rows' | 'cols'): Float64Array {
  const rowStep = img.width * 4;
  const byRow = direction === 'rows';
  const lines = byRow ? img.height : img.width;
  const along = byRow ? img.width : img.height;
  // Byte offsets: from one line to the next, and from one pixel to the next along a line.
  const lineStep = byRow ? rowStep : 4;
  const alongStep = byRow ? 4 : rowStep;
  const stats = new Float64Array(lines);
  for (let i = 1; i < lines; i++) {
    let sum = 0;
    for (let j = 0; j < along; j++) {
      const q = i * lineStep + j * alongStep;
      const p = q - lineStep;
      for (let c = 0; c < 3; c++) sum += Math.abs(img.data[p + c]! - img.data[q + c]!);
    }
    stats[i] = sum / (along * 3);
  }
  return stats;
}

/**
 * Fine detail in an image: the mean absolute 4-neighbour Laplacian of its luma (BT.601), away
 * from a `border`. Bicubic interpolation has little; a super-resolution model restores some.
 */
export function detailEnergy(img: RgbaImageLike, border = 4): number {
  const { width: w, height: h, data } = img;
  const luma = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    luma[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
  }
  let total = 0;
  let count = 0;
  for (let y = Math.max(1, border); y < h - Math.max(1, border); y++) {
    for (let x = Math.max(1, border); x < w - Math.max(1, border); x++) {
      const i = y * w + x;
      total += Math.abs(4 * luma[i]! - luma[i - 1]! - luma[i + 1]! - luma[i - w]! - luma[i + w]!);
      count++;
    }
  }
  return count ? total / count : 0;
}

export interface SsimOptions {
  /** Pixels to leave out at every edge before the windows are placed. */
  border?: number;
}

/** BT.601 luma of every pixel, as floats. */
function lumaPlane(img: RgbaImageLike): Float64Array {
  const plane = new Float64Array(img.width * img.height);
  for (let i = 0; i < plane.length; i++) {
    plane[i] =
      0.299 * img.data[i * 4]! + 0.587 * img.data[i * 4 + 1]! + 0.114 * img.data[i * 4 + 2]!;
  }
  return plane;
}

/** The 11-tap Gaussian (sigma 1.5) of Wang et al., normalised to sum 1. */
const SSIM_WINDOW = (() => {
  const taps = new Float64Array(11);
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += taps[i] = Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5));
  return taps.map((t) => t / sum);
})();

/** Separable Gaussian filtering of a plane, keeping only positions where the window fits. */
function gaussianValid(plane: Float64Array, w: number, h: number): Float64Array {
  const ow = w - 10;
  const oh = h - 10;
  const rows = new Float64Array(ow * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += SSIM_WINDOW[k]! * plane[y * w + x + k]!;
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += SSIM_WINDOW[k]! * rows[(y + k) * ow + x]!;
      out[y * ow + x] = s;
    }
  }
  return out;
}

/**
 * Mean structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of the luma (BT.601) of two
 * images: an 11×11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03, L = 255, averaged over
 * every position where the window fits. 1 for identical images; what "looks the same" scores.
 */
export function ssim(a: RgbaImageLike, b: RgbaImageLike, options: SsimOptions = {}): number {
  assertImage(a, 'first image');
  assertImage(b, 'second image');
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`size mismatch: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  const border = options.border ?? 0;
  const w = a.width - 2 * border;
  const h = a.height - 2 * border;
  if (!Number.isInteger(border) || border < 0 || w < 11 || h < 11) {
    throw new RangeError(`SSIM needs at least 11x11 pixels inside the border, got ${w}x${h}`);
  }
  const crop = (plane: Float64Array) => {
    const out = new Float64Array(w * h);
    for (let y = 0; y < h; y++) {
      out.set(
        plane.subarray((y + border) * a.width + border, (y + border) * a.width + border + w),
        y * w,
      );
    }
    return out;
  };
  const x = crop(lumaPlane(a));
  const y = crop(lumaPlane(b));
  const xx = x.map((v) => v * v);
  const yy = y.map((v) => v * v);
  const xy = x.map((v, i) => v * y[i]!);
  const [mx, my, mxx, myy, mxy] = [x, y, xx, yy, xy].map((p) => gaussianValid(p, w, h)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i]!;
    const uy = my[i]!;
    const vx = mxx[i]! - ux * ux;
    const vy = myy[i]! - uy * uy;
    const cov = mxy[i]! - ux * uy;
    total += ((2 * ux * uy + c1) * (2 * cov + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return total / mx.length;
}

/** Sobel gradient magnitude of a plane (divided by 8: levels per pixel); 0 on the outer ring. */
function sobelMagnitude(plane: Float64Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx =
        plane[i - width + 1]! +
        2 * plane[i + 1]! +
        plane[i + width + 1]! -
        plane[i - width - 1]! -
        2 * plane[i - 1]! -
        plane[i + width - 1]!;
      const gy =
        plane[i + width - 1]! +
        2 * plane[i + width]! +
        plane[i + width + 1]! -
        plane[i - width - 1]! -
        2 * plane[i - width]! -
        plane[i - width + 1]!;
      out[i] = Math.hypot(gx, gy) / 8;
    }
  }
  return out;
}

/**
 * How sharp an image's edges are where a reference has its edges: the mean Sobel gradient of
 * the image's luma over the reference's strongest `fraction` of gradient pixels (away from a
 * `border`), divided by the reference's own mean there. 1 is as steep as the reference; a blurry
 * upscale or a blurred photo scores well below 1, and halos or oversharpening push past it.
 */
export function edgeSharpness(
  img: RgbaImageLike,
  reference: RgbaImageLike,
  options: { fraction?: number; border?: number } = {},
): number {
  assertImage(img, 'image');
  assertImage(reference, 'reference');
  if (img.width !== reference.width || img.height !== reference.height) {
    throw new RangeError(
      `size mismatch: ${img.width}x${img.height} vs ${reference.width}x${reference.height}`,
    );
  }
  const fraction = options.fraction ?? 0.1;
  const border = Math.max(1, options.border ?? 4);
  const { width, height } = reference;
  if (!(fraction > 0 && fraction <= 1) || 2 * border >= Math.min(width, height)) {
    throw new RangeError(`fraction ${fraction} or border ${border} leaves no pixels to measure`);
  }
  const want = sobelMagnitude(lumaPlane(reference), width, height);
  const got = sobelMagnitude(lumaPlane(img), width, height);
  const inner = new Uint32Array((width - 2 * border) * (height - 2 * border));
  let k = 0;
  for (let y = border; y < height - border; y++) {
    for (let x = border; x < width - border; x++) inner[k++] = y * width + x;
  }
  const order = Array.from(inner).sort((a, b) => want[b]! - want[a]!);
  const count = Math.max(1, Math.round(order.length * fraction));
  let sumGot = 0;
  let sumWant = 0;
  for (let i = 0; i < count; i++) {
    sumGot += got[order[i]!]!;
    sumWant += want[order[i]!]!;
  }
  if (sumWant === 0) throw new RangeError('the reference has no edges to measure');
  return sumGot / sumWant;
}

/**
 * Mean magnitude of the luma gradient (forward differences), away from a `border`. Divided by
 * the original's, it is the "sharpness" of a restored image: 1 has as much detail as the
 * original, a blurry upscale scores well below, oversharpening and invented texture above.
 */
export function meanGradient(img: RgbaImageLike, border = 4): number {
  const { width, height } = img;
  const luma = lumaPlane(img);
  let total = 0;
  let count = 0;
  for (let y = border; y < height - border - 1; y++) {
    for (let x = border; x < width - border - 1; x++) {
      const i = y * width + x;
      total += Math.hypot(luma[i + 1]! - luma[i]!, luma[i + width]! - luma[i]!);
      count++;
    }
  }
  return count ? total / count : 0;
}

/**
 * JPEG blockiness of an image enlarged from a JPEG: the mean absolute luma step across the lines
 * of the `grid` (8 px blocks × the enlargement: 32 for ×4) over the mean step across every other
 * line. 1 means the block grid cannot be told from the picture; blocks carried into the result
 * make it larger.
 */
export function blockiness(img: RgbaImageLike, grid: number): number {
  const { width, height } = img;
  const luma = lumaPlane(img);
  let onGrid = 0;
  let onGridCount = 0;
  let off = 0;
  let offCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 1; x < width; x++) {
      const step = Math.abs(luma[y * width + x]! - luma[y * width + x - 1]!);
      if (x % grid === 0) {
        onGrid += step;
        onGridCount++;
      } else {
        off += step;
        offCount++;
      }
    }
  }
  for (let y = 1; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const step = Math.abs(luma[y * width + x]! - luma[(y - 1) * width + x]!);
      if (y % grid === 0) {
        onGrid += step;
        onGridCount++;
      } else {
        off += step;
        offCount++;
      }
    }
  }
  if (!onGridCount || !offCount || off === 0) return 1;
  return onGrid / onGridCount / (off / offCount);
}
