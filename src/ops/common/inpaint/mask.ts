/**
 * Masks for inpainting: which pixels to fill.
 *
 * Convention, everywhere in Kintsugi: a mask is a picture the size of the photo where WHITE
 * means "fill this pixel" and BLACK means "keep it". A mask image sent by a caller is read as
 * fill where its pixel is light (luma ≥ 128) and opaque (alpha ≥ 128), so a transparent PNG with
 * white strokes works as well as a black-and-white one. In memory a mask is one byte per pixel,
 * 1 = fill, 0 = keep.
 */

export interface Mask {
  width: number;
  height: number;
  /** width × height bytes, row-major: 1 = fill, 0 = keep. */
  data: Uint8Array;
}

export function emptyMask(width: number, height: number): Mask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`mask size must be positive integers, got ${width}×${height}`);
  }
  return { width, height, data: new Uint8Array(width * height) };
}

/** White (light and opaque) pixels of an RGBA picture are the ones to fill. */
export function maskFromRgba(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Mask {
  const mask = emptyMask(width, height);
  for (let i = 0; i < width * height; i++) {
    const p = i * 4;
    const luma = 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
    mask.data[i] = luma >= 128 && rgba[p + 3]! >= 128 ? 1 : 0;
  }
  return mask;
}

export function countMask(mask: Mask): number {
  let n = 0;
  for (const v of mask.data) n += v;
  return n;
}

export interface Box {
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
}

/** The smallest box holding every fill pixel, or null for an empty mask. */
export function maskBounds(mask: Mask): Box | null {
  const { width, height, data } = mask;
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!data[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
    }
  }
  return x1 > x0 ? { x0, y0, x1, y1 } : null;
}

/**
 * Scales a mask to another size. A target pixel is to be filled when any source pixel under it
 * is: shrinking never loses a thin stroke, and enlarging is nearest-neighbour.
 */
export function resizeMask(mask: Mask, width: number, height: number): Mask {
  const out = emptyMask(width, height);
  if (width === mask.width && height === mask.height) {
    out.data.set(mask.data);
    return out;
  }
  const sx = mask.width / width;
  const sy = mask.height / height;
  for (let y = 0; y < height; y++) {
    const ya = Math.floor(y * sy);
    const yb = Math.max(ya + 1, Math.min(mask.height, Math.ceil((y + 1) * sy)));
    for (let x = 0; x < width; x++) {
      const xa = Math.floor(x * sx);
      const xb = Math.max(xa + 1, Math.min(mask.width, Math.ceil((x + 1) * sx)));
      let hit = 0;
      for (let v = ya; v < yb && !hit; v++) {
        for (let u = xa; u < xb; u++) {
          if (mask.data[v * mask.width + u]) {
            hit = 1;
            break;
          }
        }
      }
      out.data[y * width + x] = hit;
    }
  }
  return out;
}

/** Stands for "no set pixel": large, but finite so the parabola maths below stays exact. */
const FAR = 1e20;

/** One row or column of the exact 1-D squared distance transform (Felzenszwalb–Huttenlocher). */
function distance1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array) {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let r = v[k]!;
    let s = (f[q]! + q * q - (f[r]! + r * r)) / (2 * q - 2 * r);
    while (s <= z[k]!) {
      k--;
      r = v[k]!;
      s = (f[q]! + q * q - (f[r]! + r * r)) / (2 * q - 2 * r);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const r = v[k]!;
    d[q] = (q - r) * (q - r) + f[r]!;
  }
}

/**
 * For every pixel, the squared Euclidean distance to the nearest pixel where `set` is true
 * (0 on those pixels, Infinity when there is none). Exact, in two separable passes.
 */
export function squaredDistanceTo(
  width: number,
  height: number,
  set: (index: number) => boolean,
): Float64Array {
  const out = new Float64Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = set(i) ? 0 : FAR;
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = out[y * width + x]!;
    distance1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y]!;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = out[y * width + x]!;
    distance1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[y * width + x] = d[x]! >= FAR ? Infinity : d[x]!;
  }
  return out;
}

/** Grows the fill region by a disc of `radius` pixels. */
export function dilateMask(mask: Mask, radius: number): Mask {
  const out = emptyMask(mask.width, mask.height);
  if (radius <= 0) {
    out.data.set(mask.data);
    return out;
  }
  const dist = squaredDistanceTo(mask.width, mask.height, (i) => mask.data[i] === 1);
  const r2 = radius * radius;
  for (let i = 0; i < dist.length; i++) out.data[i] = dist[i]! <= r2 ? 1 : 0;
  return out;
}

/** Pixels whose distance to the fill region lies in (inner, outer]: a band around it. */
export function ringAround(mask: Mask, inner: number, outer: number): Mask {
  const out = emptyMask(mask.width, mask.height);
  const dist = squaredDistanceTo(mask.width, mask.height, (i) => mask.data[i] === 1);
  for (let i = 0; i < dist.length; i++) {
    out.data[i] = dist[i]! > inner * inner && dist[i]! <= outer * outer ? 1 : 0;
  }
  return out;
}

/**
 * For every fill pixel, its distance to the nearest keep pixel (or the image edge counts as
 * nothing: only keep pixels do). The largest value in a region is the radius of the biggest disc
 * it holds: how thick it is.
 */
export function insideDistance(mask: Mask): Float64Array {
  const sq = squaredDistanceTo(mask.width, mask.height, (i) => mask.data[i] === 0);
  for (let i = 0; i < sq.length; i++) sq[i] = Math.sqrt(sq[i]!);
  return sq;
}

export function unionMasks(a: Mask, b: Mask): Mask {
  const out = emptyMask(a.width, a.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i]! | b.data[i]!;
  return out;
}
