/**
 * Hint-guided colorization: a person paints a few strokes of colour on a black-and-white photo,
 * and the colour spreads to the pixels that look like the ones under each stroke, stopping at
 * edges. The idea is Levin, Lischinski and Weiss, "Colorization using Optimization" (2004):
 * neighbouring pixels with similar brightness should get similar colour. This is our own
 * formulation of it:
 *
 * - Colour is split into brightness Y (kept from the photo) and chroma U = B − Y, V = R − Y (what
 *   the strokes give).
 * - Each pair of 8-neighbours r, s is joined with a weight w = exp(−(Y_r − Y_s)² / 2σ²), σ
 *   from the local brightness differences around r and s (small in flat areas, so an edge
 *   there cuts the link, larger in texture, so texture does not). The chroma minimising
 *   Σ w (c_r − c_s)², with painted pixels held at their colour, is a weighted harmonic
 *   function: one sparse, symmetric positive-definite system per chroma channel.
 * - It is solved with Jacobi-preconditioned conjugate gradients, coarse to fine: a pyramid of
 *   halvings, each level started from the one below, so the fine levels need few iterations.
 * - It runs at a working size of at most `maxSide` pixels on the long side; the chroma is
 *   scaled up guided by the full-resolution brightness (joint bilateral upsampling) and joined
 *   to it, which carries the detail.
 */
import type { RgbaImage } from '@/media/image.ts';

export interface HintOptions {
  /** Long side of the working resolution (the photo is solved at this size, at most). */
  maxSide?: number;
  /** 0..1: how much of the propagated chroma replaces the photo's own. */
  strength?: number;
  /** Called between pyramid levels; may throw to cancel. */
  onLevel?: (done: number, total: number) => void | Promise<void>;
}

export interface HintResult {
  image: RgbaImage;
  /** Working-resolution pixels held by a hint. */
  hinted: number;
  working: { width: number; height: number };
  /** Conjugate-gradient iterations over all levels and both chroma channels. */
  iterations: number;
}

export class NoHintsError extends Error {
  constructor() {
    super('The colour hints picture has no painted pixel: paint at least one stroke of colour.');
  }
}

const DEFAULT_MAX_SIDE = 320;
/** Smallest σ² (brightness in 0..1, σ = 0.01, 2.5 grey levels): a flat area still sees edges. */
const SIGMA2_FLOOR = 1e-4;
/** σ as a multiple of the local scale: grain-sized differences keep most of a link. */
const SIGMA_PER_SCALE = 2;
/** A link never quite breaks, so an area with no stroke still gets its neighbours' colour. */
const WEIGHT_FLOOR = 1e-6;
const COARSEST_SIDE = 16;
const TOLERANCE = 1e-3;
const MAX_ITERATIONS = 2000;

/** The eight neighbours as four directions; each link is stored once, at its first pixel. */
const DIRECTIONS = [
  [1, 0],
  [0, 1],
  [1, 1],
  [-1, 1],
] as const;

interface Level {
  width: number;
  height: number;
  y: Float32Array;
  /** Hint chroma (mean over the painted part of the pixel) and how much of it was painted. */
  u: Float32Array;
  v: Float32Array;
  cover: Float32Array;
}

function luma(r: number, g: number, b: number): number {
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

/** Area-averages the photo's brightness and the hints' chroma to the working size. */
function workingLevel(image: RgbaImage, hints: RgbaImage, width: number, height: number): Level {
  const n = width * height;
  const level: Level = {
    width,
    height,
    y: new Float32Array(n),
    u: new Float32Array(n),
    v: new Float32Array(n),
    cover: new Float32Array(n),
  };
  const ySum = new Float64Array(n);
  const yCount = new Float64Array(n);
  const sx = width / image.width;
  const sy = height / image.height;
  for (let y = 0; y < image.height; y++) {
    const row = Math.min(height - 1, Math.floor(y * sy)) * width;
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const t = row + Math.min(width - 1, Math.floor(x * sx));
      ySum[t]! += luma(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
      yCount[t]! += 1;
    }
  }
  const hx = width / hints.width;
  const hy = height / hints.height;
  const hintCount = new Float64Array(n);
  const allCount = new Float64Array(n);
  for (let y = 0; y < hints.height; y++) {
    const row = Math.min(height - 1, Math.floor(y * hy)) * width;
    for (let x = 0; x < hints.width; x++) {
      const i = (y * hints.width + x) * 4;
      const t = row + Math.min(width - 1, Math.floor(x * hx));
      allCount[t]! += 1;
      if (hints.data[i + 3]! < 128) continue;
      const r = hints.data[i]! / 255;
      const b = hints.data[i + 2]! / 255;
      const l = luma(hints.data[i]!, hints.data[i + 1]!, hints.data[i + 2]!);
      level.u[t]! += b - l;
      level.v[t]! += r - l;
      hintCount[t]! += 1;
    }
  }
  // A hints picture smaller than the working size leaves some pixels without a sample: those
  // take the nearest sample's (nearest-neighbour fill, row-major from the left/top).
  for (let t = 0; t < n; t++) {
    level.y[t] = yCount[t]! > 0 ? ySum[t]! / yCount[t]! : 0;
    const c = hintCount[t]!;
    if (c > 0) {
      level.u[t]! /= c;
      level.v[t]! /= c;
    }
    level.cover[t] = allCount[t]! > 0 ? c / allCount[t]! : 0;
  }
  if (hints.width < width || hints.height < height || image.width < width || image.height < height)
    fillGaps(level, yCount, allCount);
  return level;
}

/** Pixels no source sample fell into copy their left (or upper) neighbour. */
function fillGaps(level: Level, yCount: Float64Array, allCount: Float64Array): void {
  const { width, height } = level;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const t = y * width + x;
      const from = x > 0 ? t - 1 : y > 0 ? t - width : -1;
      if (from < 0) continue;
      if (yCount[t] === 0) level.y[t] = level.y[from]!;
      if (allCount[t] === 0) {
        level.u[t] = level.u[from]!;
        level.v[t] = level.v[from]!;
        level.cover[t] = level.cover[from]!;
      }
    }
}

/** Halves a level: brightness averaged; hint chroma averaged over the painted children. */
function halve(fine: Level): Level {
  const width = Math.ceil(fine.width / 2);
  const height = Math.ceil(fine.height / 2);
  const n = width * height;
  const out: Level = {
    width,
    height,
    y: new Float32Array(n),
    u: new Float32Array(n),
    v: new Float32Array(n),
    cover: new Float32Array(n),
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let ySum = 0;
      let count = 0;
      let uSum = 0;
      let vSum = 0;
      let cover = 0;
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx;
          const fy = 2 * y + dy;
          if (fx >= fine.width || fy >= fine.height) continue;
          const f = fy * fine.width + fx;
          ySum += fine.y[f]!;
          count++;
          const c = fine.cover[f]!;
          uSum += fine.u[f]! * c;
          vSum += fine.v[f]! * c;
          cover += c;
        }
      const t = y * width + x;
      out.y[t] = ySum / count;
      if (cover > 0) {
        out.u[t] = uSum / cover;
        out.v[t] = vSum / cover;
      }
      // Any painted child keeps the coarse pixel painted, so a thin stroke survives halving;
      // the fine levels, which hold the strokes exactly, correct what this blurs.
      out.cover[t] = cover > 0 ? 1 : 0;
    }
  return out;
}

/**
 * Each pixel's brightness scale: the median of its differences to its 8 neighbours. In a flat or
 * grainy area that is the grain; at an edge most neighbours are still on the pixel's own side,
 * so the edge does not inflate it (a window variance would, and let colour leak across).
 */
function localScale(level: Level): Float32Array {
  const { width, height, y: lum } = level;
  const out = new Float32Array(width * height);
  const diffs: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      diffs.length = 0;
      const c = lum[y * width + x]!;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
          diffs.push(Math.abs(lum[yy * width + xx]! - c));
        }
      }
      diffs.sort((p, q) => p - q);
      out[y * width + x] = diffs[(diffs.length - 1) >> 1] ?? 0;
    }
  return out;
}

/** The link weights of a level, one array per direction (0 where the neighbour is outside). */
function linkWeights(level: Level): Float32Array[] {
  const { width, height, y: lum } = level;
  const scale = localScale(level);
  return DIRECTIONS.map(([dx, dy]) => {
    const w = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      const yy = y + dy;
      if (yy >= height) continue;
      for (let x = 0; x < width; x++) {
        const xx = x + dx;
        if (xx < 0 || xx >= width) continue;
        const r = y * width + x;
        const s = yy * width + xx;
        const sigma = SIGMA_PER_SCALE * Math.min(scale[r]!, scale[s]!);
        const sigma2 = Math.max(SIGMA2_FLOOR, sigma * sigma);
        const d = lum[r]! - lum[s]!;
        w[r] = Math.max(WEIGHT_FLOOR, Math.exp((-d * d) / (2 * sigma2)));
      }
    }
    return w;
  });
}

/**
 * Solves one level for one chroma channel: x holds the start on entry and the answer on exit;
 * painted pixels (fixed) keep `hint`. Returns the iterations used.
 */
function solve(
  level: Level,
  weights: Float32Array[],
  fixed: Uint8Array,
  hint: Float32Array,
  x: Float32Array,
): number {
  const { width, height } = level;
  const n = width * height;
  const offsets = DIRECTIONS.map(([dx, dy]) => dy * width + dx);
  const diag = new Float64Array(n);
  for (let d = 0; d < 4; d++) {
    const w = weights[d]!;
    const o = offsets[d]!;
    for (let r = 0; r < n; r++) {
      const v = w[r]!;
      if (v === 0) continue;
      diag[r]! += v;
      diag[r + o]! += v;
    }
  }
  for (let r = 0; r < n; r++) if (fixed[r]) x[r] = hint[r]!;

  // A·p over the free pixels: (Σw) p_r − Σ_s w p_s, fixed pixels contributing 0 (they are in b).
  const apply = (p: Float32Array | Float64Array, out: Float64Array): void => {
    for (let r = 0; r < n; r++) out[r] = fixed[r] ? 0 : diag[r]! * p[r]!;
    for (let d = 0; d < 4; d++) {
      const w = weights[d]!;
      const o = offsets[d]!;
      for (let r = 0; r < n; r++) {
        const v = w[r]!;
        if (v === 0) continue;
        const s = r + o;
        if (!fixed[r] && !fixed[s]) {
          out[r]! -= v * p[s]!;
          out[s]! -= v * p[r]!;
        }
      }
    }
  };
  // The fixed pixels' pull on their free neighbours is the right-hand side b.
  const b = new Float64Array(n);
  for (let d = 0; d < 4; d++) {
    const w = weights[d]!;
    const o = offsets[d]!;
    for (let r = 0; r < n; r++) {
      const v = w[r]!;
      if (v === 0) continue;
      const s = r + o;
      if (fixed[s] && !fixed[r]) b[r]! += v * hint[s]!;
      if (fixed[r] && !fixed[s]) b[s]! += v * hint[r]!;
    }
  }
  const residual = new Float64Array(n);
  apply(x, residual);
  let bNorm = 0;
  for (let r = 0; r < n; r++) {
    residual[r] = b[r]! - residual[r]!;
    bNorm += b[r]! * b[r]!;
  }
  bNorm = Math.sqrt(bNorm) || 1;

  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let rz = 0;
  for (let r = 0; r < n; r++) {
    z[r] = fixed[r] ? 0 : residual[r]! / diag[r]!;
    p[r] = z[r]!;
    rz += residual[r]! * z[r]!;
  }
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    let rNorm = 0;
    for (let r = 0; r < n; r++) rNorm += residual[r]! * residual[r]!;
    if (Math.sqrt(rNorm) <= TOLERANCE * bNorm) break;
    apply(p, q);
    let pq = 0;
    for (let r = 0; r < n; r++) pq += p[r]! * q[r]!;
    if (pq <= 0) break;
    const alpha = rz / pq;
    let rzNext = 0;
    for (let r = 0; r < n; r++) {
      if (fixed[r]) continue;
      x[r]! += alpha * p[r]!;
      residual[r]! -= alpha * q[r]!;
      z[r] = residual[r]! / diag[r]!;
      rzNext += residual[r]! * z[r]!;
    }
    const beta = rzNext / rz;
    rz = rzNext;
    for (let r = 0; r < n; r++) p[r] = z[r]! + beta * p[r]!;
  }
  return iterations;
}

/** Brightness difference at which the guided upsampling halves a neighbour's say. */
const GUIDE_SIGMA = 0.04;

/**
 * Chroma from the working size to the photo's, guided by the photo's brightness (joint
 * bilateral upsampling): each full-size pixel takes the chroma of the nearby working pixels
 * whose brightness is like its own, so colour stays on its side of an edge instead of bleeding
 * a working pixel's width across it.
 */
function upsampleGuided(
  u: Float32Array,
  v: Float32Array,
  working: Level,
  image: RgbaImage,
): [Float32Array, Float32Array] {
  const { width: sw, height: sh, y: guide } = working;
  const dw = image.width;
  const dh = image.height;
  const outU = new Float32Array(dw * dh);
  const outV = new Float32Array(dw * dh);
  const k = -1 / (2 * GUIDE_SIGMA * GUIDE_SIGMA);
  for (let y = 0; y < dh; y++) {
    const fy = ((y + 0.5) * sh) / dh - 0.5;
    const cy = Math.round(fy);
    for (let x = 0; x < dw; x++) {
      const fx = ((x + 0.5) * sw) / dw - 0.5;
      const cx = Math.round(fx);
      const i = (y * dw + x) * 4;
      const lum = luma(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
      let su = 0;
      let sv = 0;
      let total = 0;
      for (let yy = Math.max(0, cy - 1); yy <= Math.min(sh - 1, cy + 1); yy++) {
        const wy = Math.max(0, 1.5 - Math.abs(yy - fy));
        for (let xx = Math.max(0, cx - 1); xx <= Math.min(sw - 1, cx + 1); xx++) {
          const t = yy * sw + xx;
          const d = guide[t]! - lum;
          // A floor keeps a weight where no neighbour matches (thin detail the working size lost).
          const w = wy * Math.max(0, 1.5 - Math.abs(xx - fx)) * (Math.exp(k * d * d) + 1e-4);
          su += w * u[t]!;
          sv += w * v[t]!;
          total += w;
        }
      }
      outU[y * dw + x] = su / total;
      outV[y * dw + x] = sv / total;
    }
  }
  return [outU, outV];
}

/** Bilinear resampling of a channel (pixel centres aligned). */
function resample(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const top = src[y0 * sw + x0]! * (1 - tx) + src[y0 * sw + x1]! * tx;
      const bottom = src[y1 * sw + x0]! * (1 - tx) + src[y1 * sw + x1]! * tx;
      out[y * dw + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/**
 * Colours `image` from the painted `hints` (same picture size or any other: it is scaled; a
 * pixel with alpha ≥ 128 is paint, its RGB the colour). Brightness and alpha stay the photo's.
 */
export async function colorizeWithHints(
  image: RgbaImage,
  hints: RgbaImage,
  options: HintOptions = {},
): Promise<HintResult> {
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  const strength = Math.min(1, Math.max(0, options.strength ?? 1));
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));

  const levels = [workingLevel(image, hints, width, height)];
  const hinted = levels[0]!.cover.reduce((n, c) => n + (c >= 0.5 ? 1 : 0), 0);
  if (hinted === 0) throw new NoHintsError();
  // The working level holds a pixel only when at least half of it was painted.
  levels[0]!.cover = levels[0]!.cover.map((c) => (c >= 0.5 ? 1 : 0));
  while (Math.max(levels.at(-1)!.width, levels.at(-1)!.height) > COARSEST_SIDE)
    levels.push(halve(levels.at(-1)!));

  let u: Float32Array | null = null;
  let v: Float32Array | null = null;
  let iterations = 0;
  for (let k = levels.length - 1; k >= 0; k--) {
    const level = levels[k]!;
    const coarser = levels[k + 1];
    const fixed = Uint8Array.from(level.cover, (c) => (c > 0 ? 1 : 0));
    const weights = linkWeights(level);
    const start = (prev: Float32Array | null, hint: Float32Array): Float32Array => {
      if (prev && coarser)
        return resample(prev, coarser.width, coarser.height, level.width, level.height);
      // The coarsest level starts from the mean hint colour.
      let sum = 0;
      let count = 0;
      for (let r = 0; r < fixed.length; r++)
        if (fixed[r]) {
          sum += hint[r]!;
          count++;
        }
      return new Float32Array(fixed.length).fill(count ? sum / count : 0);
    };
    const nextU = start(u, level.u);
    const nextV = start(v, level.v);
    iterations += solve(level, weights, fixed, level.u, nextU);
    iterations += solve(level, weights, fixed, level.v, nextV);
    u = nextU;
    v = nextV;
    await options.onLevel?.(levels.length - k, levels.length);
  }

  const [fullU, fullV] =
    width === image.width && height === image.height
      ? [u!, v!]
      : upsampleGuided(u!, v!, levels[0]!, image);
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let t = 0, i = 0; t < fullU.length; t++, i += 4) {
    const r0 = image.data[i]! / 255;
    const g0 = image.data[i + 1]! / 255;
    const b0 = image.data[i + 2]! / 255;
    const y = 0.299 * r0 + 0.587 * g0 + 0.114 * b0;
    // The photo's own chroma fades out as the hints' comes in.
    const cu = strength * fullU[t]! + (1 - strength) * (b0 - y);
    const cv = strength * fullV[t]! + (1 - strength) * (r0 - y);
    const r = y + cv;
    const b = y + cu;
    const g = (y - 0.299 * r - 0.114 * b) / 0.587;
    out[i] = Math.round(r * 255);
    out[i + 1] = Math.round(g * 255);
    out[i + 2] = Math.round(b * 255);
    out[i + 3] = image.data[i + 3]!;
  }
  return {
    image: { data: out, width: image.width, height: image.height },
    hinted,
    working: { width, height },
    iterations,
  };
}
