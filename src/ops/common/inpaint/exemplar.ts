/**
 * Exemplar-based inpainting for regions too large to fill by diffusion: the hole is rebuilt from
 * patches copied from the rest of the picture, so texture (grain, foliage, fabric) continues into
 * it instead of a smooth smear.
 *
 * The method is Wexler, Shechtman & Irani, "Space-Time Completion of Video" (PAMI 2007), with the
 * nearest-neighbour search done by PatchMatch (Barnes, Shechtman, Finkelstein & Goldman,
 * SIGGRAPH 2009): the combination behind Photoshop's Content-Aware Fill and GIMP's Resynthesizer.
 *   - A Gaussian-free 2× pyramid: the hole is solved at the coarsest level first (where it is only
 *     a few patches wide), then each finer level starts from the coarser answer.
 *   - At each level, EM-like iterations: (E) for every patch overlapping the hole find the most
 *     similar patch lying wholly in the known region (PatchMatch: propagation from neighbours +
 *     random search at halving radii), (M) set each hole pixel to the weighted mean of the pixels
 *     that the overlapping matched patches put there ("voting"), weight exp(−d / 2σ²) with σ² the
 *     75th percentile of the match distances, as Wexler et al. do.
 * Known pixels are never written. Deterministic for a given seed.
 *
 * No inpainting network ships on npm, and OpenCV.js (the kept library used for thin defects) has
 * only the diffusion methods (Telea, Navier–Stokes), which blur anything wider than a few pixels;
 * this is the best classical method for the large case, written out here because no maintained
 * npm package implements it.
 */

import { type Mask, insideDistance } from './mask.ts';

/** An interleaved float image (any channel count), values in the caller's units (0..255). */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export interface ExemplarOptions {
  /** Half the patch side: 3 makes 7×7 patches. */
  patchRadius?: number;
  seed?: number;
  /** Awaited between iterations, so a worker can notice a cancel; may throw to stop. */
  pause?: () => Promise<void>;
  onProgress?: (fraction: number) => void;
}

export interface ExemplarReport {
  levels: number;
  patchSize: number;
  /** Set when no patch of the picture lay wholly outside the hole: diffusion filled it instead. */
  fellBack: boolean;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills the hole layer by layer from its edge inwards, each pixel the mean of its already-known
 * 8-neighbours ("onion peel"). Smooth and cheap: the starting point of the coarsest level, and the
 * answer when the picture has no patch to copy from.
 */
export function onionPeelFill(img: FloatImage, hole: Uint8Array): void {
  const { width: w, height: h, channels: ch, data } = img;
  const known = new Uint8Array(w * h);
  for (let i = 0; i < known.length; i++) known[i] = hole[i] ? 0 : 1;
  let front: number[] = [];
  for (let i = 0; i < known.length; i++) {
    if (!known[i] && touchesKnown(i, w, h, known)) front.push(i);
  }
  const queued = new Uint8Array(w * h);
  for (const i of front) queued[i] = 1;
  const sum = new Float64Array(ch);
  while (front.length > 0) {
    const next: number[] = [];
    const filled: number[] = [];
    for (const i of front) {
      const x = i % w;
      const y = (i - x) / w;
      sum.fill(0);
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const u = x + dx;
          const v = y + dy;
          if (u < 0 || v < 0 || u >= w || v >= h) continue;
          const j = v * w + u;
          if (!known[j]) continue;
          for (let c = 0; c < ch; c++) sum[c]! += data[j * ch + c]!;
          n++;
        }
      }
      if (n > 0) for (let c = 0; c < ch; c++) data[i * ch + c] = sum[c]! / n;
      filled.push(i);
    }
    for (const i of filled) known[i] = 1;
    for (const i of filled) {
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const u = x + dx;
          const v = y + dy;
          if (u < 0 || v < 0 || u >= w || v >= h) continue;
          const j = v * w + u;
          if (!known[j] && !queued[j]) {
            queued[j] = 1;
            next.push(j);
          }
        }
      }
    }
    front = next;
  }
}

function touchesKnown(i: number, w: number, h: number, known: Uint8Array): boolean {
  const x = i % w;
  const y = (i - x) / w;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx;
      const v = y + dy;
      if (u >= 0 && v >= 0 && u < w && v < h && known[v * w + u]) return true;
    }
  }
  return false;
}

/** Square (Chebyshev) dilation by `r`, separable. */
function dilateSquare(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r) && !v; u++) v = src[y * w + u]!;
      tmp[y * w + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let t = Math.max(0, y - r); t <= Math.min(h - 1, y + r) && !v; t++) v = tmp[t * w + x]!;
      out[y * w + x] = v;
    }
  }
  return out;
}

interface Level {
  img: FloatImage;
  hole: Uint8Array;
}

/** Halves a level; a coarse pixel is hole when any pixel under it is, else their mean. */
function downsample(level: Level): Level {
  const { width: w, height: h, channels: ch, data } = level.img;
  const w2 = Math.ceil(w / 2);
  const h2 = Math.ceil(h / 2);
  const out = new Float32Array(w2 * h2 * ch);
  const hole = new Uint8Array(w2 * h2);
  for (let y = 0; y < h2; y++) {
    for (let x = 0; x < w2; x++) {
      let n = 0;
      let any = 0;
      const o = (y * w2 + x) * ch;
      for (let dy = 0; dy < 2; dy++) {
        const v = 2 * y + dy;
        if (v >= h) continue;
        for (let dx = 0; dx < 2; dx++) {
          const u = 2 * x + dx;
          if (u >= w) continue;
          const i = v * w + u;
          if (level.hole[i]) any = 1;
          for (let c = 0; c < ch; c++) out[o + c]! += data[i * ch + c]!;
          n++;
        }
      }
      for (let c = 0; c < ch; c++) out[o + c]! /= n;
      hole[y * w2 + x] = any;
    }
  }
  return { img: { width: w2, height: h2, channels: ch, data: out }, hole };
}

/** The nearest-neighbour field of one level and the means to improve and use it. */
class Solver {
  readonly w: number;
  readonly h: number;
  readonly ch: number;
  readonly r: number;
  readonly data: Float32Array;
  readonly hole: Uint8Array;
  /** 1 where a patch centred here lies inside the picture and wholly outside the hole. */
  readonly valid: Uint8Array;
  readonly sources: Int32Array;
  /** Centres of the patches that overlap the hole, in raster order. */
  readonly targets: Int32Array;
  /** Per pixel: the source centre matched to the patch centred here (-1 for non-targets). */
  readonly nnf: Int32Array;
  readonly dist: Float32Array;
  private readonly random: () => number;

  constructor(level: Level, r: number, random: () => number) {
    const { width: w, height: h, channels: ch, data } = level.img;
    this.w = w;
    this.h = h;
    this.ch = ch;
    this.r = r;
    this.data = data;
    this.hole = level.hole;
    this.random = random;
    const near = dilateSquare(level.hole, w, h, r);
    this.valid = new Uint8Array(w * h);
    const sources: number[] = [];
    const targets: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (near[i]) targets.push(i);
        else if (x >= r && y >= r && x < w - r && y < h - r) {
          this.valid[i] = 1;
          sources.push(i);
        }
      }
    }
    this.sources = Int32Array.from(sources);
    this.targets = Int32Array.from(targets);
    this.nnf = new Int32Array(w * h).fill(-1);
    this.dist = new Float32Array(w * h);
  }

  /** Mean squared difference per pixel of the two patches, stopping early once above `limit`. */
  distance(p: number, s: number, limit: number): number {
    const { w, h, ch, r, data } = this;
    const px = p % w;
    const py = (p - px) / w;
    const sx = s % w;
    const sy = (s - sx) / w;
    const y0 = Math.max(-r, -py);
    const y1 = Math.min(r, h - 1 - py);
    const x0 = Math.max(-r, -px);
    const x1 = Math.min(r, w - 1 - px);
    const n = (y1 - y0 + 1) * (x1 - x0 + 1);
    const bound = limit * n;
    let sum = 0;
    for (let dy = y0; dy <= y1; dy++) {
      let a = ((py + dy) * w + px + x0) * ch;
      let b = ((sy + dy) * w + sx + x0) * ch;
      const end = a + (x1 - x0 + 1) * ch;
      for (; a < end; a++, b++) {
        const d = data[a]! - data[b]!;
        sum += d * d;
      }
      if (sum > bound) return Infinity;
    }
    return sum / n;
  }

  randomSource(): number {
    return this.sources[Math.floor(this.random() * this.sources.length)]!;
  }

  initRandom(): void {
    for (const p of this.targets) {
      const s = this.randomSource();
      this.nnf[p] = s;
      this.dist[p] = this.distance(p, s, Infinity);
    }
  }

  /** Takes the coarser level's field: each match doubled, with the pixel's offset in its block. */
  initFrom(coarse: Solver): void {
    const { w, h } = this;
    for (const p of this.targets) {
      const x = p % w;
      const y = (p - x) / w;
      const cx = Math.min(coarse.w - 1, x >> 1);
      const cy = Math.min(coarse.h - 1, y >> 1);
      const cs = coarse.nnf[cy * coarse.w + cx]!;
      let s = -1;
      if (cs >= 0) {
        const sx = 2 * (cs % coarse.w) + (x & 1);
        const sy = 2 * Math.floor(cs / coarse.w) + (y & 1);
        if (sx < w && sy < h && this.valid[sy * w + sx]) s = sy * w + sx;
      }
      this.nnf[p] = s >= 0 ? s : this.randomSource();
    }
  }

  refreshDistances(): void {
    for (const p of this.targets) this.dist[p] = this.distance(p, this.nnf[p]!, Infinity);
  }

  private tryCandidate(p: number, sx: number, sy: number): void {
    const { w, h } = this;
    if (sx < 0 || sy < 0 || sx >= w || sy >= h) return;
    const s = sy * w + sx;
    if (!this.valid[s] || s === this.nnf[p]) return;
    const d = this.distance(p, s, this.dist[p]!);
    if (d < this.dist[p]!) {
      this.dist[p] = d;
      this.nnf[p] = s;
    }
  }

  /** One PatchMatch sweep: propagation from the previous neighbours, then random search. */
  sweep(forward: boolean): void {
    const { w, targets, nnf } = this;
    const step = forward ? 1 : -1;
    const maxRadius = Math.max(this.w, this.h);
    for (let k = forward ? 0 : targets.length - 1; k >= 0 && k < targets.length; k += step) {
      const p = targets[k]!;
      const px = p % w;
      const py = (p - px) / w;
      const qx = px - step;
      if (qx >= 0 && qx < w) {
        const q = nnf[p - step]!;
        if (q >= 0) this.tryCandidate(p, (q % w) + step, Math.floor(q / w));
      }
      const qy = py - step;
      if (qy >= 0 && qy < this.h) {
        const q = nnf[p - step * w]!;
        if (q >= 0) this.tryCandidate(p, q % w, Math.floor(q / w) + step);
      }
      for (let radius = maxRadius; radius >= 1; radius >>= 1) {
        const best = nnf[p]!;
        const bx = best % w;
        const by = (best - bx) / w;
        this.tryCandidate(
          p,
          bx + Math.round((this.random() * 2 - 1) * radius),
          by + Math.round((this.random() * 2 - 1) * radius),
        );
      }
    }
  }

  /** Sets every hole pixel to the weighted mean of what the overlapping matches put there. */
  vote(): void {
    const { w, h, ch, r, data, hole, targets, nnf, dist } = this;
    const acc = new Float64Array(w * h * ch);
    const weight = new Float64Array(w * h);
    const ds = Array.from(targets, (p) => dist[p]!).sort((a, b) => a - b);
    const sigma2 = Math.max(1e-3, ds[Math.floor(ds.length * 0.75)] ?? 1);
    for (const p of targets) {
      const s = nnf[p]!;
      const wt = Math.exp(-dist[p]! / (2 * sigma2)) + 1e-12;
      const px = p % w;
      const py = (p - px) / w;
      const sx = s % w;
      const sy = (s - sx) / w;
      for (let dy = -r; dy <= r; dy++) {
        const y = py + dy;
        if (y < 0 || y >= h) continue;
        for (let dx = -r; dx <= r; dx++) {
          const x = px + dx;
          if (x < 0 || x >= w) continue;
          const i = y * w + x;
          if (!hole[i]) continue;
          const src = ((sy + dy) * w + sx + dx) * ch;
          for (let c = 0; c < ch; c++) acc[i * ch + c]! += wt * data[src + c]!;
          weight[i]! += wt;
        }
      }
    }
    for (let i = 0; i < w * h; i++) {
      if (!hole[i] || weight[i] === 0) continue;
      for (let c = 0; c < ch; c++) data[i * ch + c] = acc[i * ch + c]! / weight[i]!;
    }
  }
}

/** Copies a coarse level's hole pixels into the finer level (nearest), as a first guess. */
function upsampleHole(coarse: Level, fine: Level): void {
  const { width: w, height: h, channels: ch, data } = fine.img;
  const cw = coarse.img.width;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!fine.hole[i]) continue;
      const j = (y >> 1) * cw + (x >> 1);
      for (let c = 0; c < ch; c++) data[i * ch + c] = coarse.img.data[j * ch + c]!;
    }
  }
}

/**
 * Fills `hole` (1 = unknown) in `image` in place and says how. `image` pixels outside the hole
 * are left exactly as they were.
 */
export async function exemplarFill(
  image: FloatImage,
  hole: Mask,
  options: ExemplarOptions = {},
): Promise<ExemplarReport> {
  const r = options.patchRadius ?? 3;
  const random = mulberry32(options.seed ?? 0x6b696e74);
  const pause = options.pause ?? (() => Promise.resolve());
  const patchSize = 2 * r + 1;

  // Thickness of the hole decides how far down the pyramid goes: stop once it is about a patch
  // wide, or before the picture gets too small to hold patches to copy from.
  const thickness = holeThickness(hole);
  const pyramid: Level[] = [
    { img: { ...image, data: image.data.slice() }, hole: hole.data.slice() },
  ];
  for (;;) {
    const top = pyramid[pyramid.length - 1]!;
    const scale = 2 ** (pyramid.length - 1);
    const smaller = Math.min(top.img.width, top.img.height) / 2;
    if (thickness / scale <= r || smaller < 4 * patchSize) break;
    pyramid.push(downsample(top));
  }
  // The coarsest level must still have patches outside the hole to copy.
  const solvers: (Solver | null)[] = pyramid.map(() => null);
  let coarsest = pyramid.length - 1;
  for (; coarsest >= 0; coarsest--) {
    const solver = new Solver(pyramid[coarsest]!, r, random);
    if (solver.sources.length > 0) {
      solvers[coarsest] = solver;
      break;
    }
  }
  if (coarsest < 0) {
    onionPeelFill(image, hole.data);
    return { levels: 0, patchSize, fellBack: true };
  }

  const emAt = (level: number) => (level === coarsest ? 8 : level === 0 ? 2 : 4);
  let total = 0;
  for (let l = coarsest; l >= 0; l--) total += emAt(l);
  let done = 0;

  for (let l = coarsest; l >= 0; l--) {
    const level = pyramid[l]!;
    let solver = solvers[l];
    if (!solver) {
      solver = new Solver(level, r, random);
      solvers[l] = solver;
    }
    if (solver.sources.length === 0) break; // cannot happen below a level that had sources
    if (l === coarsest) {
      onionPeelFill(level.img, level.hole);
      solver.initRandom();
    } else {
      const coarse = solvers[l + 1]!;
      upsampleHole(pyramid[l + 1]!, level);
      solver.initFrom(coarse);
      solver.refreshDistances();
      solver.vote();
      solvers[l + 1] = null;
    }
    for (let em = 0; em < emAt(l); em++) {
      solver.refreshDistances();
      const sweeps = l === coarsest && em === 0 ? 4 : 2;
      for (let s = 0; s < sweeps; s++) solver.sweep(s % 2 === 0);
      solver.vote();
      done++;
      options.onProgress?.(done / total);
      await pause();
    }
  }

  const finest = pyramid[0]!;
  for (let i = 0; i < hole.data.length; i++) {
    if (!hole.data[i]) continue;
    for (let c = 0; c < image.channels; c++) {
      image.data[i * image.channels + c] = finest.img.data[i * image.channels + c]!;
    }
  }
  return { levels: coarsest + 1, patchSize, fellBack: false };
}

/** Radius of the largest disc the hole holds. */
function holeThickness(hole: Mask): number {
  let max = 0;
  for (const d of insideDistance(hole)) if (d > max) max = d;
  return max;
}
