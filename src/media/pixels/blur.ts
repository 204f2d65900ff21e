/*
 * Box filters on float planes, O(1) per sample whatever the radius (running sums), and the
 * three stacked boxes that approximate a Gaussian (Kovesi, "Fast almost-Gaussian filtering",
 * 2010). Samples outside the image are treated as missing, not as zeros or copies: each window
 * is divided by how many of its samples lie inside. That keeps the operator linear, so
 * blur(x · w) / blur(w) is a true normalised convolution (used to blur a background without
 * the subject that covers it).
 */

/** Mean over the (2r+1)-wide window of each row, `channels` interleaved samples per pixel. */
function boxRows(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  channels: number,
  r: number,
): void {
  const sums = new Float64Array(channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    sums.fill(0);
    const first = Math.min(r, width - 1);
    for (let x = 0; x <= first; x++) {
      for (let c = 0; c < channels; c++) sums[c]! += src[row + x * channels + c]!;
    }
    for (let x = 0; x < width; x++) {
      const lo = Math.max(0, x - r);
      const hi = Math.min(width - 1, x + r);
      const inv = 1 / (hi - lo + 1);
      const o = row + x * channels;
      for (let c = 0; c < channels; c++) dst[o + c] = sums[c]! * inv;
      const add = x + r + 1;
      const drop = x - r;
      if (add < width) {
        for (let c = 0; c < channels; c++) sums[c]! += src[row + add * channels + c]!;
      }
      if (drop >= 0) {
        for (let c = 0; c < channels; c++) sums[c]! -= src[row + drop * channels + c]!;
      }
    }
  }
}

/** Mean over the (2r+1)-tall window of each column, a whole row of sums at a time. */
function boxColumns(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  channels: number,
  r: number,
): void {
  const rowLength = width * channels;
  const sums = new Float64Array(rowLength);
  const first = Math.min(r, height - 1);
  for (let y = 0; y <= first; y++) {
    const row = y * rowLength;
    for (let j = 0; j < rowLength; j++) sums[j]! += src[row + j]!;
  }
  for (let y = 0; y < height; y++) {
    const lo = Math.max(0, y - r);
    const hi = Math.min(height - 1, y + r);
    const inv = 1 / (hi - lo + 1);
    const o = y * rowLength;
    for (let j = 0; j < rowLength; j++) dst[o + j] = sums[j]! * inv;
    const add = y + r + 1;
    const drop = y - r;
    if (add < height) {
      const row = add * rowLength;
      for (let j = 0; j < rowLength; j++) sums[j]! += src[row + j]!;
    }
    if (drop >= 0) {
      const row = drop * rowLength;
      for (let j = 0; j < rowLength; j++) sums[j]! -= src[row + j]!;
    }
  }
}

/** A (2r+1)² box mean, edge windows averaged over their in-image samples only. */
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  channels = 1,
): Float32Array {
  const mid = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  if (r < 1) {
    out.set(src);
    return out;
  }
  boxRows(src, mid, width, height, channels, r);
  boxColumns(mid, out, width, height, channels, r);
  return out;
}

/**
 * Odd box widths whose n-fold convolution has the variance of a Gaussian of `sigma` (Kovesi):
 * m boxes of width wl and n − m of wl + 2.
 */
export function gaussianBoxWidths(sigma: number, n = 3): number[] {
  const ideal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(ideal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  return Array.from({ length: n }, (_, i) => (i < m ? wl : wu));
}

/** An almost-Gaussian blur of standard deviation `sigma`: three box means in a row. */
export function gaussianBlur(
  src: Float32Array,
  width: number,
  height: number,
  sigma: number,
  channels = 1,
): Float32Array {
  let out = src;
  for (const w of gaussianBoxWidths(sigma)) {
    out = boxMean(out, width, height, (w - 1) / 2, channels);
  }
  return out === src ? Float32Array.from(src) : out;
}
