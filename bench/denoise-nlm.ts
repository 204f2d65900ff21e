/**
 * The denoise operation's white-noise engine before CBM3D, kept here as the baseline that
 * bench/denoise-quality.ts measures CBM3D against (the app no longer runs it). The strength it
 * ran at: h = (0.3 + 0.5 × enhancement_level) × σ.
 *
 * Non-local means (Buades, Coll & Morel 2005), pixelwise, for colour images: each pixel becomes
 * the weighted mean of the pixels in a search window around it, weighted by how alike the
 * patches around the two pixels are. Noise is averaged away along every similar structure
 * (edges, repeated texture) instead of across it, which is why it keeps the detail a Gaussian
 * blur would smear.
 *
 * The fast form of Darbon et al. (2008): for each offset d of the search window, the squared
 * difference between the image and its shift by d is box-summed over the patch in O(1) per
 * pixel, so the cost does not grow with the patch size. A patch distance is symmetric, so each
 * offset pair (d, -d) is computed once and credited to both of its pixels.
 *
 * Weights follow the IPOL reference (Buades, Coll & Morel, "Non-Local Means Denoising", IPOL
 * 2011): d² is the mean squared difference per sample of the two patches, w = exp(-max(d² - 2σ²,
 * 0) / h²), and a pixel weighs itself as much as its most similar neighbour (its own d² would
 * otherwise be 0 and outweigh all of them).
 */

export interface NlmOptions {
  /** The noise's standard deviation, in the image's units (levels of 0..255). */
  sigma: number;
  /** Filtering strength, same units as sigma; IPOL uses 0.55σ (3×3 patches) to 0.35σ. */
  h: number;
  /** Patch half-size: 1 gives 3×3 patches. */
  patchRadius: number;
  /** Search-window half-size: 10 gives a 21×21 window. */
  searchRadius: number;
}

/** The filtering strength the app used at `level` (0..1), as a multiple of σ. */
export function nlmStrength(level: number): number {
  return 0.3 + 0.5 * Math.min(1, Math.max(0, level));
}

/** The IPOL reference's parameters for colour images with noise of standard deviation sigma. */
export function nlmParameters(sigma: number): NlmOptions {
  if (sigma <= 25) return { sigma, h: 0.55 * sigma, patchRadius: 1, searchRadius: 10 };
  if (sigma <= 55) return { sigma, h: 0.4 * sigma, patchRadius: 2, searchRadius: 17 };
  return { sigma, h: 0.35 * sigma, patchRadius: 3, searchRadius: 17 };
}

/** Mirror index without repeating the edge sample (reflect101), folded as often as needed. */
function reflect(i: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const m = ((i % period) + period) % period;
  return m < size ? m : period - m;
}

/** exp(-x) sampled on [0, WEIGHT_LIMIT); beyond it a weight is below 1e-5 and taken as 0. */
const WEIGHT_LIMIT = 12;
const WEIGHT_STEPS = 4096;
const WEIGHT_TABLE = (() => {
  const table = new Float32Array(WEIGHT_STEPS + 1);
  for (let i = 0; i < WEIGHT_STEPS; i++)
    table[i] = Math.exp(-((i + 0.5) * WEIGHT_LIMIT) / WEIGHT_STEPS);
  table[WEIGHT_STEPS] = 0;
  return table;
})();

/**
 * Denoises `src` (width × height pixels of `channels` interleaved float samples) and returns a
 * new array of the same layout. Pixels beyond the edges are mirrored, so a tile cut with enough
 * context (patchRadius + searchRadius) gives the same core as the whole image would.
 */
export function nonLocalMeans(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  options: NlmOptions,
): Float32Array {
  if (src.length !== width * height * channels) {
    throw new RangeError(
      `${width}x${height}x${channels} needs ${width * height * channels} samples`,
    );
  }
  const { sigma, h, patchRadius: P, searchRadius: R } = options;
  if (!(h > 0)) return Float32Array.from(src);

  // Padded copy: M samples of mirrored context on every side.
  const M = P + R;
  const pw = width + 2 * M;
  const ph = height + 2 * M;
  const padded = new Float32Array(pw * ph * channels);
  for (let y = 0; y < ph; y++) {
    const sy = reflect(y - M, height);
    for (let x = 0; x < pw; x++) {
      const sx = reflect(x - M, width);
      const s = (sy * width + sx) * channels;
      const d = (y * pw + x) * channels;
      for (let c = 0; c < channels; c++) padded[d + c] = src[s + c]!;
    }
  }

  const count = width * height;
  const acc = new Float32Array(count * channels);
  const weightSum = new Float32Array(count);
  const weightMax = new Float32Array(count);

  const patchArea = (2 * P + 1) * (2 * P + 1);
  // d² (a sum over patchArea·channels samples) to the weight table's index.
  const bias = 2 * sigma * sigma * patchArea * channels;
  const toIndex = WEIGHT_STEPS / (WEIGHT_LIMIT * h * h * patchArea * channels);

  // Scratch sized for the largest region an offset needs.
  const regionW = width + R + 2 * P;
  const regionH = height + R + 2 * P;
  const diff = new Float32Array(regionW * regionH);
  const rowBox = new Float32Array(regionW * regionH);
  const column = new Float64Array(regionW);
  const weights = new Float32Array(regionW);

  for (let dy = 0; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      if (dy === 0 && dx <= 0) continue;
      // Pixels p (output coordinates) whose pair (p, p + d) has an end in the output.
      const x0 = Math.min(0, -dx);
      const x1 = Math.max(width, width - dx);
      const y0 = -dy;
      const y1 = height;
      const rw = x1 - x0;
      const rh = y1 - y0;
      // Squared differences over the region grown by the patch radius.
      const dw = rw + 2 * P;
      const dh = rh + 2 * P;
      for (let j = 0; j < dh; j++) {
        const py = y0 - P + j + M;
        let a = (py * pw + (x0 - P + M)) * channels;
        let b = a + (dy * pw + dx) * channels;
        let o = j * dw;
        for (let i = 0; i < dw; i++, o++) {
          let sum = 0;
          for (let c = 0; c < channels; c++, a++, b++) {
            const e = padded[a]! - padded[b]!;
            sum += e * e;
          }
          diff[o] = sum;
        }
      }
      // Horizontal box sums (running), then vertical ones.
      const span = 2 * P + 1;
      for (let j = 0; j < dh; j++) {
        const row = j * dw;
        let run = 0;
        for (let i = 0; i < span; i++) run += diff[row + i]!;
        rowBox[j * rw] = run;
        for (let i = 1; i < rw; i++) {
          run += diff[row + i + span - 1]! - diff[row + i - 1]!;
          rowBox[j * rw + i] = run;
        }
      }
      column.fill(0, 0, rw);
      for (let j = 0; j < span; j++) {
        for (let i = 0; i < rw; i++) column[i]! += rowBox[j * rw + i]!;
      }
      for (let j = 0; j < rh; j++) {
        if (j > 0) {
          const add = (j + span - 1) * rw;
          const drop = (j - 1) * rw;
          for (let i = 0; i < rw; i++) column[i]! += rowBox[add + i]! - rowBox[drop + i]!;
        }
        // This row's weights, then credited to each end of every pair that is in the output:
        // p (row y) for the pairs starting there, q = p + d (row y + dy) for those ending there.
        for (let i = 0; i < rw; i++) {
          const excess = column[i]! - bias;
          const index = excess <= 0 ? 0 : excess * toIndex;
          weights[i] = index >= WEIGHT_STEPS ? 0 : WEIGHT_TABLE[index | 0]!;
        }
        const y = y0 + j;
        const qy = y + dy;
        if (y >= 0) {
          const first = -x0;
          const partner = ((qy + M) * pw + M + dx) * channels;
          for (let x = 0; x < width; x++) {
            const w = weights[first + x]!;
            if (w === 0) continue;
            const p = y * width + x;
            const q = partner + x * channels;
            for (let c = 0; c < channels; c++) acc[p * channels + c]! += w * padded[q + c]!;
            weightSum[p]! += w;
            if (w > weightMax[p]!) weightMax[p] = w;
          }
        }
        if (qy < height) {
          const first = -dx - x0;
          const partner = ((y + M) * pw + M - dx) * channels;
          for (let x = 0; x < width; x++) {
            const w = weights[first + x]!;
            if (w === 0) continue;
            const q = qy * width + x;
            const p = partner + x * channels;
            for (let c = 0; c < channels; c++) acc[q * channels + c]! += w * padded[p + c]!;
            weightSum[q]! += w;
            if (w > weightMax[q]!) weightMax[q] = w;
          }
        }
      }
    }
  }

  const out = new Float32Array(src.length);
  for (let p = 0; p < count; p++) {
    const self = weightMax[p]! > 0 ? weightMax[p]! : 1;
    const total = weightSum[p]! + self;
    for (let c = 0; c < channels; c++) {
      const i = p * channels + c;
      out[i] = (acc[i]! + self * src[i]!) / total;
    }
  }
  return out;
}
