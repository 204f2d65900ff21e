import { boxMean } from './blur.ts';

/**
 * The guided filter (He, Sun and Tang, "Guided Image Filtering", ECCV 2010), grey guide: the
 * output is, in every (2r+1)² window, a linear function a·I + b of the guide I fitted to the
 * input p by least squares, with ridge `eps` on a. Flat input stays flat (a = 0), and where the
 * guide has an edge the output takes its shape: the standard way to snap a matte computed at low
 * resolution to the edges of the full-resolution photo, without binarising it.
 */
export function guidedFilter(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
): Float32Array {
  const n = width * height;
  const meanI = boxMean(guide, width, height, r);
  const meanP = boxMean(input, width, height, r);
  const ii = new Float32Array(n);
  const ip = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ii[i] = guide[i]! * guide[i]!;
    ip[i] = guide[i]! * input[i]!;
  }
  const corrI = boxMean(ii, width, height, r);
  const corrIp = boxMean(ip, width, height, r);
  const a = ii; // reused
  const b = ip;
  for (let i = 0; i < n; i++) {
    const varI = corrI[i]! - meanI[i]! * meanI[i]!;
    const cov = corrIp[i]! - meanI[i]! * meanP[i]!;
    a[i] = cov / (varI + eps);
    b[i] = meanP[i]! - a[i]! * meanI[i]!;
  }
  const meanA = boxMean(a, width, height, r);
  const meanB = boxMean(b, width, height, r);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = meanA[i]! * guide[i]! + meanB[i]!;
  return out;
}

/** Rec. 601 luma of straight RGBA bytes, in 0..1. */
export function lumaPlane(data: Uint8Array | Uint8ClampedArray, pixels: number): Float32Array {
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const p = i * 4;
    out[i] = (0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!) / 255;
  }
  return out;
}
