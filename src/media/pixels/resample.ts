/*
 * Separable resampling with precomputed weights, as Pillow does it: each output sample is a
 * weighted sum over the source samples its kernel covers, the kernel stretched by the scale when
 * shrinking (so downscaling averages, never aliases) and left at its own width when enlarging.
 * Samples past the edge are left out and the weights renormalised, so edges do not darken.
 * For float planes (mattes, masks); RGBA images go through src/media/resize.ts (Lanczos-3,
 * premultiplied).
 */

export type ResampleKernel = 'bilinear' | 'bicubic';

const SUPPORT: Record<ResampleKernel, number> = { bilinear: 1, bicubic: 2 };

function kernelAt(kernel: ResampleKernel, x: number): number {
  const t = Math.abs(x);
  if (kernel === 'bilinear') return t < 1 ? 1 - t : 0;
  // Keys' cubic with a = -0.5 (Catmull-Rom): interpolating, sharp, little ringing.
  const a = -0.5;
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** For each output index: the first source index, and its weights (zeros pad to `taps`). */
export interface ResampleWeights {
  taps: number;
  start: Int32Array;
  weights: Float32Array;
}

export function resampleWeights(
  inSize: number,
  outSize: number,
  kernel: ResampleKernel,
): ResampleWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT[kernel] * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support + 0.5));
    const hi = Math.min(inSize, Math.floor(centre + support + 0.5));
    start[o] = lo;
    let total = 0;
    for (let i = lo; i < hi && i - lo < taps; i++) {
      const w = kernelAt(kernel, (i + 0.5 - centre) / filterScale);
      weights[o * taps + i - lo] = w;
      total += w;
    }
    if (total !== 0) for (let k = 0; k < taps; k++) weights[o * taps + k]! /= total;
  }
  return { taps, start, weights };
}

/**
 * Resizes interleaved float samples (`channels` per pixel). Bicubic can overshoot; callers that
 * need a range (alpha in 0..1, bytes) clamp.
 */
export function resampleFloat(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  kernel: ResampleKernel,
): Float32Array {
  const across = resampleWeights(width, outWidth, kernel);
  const down = resampleWeights(height, outHeight, kernel);
  // Horizontal pass into outWidth × height, then vertical into outWidth × outHeight.
  const mid = new Float32Array(outWidth * height * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < outWidth; x++) {
      const first = across.start[x]!;
      const wBase = x * across.taps;
      const o = (y * outWidth + x) * channels;
      for (let k = 0; k < across.taps; k++) {
        const w = across.weights[wBase + k]!;
        if (w === 0) continue;
        const i = row + (first + k) * channels;
        for (let c = 0; c < channels; c++) mid[o + c]! += w * src[i + c]!;
      }
    }
  }
  const out = new Float32Array(outWidth * outHeight * channels);
  const rowLength = outWidth * channels;
  for (let y = 0; y < outHeight; y++) {
    const first = down.start[y]!;
    const wBase = y * down.taps;
    const o = y * rowLength;
    for (let k = 0; k < down.taps; k++) {
      const w = down.weights[wBase + k]!;
      if (w === 0) continue;
      const i = (first + k) * rowLength;
      for (let j = 0; j < rowLength; j++) out[o + j]! += w * mid[i + j]!;
    }
  }
  return out;
}

/** Resizes a single plane and clamps it to lo..hi (e.g. an alpha matte to 0..1). */
export function resizePlane(
  plane: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  kernel: ResampleKernel = 'bicubic',
  lo = 0,
  hi = 1,
): Float32Array {
  const out =
    width === outWidth && height === outHeight
      ? Float32Array.from(plane)
      : resampleFloat(plane, width, height, 1, outWidth, outHeight, kernel);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i]!));
  return out;
}
