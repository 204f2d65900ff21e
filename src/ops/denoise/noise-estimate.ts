/**
 * What kind of noise an image has, measured from the image alone: how strong its white
 * (sensor-like) noise is, and whether it carries JPEG's 8×8 block grid.
 */

interface Rgba {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The standard deviation of white Gaussian noise on the RGB samples, in levels, by Donoho's
 * robust estimator: the median absolute value of the finest diagonal Haar wavelet coefficients,
 * / 0.6745. For white noise of σ, each coefficient (a - b - c + d) / 2 has standard deviation σ;
 * image structure lands mostly in the other subbands, and the median ignores the edges that do
 * reach this one. Texture still adds a little: clean photos read about 1-4 levels. Averaged over
 * the three channels.
 */
export function estimateNoiseSigma(image: Rgba): number {
  const { data, width, height } = image;
  const bw = width >> 1;
  const bh = height >> 1;
  if (bw === 0 || bh === 0) return 0;
  // |a - b - c + d| is a whole number 0..510: a histogram gives the exact median in O(1) memory.
  const histogram = new Uint32Array(511);
  let total = 0;
  for (let c = 0; c < 3; c++) {
    histogram.fill(0);
    for (let by = 0; by < bh; by++) {
      const top = 2 * by * width;
      const bottom = top + width;
      for (let bx = 0; bx < bw; bx++) {
        const a = data[(top + 2 * bx) * 4 + c]!;
        const b = data[(top + 2 * bx + 1) * 4 + c]!;
        const cc = data[(bottom + 2 * bx) * 4 + c]!;
        const d = data[(bottom + 2 * bx + 1) * 4 + c]!;
        histogram[Math.abs(a - b - cc + d)]!++;
      }
    }
    total += histogramMedian(histogram, bw * bh) / 2 / 0.6745;
  }
  return total / 3;
}

/** The median of `count` values given as a histogram of whole numbers (mean of the middle two). */
function histogramMedian(histogram: Uint32Array, count: number): number {
  const at = (rank: number): number => {
    let seen = 0;
    for (let v = 0; v < histogram.length; v++) {
      seen += histogram[v]!;
      if (seen > rank) return v;
    }
    return histogram.length - 1;
  };
  return count % 2 ? at(count >> 1) : (at((count >> 1) - 1) + at(count >> 1)) / 2;
}

/**
 * How much stronger the luma steps are across JPEG's 8×8 block borders than elsewhere: the
 * mean |horizontal and vertical neighbour difference| on the block-border lines of the best
 * grid phase, over the mean on all other lines. About 1 for an image that was never JPEG
 * compressed (or was, gently); 1.3 and more where blocking shows. The phase is searched so a
 * JPEG that was cropped off the grid still counts. Reported in the job's engine record, not used
 * to choose: drawings whose edges fall on a grid of 8 read high too (the test cartoon: 2.6).
 */
export function jpegBlockiness(image: Rgba): number {
  const { data, width, height } = image;
  if (width < 16 || height < 16) return 1;
  const luma = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    luma[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
  }
  // Column and row profiles: mean |difference| between column x-1 and x (rows likewise).
  const columns = new Float64Array(8);
  const rows = new Float64Array(8);
  const columnCounts = new Float64Array(8);
  const rowCounts = new Float64Array(8);
  for (let y = 0; y < height; y++) {
    for (let x = 1; x < width; x++) {
      const i = y * width + x;
      columns[x % 8]! += Math.abs(luma[i]! - luma[i - 1]!);
      columnCounts[x % 8]!++;
    }
  }
  for (let y = 1; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      rows[y % 8]! += Math.abs(luma[i]! - luma[i - width]!);
      rowCounts[y % 8]!++;
    }
  }
  const ratio = (sums: Float64Array, counts: Float64Array): number => {
    let best = 0;
    let bestPhase = 0;
    for (let p = 0; p < 8; p++) {
      const mean = sums[p]! / counts[p]!;
      if (mean > best) [best, bestPhase] = [mean, p];
    }
    let rest = 0;
    let restCount = 0;
    for (let p = 0; p < 8; p++) {
      if (p === bestPhase) continue;
      rest += sums[p]!;
      restCount += counts[p]!;
    }
    const others = rest / restCount;
    return others > 0 ? best / others : 1;
  };
  return (ratio(columns, columnCounts) + ratio(rows, rowCounts)) / 2;
}
