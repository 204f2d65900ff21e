/*
 * Choosing a crop of a given aspect ratio: the largest window of exactly that ratio (integer
 * pixels), slid to where it holds the most saliency, kept clear of its edges by the padding, and
 * always around the detected faces (with their padding) when they fit in it.
 */

import type { SaliencyMap } from './saliency.ts';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function parseRatio(ratio: string): [number, number] {
  const m = /^(\d+):(\d+)$/.exec(ratio);
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) {
    throw new Error(`"${ratio}" is not an aspect ratio like 4:3`);
  }
  return [Number(m[1]), Number(m[2])];
}

/**
 * The largest crop of ratio rw:rh inside width × height: the full height (or width) and the
 * other side rounded to the nearest pixel, so the ratio is exact to within half a pixel.
 */
export function cropSize(
  width: number,
  height: number,
  [rw, rh]: readonly [number, number],
): { width: number; height: number } {
  if (width * rh >= height * rw) {
    return { width: Math.max(1, Math.min(width, Math.round((height * rw) / rh))), height };
  }
  return { width, height: Math.max(1, Math.min(height, Math.round((width * rh) / rw))) };
}

/**
 * A detected face box grown to the whole head (the detector's box runs from the brows to the
 * chin), then by `paddingPercent` of that size on every side.
 */
export function faceRegion(face: Box, paddingPercent: number): Box {
  const grow = 1.4 * (1 + (2 * paddingPercent) / 100);
  const w = face.width * grow;
  const h = face.height * grow;
  const cx = face.x + face.width / 2;
  // Hair and forehead are above the box; the chin is its bottom: the head's centre sits higher.
  const cy = face.y + face.height / 2 - face.height * 0.1;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

export function unionBox(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function clipBox(b: Box, width: number, height: number): Box {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(width, b.x + b.width);
  const y1 = Math.min(height, b.y + b.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** Summed-area tables of s, s·x and s·y over the map, (w+1) × (h+1), in double precision. */
class Integral {
  readonly sum: Float64Array;
  readonly sx: Float64Array;
  readonly sy: Float64Array;
  private readonly stride: number;

  constructor(readonly m: SaliencyMap) {
    const stride = m.width + 1;
    this.stride = stride;
    const size = stride * (m.height + 1);
    this.sum = new Float64Array(size);
    this.sx = new Float64Array(size);
    this.sy = new Float64Array(size);
    for (let y = 0; y < m.height; y++) {
      let rs = 0;
      let rx = 0;
      let ry = 0;
      for (let x = 0; x < m.width; x++) {
        const v = m.map[y * m.width + x]!;
        rs += v;
        rx += v * (x + 0.5);
        ry += v * (y + 0.5);
        const o = (y + 1) * stride + x + 1;
        this.sum[o] = this.sum[o - stride]! + rs;
        this.sx[o] = this.sx[o - stride]! + rx;
        this.sy[o] = this.sy[o - stride]! + ry;
      }
    }
  }

  /** Sums over map cells [x0, x1) × [y0, y1). */
  rect(table: Float64Array, x0: number, y0: number, x1: number, y1: number): number {
    const s = this.stride;
    return table[y1 * s + x1]! - table[y0 * s + x1]! - table[y1 * s + x0]! + table[y0 * s + x0]!;
  }
}

export interface CropChoice extends Box {
  /** Which faces the crop was made to contain: all with padding, all, the best one, or none. */
  faces: 'padded' | 'tight' | 'best face' | 'none found' | 'too large';
}

/** How many window positions at most are scored; larger ranges are sampled in steps. */
const MAX_CANDIDATES = 200_000;

export function chooseCrop(options: {
  width: number;
  height: number;
  ratio: readonly [number, number];
  paddingPercent: number;
  saliency: SaliencyMap;
  faces: readonly Box[];
}): CropChoice {
  const { width, height, saliency, faces, paddingPercent } = options;
  const size = cropSize(width, height, options.ratio);
  const maxX = width - size.width;
  const maxY = height - size.height;

  // The faces the crop must hold, best effort: all padded, all tight, the first (best) alone.
  let xRange: [number, number] = [0, maxX];
  let yRange: [number, number] = [0, maxY];
  let faceRule: CropChoice['faces'] = faces.length === 0 ? 'none found' : 'too large';
  const attempts: [CropChoice['faces'], Box | null][] = [
    ['padded', unionBox(faces.map((f) => faceRegion(f, paddingPercent)))],
    ['tight', unionBox(faces)],
    ['best face', faces[0] ? faceRegion(faces[0], 0) : null],
  ];
  for (const [rule, wanted] of attempts) {
    if (!wanted) continue;
    const r = clipBox(wanted, width, height);
    const xs: [number, number] = [
      Math.max(0, Math.ceil(r.x + r.width - size.width)),
      Math.min(maxX, Math.floor(r.x)),
    ];
    const ys: [number, number] = [
      Math.max(0, Math.ceil(r.y + r.height - size.height)),
      Math.min(maxY, Math.floor(r.y)),
    ];
    if (xs[0] <= xs[1] && ys[0] <= ys[1]) {
      xRange = xs;
      yRange = ys;
      faceRule = rule;
      break;
    }
  }

  // Score: saliency inside the crop less its padding margin, so salient content is pulled
  // away from the edges; ties go to the window that best centres that content.
  const integral = new Integral(saliency);
  const fx = saliency.width / width;
  const fy = saliency.height / height;
  const inset = paddingPercent / 100;
  const mx = size.width * inset;
  const my = size.height * inset;
  const count = (xRange[1] - xRange[0] + 1) * (yRange[1] - yRange[0] + 1);
  const step = Math.max(1, Math.ceil(Math.sqrt(count / MAX_CANDIDATES)));
  const candidates: { x: number; y: number; score: number; offCentre: number }[] = [];
  let best = -Infinity;
  const positions = (lo: number, hi: number) => {
    const out: number[] = [];
    for (let v = lo; v <= hi; v += step) out.push(v);
    if (out.at(-1) !== hi) out.push(hi);
    return out;
  };
  for (const y of positions(yRange[0], yRange[1])) {
    const y0 = Math.max(0, Math.min(saliency.height, Math.round((y + my) * fy)));
    const y1 = Math.max(y0, Math.min(saliency.height, Math.round((y + size.height - my) * fy)));
    for (const x of positions(xRange[0], xRange[1])) {
      const x0 = Math.max(0, Math.min(saliency.width, Math.round((x + mx) * fx)));
      const x1 = Math.max(x0, Math.min(saliency.width, Math.round((x + size.width - mx) * fx)));
      const score = integral.rect(integral.sum, x0, y0, x1, y1);
      let offCentre = 0;
      if (score > 0) {
        const cx = integral.rect(integral.sx, x0, y0, x1, y1) / score / fx;
        const cy = integral.rect(integral.sy, x0, y0, x1, y1) / score / fy;
        offCentre = Math.hypot(cx - (x + size.width / 2), cy - (y + size.height / 2));
      }
      candidates.push({ x, y, score, offCentre });
      best = Math.max(best, score);
    }
  }
  const nearBest = candidates.filter((c) => c.score >= best - Math.abs(best) * 1e-3);
  nearBest.sort((a, b) => a.offCentre - b.offCentre);
  const chosen = nearBest[0] ?? { x: Math.floor(maxX / 2), y: Math.floor(maxY / 2) };
  return { x: chosen.x, y: chosen.y, width: size.width, height: size.height, faces: faceRule };
}

/** Copies a crop out of straight RGBA bytes. */
export function cropPixels(
  data: Uint8Array | Uint8ClampedArray,
  width: number,
  box: Box,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * width + box.x) * 4;
    out.set(data.subarray(from, from + box.width * 4), y * box.width * 4);
  }
  return out;
}
