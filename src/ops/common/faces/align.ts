/*
 * Face alignment: the similarity transform (rotation, uniform scale, translation; no shear, no
 * mirror) that best maps a face's keypoints onto a canonical template, the warp of the face into
 * that square frame, and the paste back through the inverse with a feathered mask. Pixels the
 * mask does not reach are never written, so a face pasted back leaves the rest of the photo
 * bit-exact.
 */

import type { RgbaImage } from '@/media/image.ts';
import type { Point } from './detect.ts';

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty: scale √(a²+b²), rotation atan2(b, a). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  if (!(d > 0)) throw new Error('A similarity of scale 0 has no inverse');
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

/**
 * Least-squares similarity from `from` to `to` (Umeyama 1991, in 2-D as complex numbers):
 * with both point sets centred, the complex factor a + ib = Σ conj(p)·q / Σ |p|².
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  if (from.length !== to.length || from.length < 2) {
    throw new Error('A similarity needs at least two matching point pairs');
  }
  const n = from.length;
  const mean = (ps: readonly Point[]) => ({
    x: ps.reduce((s, p) => s + p.x, 0) / n,
    y: ps.reduce((s, p) => s + p.y, 0) / n,
  });
  const mf = mean(from);
  const mt = mean(to);
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]!.x - mf.x;
    const py = from[i]!.y - mf.y;
    const qx = to[i]!.x - mt.x;
    const qy = to[i]!.y - mt.y;
    // conj(p) · q = (px − i·py)(qx + i·qy)
    re += px * qx + py * qy;
    im += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (!(norm > 0)) throw new Error('The source points all coincide');
  const a = re / norm;
  const b = im / norm;
  return { a, b, tx: mt.x - (a * mf.x - b * mf.y), ty: mt.y - (b * mf.x + a * mf.y) };
}

/**
 * Where the eyes, nose tip and mouth centre sit in the canonical face square (side 1): the FFHQ
 * alignment template that face restorers (GFPGAN, CodeFormer) use at 512 px, with the mouth
 * corners averaged to BlazeFace's mouth centre. Order is BlazeFace's: the subject's right eye
 * first, which is the one on the image's left.
 */
export const CANONICAL_FACE: readonly Point[] = [
  { x: 192.98138 / 512, y: 239.94708 / 512 },
  { x: 318.90277 / 512, y: 240.1936 / 512 },
  { x: 256.63416 / 512, y: 314.01935 / 512 },
  { x: (201.26117 + 313.08905) / 1024, y: (371.41043 + 371.15118) / 1024 },
];

/** The similarity taking image pixels to a side-`size` canonical face square. */
export function alignFace(keypoints: readonly Point[], size: number): Similarity {
  const template = CANONICAL_FACE.map((p) => ({ x: p.x * size, y: p.y * size }));
  return estimateSimilarity(keypoints.slice(0, template.length), template);
}

/** The face square's side that keeps the face at its own resolution in the photo. */
export function nativeFaceSize(keypoints: readonly Point[]): number {
  const unit = alignFace(keypoints, 1);
  return 1 / similarityScale(unit);
}

/** Bilinear sample of straight RGBA at continuous pixel coordinates, edges clamped. */
function sampleBilinear(image: RgbaImage, x: number, y: number, out: Float32Array): void {
  const { width, height, data } = image;
  const fx = Math.min(Math.max(x - 0.5, 0), width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const wx = fx - x0;
  const wy = fy - y0;
  const p00 = (y0 * width + x0) * 4;
  const p10 = (y0 * width + x1) * 4;
  const p01 = (y1 * width + x0) * 4;
  const p11 = (y1 * width + x1) * 4;
  for (let c = 0; c < 4; c++) {
    const top = data[p00 + c]! + (data[p10 + c]! - data[p00 + c]!) * wx;
    const bottom = data[p01 + c]! + (data[p11 + c]! - data[p01 + c]!) * wx;
    out[c] = top + (bottom - top) * wy;
  }
}

/**
 * The size² square whose pixel centres map back through `toCrop`⁻¹ to the image: the aligned
 * face. Pixel centres are at +0.5, so the transforms work in continuous coordinates.
 */
export function warpToCrop(image: RgbaImage, toCrop: Similarity, size: number): RgbaImage {
  const back = invertSimilarity(toCrop);
  const data = new Uint8ClampedArray(size * size * 4);
  const px = new Float32Array(4);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const p = applySimilarity(back, { x: u + 0.5, y: v + 0.5 });
      sampleBilinear(image, p.x, p.y, px);
      const o = (v * size + u) * 4;
      for (let c = 0; c < 4; c++) data[o + c] = px[c]!;
    }
  }
  return { width: size, height: size, data };
}

/**
 * Weight of the paste at a point of the crop square: 1 inside, easing to 0 over the outer
 * `feather` fraction of the side (smoothstep), 0 on and beyond the square's edge.
 */
export function featherWeight(u: number, v: number, size: number, feather: number): number {
  const edge = Math.min(u, v, size - u, size - v);
  if (edge <= 0) return 0;
  const ramp = feather * size;
  if (edge >= ramp) return 1;
  const t = edge / ramp;
  return t * t * (3 - 2 * t);
}

/**
 * Blends the restored crop back into `image` (in place): each pixel whose centre maps inside the
 * crop moves towards the restored value by strength · feather weight. Alpha is left alone.
 * Returns how many pixels were written.
 */
export function pasteCrop(
  image: RgbaImage,
  crop: RgbaImage,
  toCrop: Similarity,
  strength: number,
  feather = 0.12,
): number {
  const size = crop.width;
  const back = invertSimilarity(toCrop);
  const corners = [
    { x: 0, y: 0 },
    { x: size, y: 0 },
    { x: 0, y: size },
    { x: size, y: size },
  ].map((p) => applySimilarity(back, p));
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))));
  const x1 = Math.min(image.width, Math.ceil(Math.max(...corners.map((p) => p.x))));
  const y1 = Math.min(image.height, Math.ceil(Math.max(...corners.map((p) => p.y))));
  const px = new Float32Array(4);
  const data = image.data;
  let written = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const q = applySimilarity(toCrop, { x: x + 0.5, y: y + 0.5 });
      const w = strength * featherWeight(q.x, q.y, size, feather);
      if (w <= 0) continue;
      sampleBilinear(crop, q.x, q.y, px);
      const o = (y * image.width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const value = data[o + c]! + (px[c]! - data[o + c]!) * w;
        data[o + c] = Math.min(255, Math.max(0, Math.round(value)));
      }
      written++;
    }
  }
  return written;
}
