/**
 * Colour BM3D (Dabov, Foi, Katkovnik & Egiazarian 2007: "Image denoising by sparse 3-D
 * transform-domain collaborative filtering", IEEE TIP, and "Color image denoising via sparse 3D
 * collaborative filtering with grouping constraint in luminance-chrominance space", ICIP), for
 * white Gaussian noise of a known σ.
 *
 * Every few pixels a reference block is compared with the blocks around it; the most alike are
 * stacked into a 3-D group, the group is transformed (a 2-D transform of each block, 1-D Haar
 * across the stack), shrunk, transformed back, and each block is added back where it came
 * from, weighted by how sparse its group was and by a Kaiser window. Alike blocks share their
 * structure and not their noise, so the shrinkage keeps one and drops the other.
 * - Stage 1 shrinks by hard thresholding at λ3D·σ in the biorthogonal 1.5 wavelet domain and
 *   gives a basic estimate.
 * - Stage 2 groups again on the basic estimate (its noise no longer misleads the matching) and
 *   shrinks the noisy groups by the empirical Wiener gain |basic|² / (|basic|² + σ²) in the DCT
 *   domain.
 * Colour: the image is turned into an orthonormal opponent space (one luminance, two
 * chrominance channels; white noise of σ stays σ in each), blocks are matched on luminance only,
 * where the signal-to-noise ratio is highest, and the same groups filter the chrominance (the
 * "grouping constraint").
 *
 * Block matching tests every offset of the search window at once for all reference blocks: the
 * squared differences between the luminance and its shift are summed into an integral image, so
 * a block distance is four look-ups whatever the block size; an offset and its opposite share
 * one pass. Each block's 2-D transform is computed once and kept while its rows are in reach.
 */

/**
 * The paper's parameters for one noise level ("normal profile", Dabov et al. 2007, table I),
 * with two changes measured on bench/denoise-quality.ts's photos: above σ 40 the paper's 12 × 12
 * and 11 × 11 blocks at steps 4 and 6 gave 0.15 dB less than 8 × 8 blocks at step 3 for about
 * the same time, and matching on a blurred luminance (instead of the paper's thresholded block
 * spectra) did not help either, so both stages keep 8 × 8 blocks; the rest (group sizes,
 * search window, distance limits, λ3D, Bior1.5 then DCT) is the paper's. Varying each of them
 * by ±30 % moved the mean PSNR by under 0.06 dB at σ 25; Bior1.5 instead of the DCT in stage 1
 * gained 0.13 / 0.10 / 0.05 dB at σ 15 / 25 / 50 on every photo tried, for about 20 % more time.
 */
export interface Bm3dStage {
  /** Block edge N1. */
  block: number;
  /** Most blocks in a group, N2 (a power of two). */
  groupMax: number;
  /** Distance between reference blocks, Nstep. */
  step: number;
  /** Search window edge, NS (odd). */
  window: number;
  /** Largest normalized block distance ‖Z_R − Z‖² / N1² for a block to join a group. */
  maxDistance: number;
}

export interface Bm3dProfile {
  hard: Bm3dStage;
  /** The 2-D transform of the hard-thresholding stage (the Wiener stage uses the DCT). */
  hardTransform: 'bior1.5' | 'dct';
  wiener: Bm3dStage;
  /** Hard threshold in units of σ, λ3D. */
  lambda: number;
  /** Kaiser window parameter β. */
  beta: number;
}

export function bm3dProfile(sigma: number): Bm3dProfile {
  if (sigma <= 40) {
    return {
      hard: { block: 8, groupMax: 16, step: 3, window: 39, maxDistance: 3000 },
      hardTransform: 'bior1.5',
      wiener: { block: 8, groupMax: 32, step: 3, window: 39, maxDistance: 400 },
      lambda: 2.7,
      beta: 2,
    };
  }
  return {
    hard: { block: 8, groupMax: 16, step: 3, window: 39, maxDistance: 5000 },
    hardTransform: 'bior1.5',
    wiener: { block: 8, groupMax: 32, step: 3, window: 39, maxDistance: 3500 },
    lambda: 2.8,
    beta: 2,
  };
}

/** Pixels a tile needs around its core so its result matches a whole-image run closely. */
export function bm3dContext(profile: Bm3dProfile): number {
  const stage = (s: Bm3dStage) => (s.window >> 1) + s.block;
  return Math.max(stage(profile.hard), stage(profile.wiener));
}

// Orthonormal opponent colour space: rows of unit length and mutually orthogonal, so white
// noise of σ on R, G and B is white noise of σ on each of the three channels.
const SQRT3 = Math.sqrt(3);
const SQRT2 = Math.sqrt(2);
const SQRT6 = Math.sqrt(6);

function toOpponent(rgb: Float32Array, count: number): Float32Array[] {
  const y = new Float32Array(count);
  const u = new Float32Array(count);
  const v = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const r = rgb[3 * i]!;
    const g = rgb[3 * i + 1]!;
    const b = rgb[3 * i + 2]!;
    y[i] = (r + g + b) / SQRT3;
    u[i] = (r - b) / SQRT2;
    v[i] = (r - 2 * g + b) / SQRT6;
  }
  return [y, u, v];
}

function fromOpponent(planes: Float32Array[], count: number): Float32Array {
  const [y, u, v] = planes as [Float32Array, Float32Array, Float32Array];
  const rgb = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const a = y[i]! / SQRT3;
    const b = u[i]! / SQRT2;
    const c = v[i]! / SQRT6;
    rgb[3 * i] = a + b + c;
    rgb[3 * i + 1] = a - 2 * c;
    rgb[3 * i + 2] = a - b + c;
  }
  return rgb;
}

// The 8-point orthonormal DCT-II written out (the blocks are 8 × 8 at every σ): C[u][x] =
// 0.5 · cos((2x + 1)uπ / 16), 1/√8 for u = 0. Its even rows are symmetric about the centre
// and its odd rows antisymmetric, so each direction costs 32 multiplications, not 64.
const C4 = 0.5 * Math.cos(Math.PI / 4);
const A2 = 0.5 * Math.cos((2 * Math.PI) / 16);
const A6 = 0.5 * Math.cos((6 * Math.PI) / 16);
const B1 = 0.5 * Math.cos(Math.PI / 16);
const B3 = 0.5 * Math.cos((3 * Math.PI) / 16);
const B5 = 0.5 * Math.cos((5 * Math.PI) / 16);
const B7 = 0.5 * Math.cos((7 * Math.PI) / 16);

function forward8(
  src: Float32Array,
  s0: number,
  ss: number,
  dst: Float32Array,
  d0: number,
  ds: number,
) {
  const x0 = src[s0]!;
  const x1 = src[s0 + ss]!;
  const x2 = src[s0 + 2 * ss]!;
  const x3 = src[s0 + 3 * ss]!;
  const x4 = src[s0 + 4 * ss]!;
  const x5 = src[s0 + 5 * ss]!;
  const x6 = src[s0 + 6 * ss]!;
  const x7 = src[s0 + 7 * ss]!;
  const s0_ = x0 + x7;
  const s1 = x1 + x6;
  const s2 = x2 + x5;
  const s3 = x3 + x4;
  const d0_ = x0 - x7;
  const d1 = x1 - x6;
  const d2 = x2 - x5;
  const d3 = x3 - x4;
  const p = s0_ + s3;
  const q = s1 + s2;
  const r = s0_ - s3;
  const t = s1 - s2;
  dst[d0] = C4 * (p + q);
  dst[d0 + 4 * ds] = C4 * (p - q);
  dst[d0 + 2 * ds] = A2 * r + A6 * t;
  dst[d0 + 6 * ds] = A6 * r - A2 * t;
  dst[d0 + ds] = B1 * d0_ + B3 * d1 + B5 * d2 + B7 * d3;
  dst[d0 + 3 * ds] = B3 * d0_ - B7 * d1 - B1 * d2 - B5 * d3;
  dst[d0 + 5 * ds] = B5 * d0_ - B1 * d1 + B7 * d2 + B3 * d3;
  dst[d0 + 7 * ds] = B7 * d0_ - B5 * d1 + B3 * d2 - B1 * d3;
}

function inverse8(
  src: Float32Array,
  s0: number,
  ss: number,
  dst: Float32Array,
  d0: number,
  ds: number,
) {
  const X0 = src[s0]!;
  const X1 = src[s0 + ss]!;
  const X2 = src[s0 + 2 * ss]!;
  const X3 = src[s0 + 3 * ss]!;
  const X4 = src[s0 + 4 * ss]!;
  const X5 = src[s0 + 5 * ss]!;
  const X6 = src[s0 + 6 * ss]!;
  const X7 = src[s0 + 7 * ss]!;
  const ee0 = C4 * (X0 + X4);
  const ee1 = C4 * (X0 - X4);
  const eo0 = A2 * X2 + A6 * X6;
  const eo1 = A6 * X2 - A2 * X6;
  const e0 = ee0 + eo0;
  const e3 = ee0 - eo0;
  const e1 = ee1 + eo1;
  const e2 = ee1 - eo1;
  const o0 = B1 * X1 + B3 * X3 + B5 * X5 + B7 * X7;
  const o1 = B3 * X1 - B7 * X3 - B1 * X5 - B5 * X7;
  const o2 = B5 * X1 - B1 * X3 + B7 * X5 + B3 * X7;
  const o3 = B7 * X1 - B5 * X3 + B3 * X5 - B1 * X7;
  dst[d0] = e0 + o0;
  dst[d0 + ds] = e1 + o1;
  dst[d0 + 2 * ds] = e2 + o2;
  dst[d0 + 3 * ds] = e3 + o3;
  dst[d0 + 4 * ds] = e3 - o3;
  dst[d0 + 5 * ds] = e2 - o2;
  dst[d0 + 6 * ds] = e1 - o1;
  dst[d0 + 7 * ds] = e0 - o0;
}

/**
 * The orthonormal n-point DCT-II, one vector at a time along a stride. Its basis functions are
 * even (even frequencies) or odd (odd frequencies) about the centre, so sums and differences of
 * mirrored samples halve the multiplications: about n²/2 instead of n² per vector.
 */
class Dct {
  readonly n: number;
  private readonly half: number;
  private readonly odd: boolean;
  /** Even frequencies' basis on the first half: even[k · half + i] = C[2k][i]. */
  private readonly even: Float32Array;
  /** Odd frequencies' basis on the first half: oddBasis[k · half + i] = C[2k + 1][i]. */
  private readonly oddBasis: Float32Array;
  /** Even frequencies at the centre sample of an odd n. */
  private readonly centre: Float32Array;
  private readonly s: Float32Array;
  private readonly d: Float32Array;
  private readonly evenCount: number;
  private readonly oddCount: number;

  /** An 8-point transform given as forward and inverse matrices (Bior1.5), instead of the DCT. */
  private readonly matrices: { forward: Float32Array; inverse: Float32Array } | null;

  constructor(n: number, matrices: { forward: Float32Array; inverse: Float32Array } | null = null) {
    this.n = n;
    this.matrices = n === 8 ? matrices : null;
    this.half = n >> 1;
    this.odd = n % 2 === 1;
    this.evenCount = (n + 1) >> 1;
    this.oddCount = n >> 1;
    const basis = (u: number, x: number) =>
      Math.sqrt((u === 0 ? 1 : 2) / n) * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
    this.even = new Float32Array(this.evenCount * this.half);
    this.oddBasis = new Float32Array(this.oddCount * this.half);
    this.centre = new Float32Array(this.evenCount);
    for (let k = 0; k < this.evenCount; k++) {
      for (let i = 0; i < this.half; i++) this.even[k * this.half + i] = basis(2 * k, i);
      this.centre[k] = this.odd ? basis(2 * k, this.half) : 0;
    }
    for (let k = 0; k < this.oddCount; k++) {
      for (let i = 0; i < this.half; i++) this.oddBasis[k * this.half + i] = basis(2 * k + 1, i);
    }
    this.s = new Float32Array(this.half);
    this.d = new Float32Array(this.half);
  }

  /** dst[d0 + u·ds] = Σ_x C[u][x] · src[s0 + x·ss]. */
  forward(src: Float32Array, s0: number, ss: number, dst: Float32Array, d0: number, ds: number) {
    if (this.matrices) return matrix8(this.matrices.forward, src, s0, ss, dst, d0, ds);
    if (this.n === 8) return forward8(src, s0, ss, dst, d0, ds);
    const { n, half, even, oddBasis, centre, s, d } = this;
    for (let i = 0; i < half; i++) {
      const a = src[s0 + i * ss]!;
      const b = src[s0 + (n - 1 - i) * ss]!;
      s[i] = a + b;
      d[i] = a - b;
    }
    const mid = this.odd ? src[s0 + half * ss]! : 0;
    for (let k = 0; k < this.evenCount; k++) {
      let acc = centre[k]! * mid;
      const row = k * half;
      for (let i = 0; i < half; i++) acc += even[row + i]! * s[i]!;
      dst[d0 + 2 * k * ds] = acc;
    }
    for (let k = 0; k < this.oddCount; k++) {
      let acc = 0;
      const row = k * half;
      for (let i = 0; i < half; i++) acc += oddBasis[row + i]! * d[i]!;
      dst[d0 + (2 * k + 1) * ds] = acc;
    }
  }

  /** dst[d0 + x·ds] = Σ_u C[u][x] · src[s0 + u·ss]. */
  inverse(src: Float32Array, s0: number, ss: number, dst: Float32Array, d0: number, ds: number) {
    if (this.matrices) return matrix8(this.matrices.inverse, src, s0, ss, dst, d0, ds);
    if (this.n === 8) return inverse8(src, s0, ss, dst, d0, ds);
    const { n, half, even, oddBasis, centre } = this;
    for (let i = 0; i < half; i++) {
      let e = 0;
      for (let k = 0; k < this.evenCount; k++) e += even[k * half + i]! * src[s0 + 2 * k * ss]!;
      let o = 0;
      for (let k = 0; k < this.oddCount; k++) {
        o += oddBasis[k * half + i]! * src[s0 + (2 * k + 1) * ss]!;
      }
      dst[d0 + i * ds] = e + o;
      dst[d0 + (n - 1 - i) * ds] = e - o;
    }
    if (this.odd) {
      let e = 0;
      for (let k = 0; k < this.evenCount; k++) e += centre[k]! * src[s0 + 2 * k * ss]!;
      dst[d0 + half * ds] = e;
    }
  }
}

/**
 * The matrices of the biorthogonal 1.5 wavelet transform of an 8-point vector, three levels,
 * periodic: the
 * paper's 2-D transform for the hard-thresholding stage. Its analysis high-pass is Haar's
 * difference and its low-pass a 10-tap average that follows a local slope. Each basis row is
 * scaled to unit norm so that white noise of σ is σ on every coefficient, and the inverse is
 * the matrix inverse.
 */
function bior15Matrices(): { forward: Float32Array; inverse: Float32Array } {
  const r = 0.7071067811865476;
  const c1 = 0.1215339743;
  const c2 = 0.0165728151;
  const low = [c2, -c2, -c1, c1, r, r, c1, -c1, -c2, c2];
  const high = [0, 0, 0, 0, -r, r, 0, 0, 0, 0];
  // Rows: the analysis of each unit vector, level by level on the approximation.
  const analyse = (x: Float64Array): Float64Array => {
    const out = Float64Array.from(x);
    for (let len = 8; len > 1; len >>= 1) {
      const a = new Float64Array(len >> 1);
      const d = new Float64Array(len >> 1);
      for (let k = 0; k < len >> 1; k++) {
        for (let j = 0; j < 10; j++) {
          const v = out[(((2 * k + j - 4) % len) + len) % len]!;
          a[k]! += low[j]! * v;
          d[k]! += high[j]! * v;
        }
      }
      out.set(a, 0);
      out.set(d, len >> 1);
    }
    return out;
  };
  const m = new Float64Array(64);
  for (let i = 0; i < 8; i++) {
    const unit = new Float64Array(8);
    unit[i] = 1;
    const column = analyse(unit);
    for (let u = 0; u < 8; u++) m[u * 8 + i] = column[u]!;
  }
  for (let u = 0; u < 8; u++) {
    let norm = 0;
    for (let i = 0; i < 8; i++) norm += m[u * 8 + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < 8; i++) m[u * 8 + i]! /= norm;
  }
  return { forward: Float32Array.from(m), inverse: Float32Array.from(invert8(m)) };
}

/** dst[d0 + u·ds] = Σ_i m[u·8 + i] · src[s0 + i·ss], for an 8 × 8 matrix m. */
function matrix8(
  m: Float32Array,
  src: Float32Array,
  s0: number,
  ss: number,
  dst: Float32Array,
  d0: number,
  ds: number,
) {
  const x0 = src[s0]!;
  const x1 = src[s0 + ss]!;
  const x2 = src[s0 + 2 * ss]!;
  const x3 = src[s0 + 3 * ss]!;
  const x4 = src[s0 + 4 * ss]!;
  const x5 = src[s0 + 5 * ss]!;
  const x6 = src[s0 + 6 * ss]!;
  const x7 = src[s0 + 7 * ss]!;
  for (let u = 0; u < 8; u++) {
    const o = u * 8;
    dst[d0 + u * ds] =
      m[o]! * x0 +
      m[o + 1]! * x1 +
      m[o + 2]! * x2 +
      m[o + 3]! * x3 +
      m[o + 4]! * x4 +
      m[o + 5]! * x5 +
      m[o + 6]! * x6 +
      m[o + 7]! * x7;
  }
}

/** The inverse of an invertible 8 × 8 matrix (Gauss-Jordan with partial pivoting). */
function invert8(m: Float64Array): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(64);
  for (let i = 0; i < 8; i++) inv[i * 9] = 1;
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) {
      if (Math.abs(a[r * 8 + col]!) > Math.abs(a[pivot * 8 + col]!)) pivot = r;
    }
    for (let k = 0; k < 8; k++) {
      [a[col * 8 + k], a[pivot * 8 + k]] = [a[pivot * 8 + k]!, a[col * 8 + k]!];
      [inv[col * 8 + k], inv[pivot * 8 + k]] = [inv[pivot * 8 + k]!, inv[col * 8 + k]!];
    }
    const p = a[col * 8 + col]!;
    for (let k = 0; k < 8; k++) {
      a[col * 8 + k]! /= p;
      inv[col * 8 + k]! /= p;
    }
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r * 8 + col]!;
      if (f === 0) continue;
      for (let k = 0; k < 8; k++) {
        a[r * 8 + k]! -= f * a[col * 8 + k]!;
        inv[r * 8 + k]! -= f * inv[col * 8 + k]!;
      }
    }
  }
  return inv;
}

/** Modified Bessel function of the first kind, order 0 (its power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** The 2-D Kaiser window of an n × n block, row-major. */
function kaiserWindow(n: number, beta: number): Float32Array {
  const w1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = n === 1 ? 0 : (2 * i) / (n - 1) - 1;
    w1[i] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / besselI0(beta);
  }
  const w = new Float32Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) w[j * n + i] = w1[j]! * w1[i]!;
  return w;
}

/**
 * Reference block origins along one axis: every `step` from `first`, with the first and last
 * positions too so that every pixel is in a reference block.
 */
function referencePositions(positions: number, step: number, first: number): Int32Array {
  const list: number[] = first > 0 ? [0] : [];
  for (let p = first; p < positions - 1; p += step) list.push(p);
  list.push(positions - 1);
  return Int32Array.from(list);
}

/** The first grid position at or after 0 for a grid of `step` through image coordinate 0. */
function gridPhase(offset: number, step: number): number {
  return ((-offset % step) + step) % step;
}

/**
 * The groups of one stage: for each reference block (row-major over the reference grid), up to
 * `groupMax` block origins (y · width + x) nearest in luminance, nearest first, the reference
 * itself always first, and how many there are (a power of two).
 */
interface Groups {
  refX: Int32Array;
  refY: Int32Array;
  origins: Int32Array;
  sizes: Uint8Array;
}

function matchBlocks(luma: Float32Array, input: StageInput, stage: Bm3dStage): Groups {
  const { width, height } = input;
  const { block: n, groupMax: k, step, window } = stage;
  const half = window >> 1;
  const bw = width - n + 1;
  const bh = height - n + 1;
  const refX = referencePositions(bw, step, gridPhase(input.left, step));
  const refY = referencePositions(bh, step, gridPhase(input.top, step));
  const rx = refX.length;
  const refs = rx * refY.length;
  const limit = stage.maxDistance * n * n;

  // Per reference: slot 0 holds the reference itself; slots 1..k-1 a max-heap on distance of
  // the best other blocks so far, so a better candidate replaces the worst in O(log k).
  const dist = new Float32Array(refs * k);
  const cand = new Int32Array(refs * k);
  const count = new Uint8Array(refs);
  const heapMax = k - 1;
  const insert = (r: number, origin: number, d: number) => {
    const root = r * k + 1;
    const c = count[r]!;
    let i: number;
    if (c < heapMax) {
      // Sift up from the new last leaf.
      i = c;
      count[r] = c + 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (dist[root + parent]! >= d) break;
        dist[root + i] = dist[root + parent]!;
        cand[root + i] = cand[root + parent]!;
        i = parent;
      }
    } else {
      // Replace the worst (the root) and sift down.
      i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= heapMax) break;
        if (child + 1 < heapMax && dist[root + child + 1]! > dist[root + child]!) child++;
        if (dist[root + child]! <= d) break;
        dist[root + i] = dist[root + child]!;
        cand[root + i] = cand[root + child]!;
        i = child;
      }
    }
    dist[root + i] = d;
    cand[root + i] = origin;
  };
  for (let r = 0, j = 0; j < refY.length; j++) {
    for (let i = 0; i < rx; i++, r++) cand[r * k] = refY[j]! * width + refX[i]!;
  }

  // Integral image of (luma(p) − luma(p + d))² over the pixels where both ends exist.
  const iw = width + 1;
  const integral = new Float64Array(iw * (height + 1));
  for (let dy = 0; dy <= half; dy++) {
    for (let dx = -half; dx <= half; dx++) {
      if (dy === 0 && dx <= 0) continue;
      // Block origins p with p and p + d both valid.
      const px0 = Math.max(0, -dx);
      const px1 = Math.min(bw, bw - dx);
      const py1 = bh - dy;
      if (px1 <= px0 || py1 <= 0) continue;
      // Pixels those blocks cover: x in [px0, px1 + n - 1), y in [0, py1 + n - 1).
      const xEnd = px1 + n - 1;
      const yEnd = py1 + n - 1;
      const shift = dy * width + dx;
      for (let y = 0; y < yEnd; y++) {
        let run = 0;
        const row = y * width;
        const above = y * iw;
        const here = above + iw;
        integral[here + px0] = 0;
        for (let x = px0; x < xEnd; x++) {
          const e = luma[row + x]! - luma[row + x + shift]!;
          run += e * e;
          integral[here + x + 1] = integral[above + x + 1]! + run;
        }
      }
      // Box sum of the n × n block at origin (x, y), both ends valid.
      for (let r = 0, j = 0; j < refY.length; j++) {
        const y = refY[j]!;
        for (let i = 0; i < rx; i++, r++) {
          const x = refX[i]!;
          // Candidate r + d: the pair's origin is the reference itself.
          if (y < py1 && x >= px0 && x < px1) {
            const top = y * iw + x;
            const bottom = top + n * iw;
            const d =
              integral[bottom + n]! - integral[bottom]! - integral[top + n]! + integral[top]!;
            if (d <= limit && (count[r]! < heapMax || d < dist[r * k + 1]!)) {
              insert(r, (y + dy) * width + x + dx, d);
            }
          }
          // Candidate r − d: the pair's origin is that candidate.
          const cx = x - dx;
          const cy = y - dy;
          if (cy >= 0 && cx >= px0 && cx < px1) {
            const top = cy * iw + cx;
            const bottom = top + n * iw;
            const d =
              integral[bottom + n]! - integral[bottom]! - integral[top + n]! + integral[top]!;
            if (d <= limit && (count[r]! < heapMax || d < dist[r * k + 1]!)) {
              insert(r, cy * width + cx, d);
            }
          }
        }
      }
    }
  }

  // Nearest first (insertion sort of the heap; the reference stays first), then the largest
  // power of two that fits, as the Haar transform across the group needs.
  const origins = new Int32Array(refs * k);
  const sizes = new Uint8Array(refs);
  for (let r = 0; r < refs; r++) {
    const base = r * k;
    const c = count[r]! + 1;
    for (let i = 1; i < c; i++) {
      const d = dist[base + i]!;
      const o = cand[base + i]!;
      let j = i - 1;
      while (j >= 1 && dist[base + j]! > d) {
        dist[base + j + 1] = dist[base + j]!;
        cand[base + j + 1] = cand[base + j]!;
        j--;
      }
      dist[base + j + 1] = d;
      cand[base + j + 1] = o;
    }
    let size = 1;
    while (size * 2 <= c) size *= 2;
    sizes[r] = size;
    for (let i = 0; i < size; i++) origins[base + i] = cand[base + i]!;
  }
  return { refX, refY, origins, sizes };
}

/**
 * 2-D transforms of the blocks of three planes, computed on first use and kept in a ring of
 * block rows (a group reaches at most `window` rows, and reference rows go top to bottom).
 */
class BlockSpectra {
  private readonly cache: Float32Array;
  private readonly stamp: Int32Array;
  private readonly ringRows: number;
  private readonly bw: number;
  private readonly area: number;
  private readonly tmp: Float32Array;

  constructor(
    private readonly planes: Float32Array[],
    private readonly width: number,
    height: number,
    private readonly n: number,
    private readonly dct: Dct,
    window: number,
  ) {
    this.bw = width - n + 1;
    this.ringRows = Math.min(height - n + 1, window + 8);
    this.area = n * n;
    this.cache = new Float32Array(this.ringRows * this.bw * 3 * this.area);
    this.stamp = new Int32Array(this.ringRows * this.bw).fill(-1);
    this.tmp = new Float32Array(this.area);
  }

  /** Offset in `data` of the spectra (3 channels × n², channel-major) of the block at origin. */
  at(origin: number): number {
    const y = (origin / this.width) | 0;
    const x = origin - y * this.width;
    const slot = (y % this.ringRows) * this.bw + x;
    const offset = slot * 3 * this.area;
    if (this.stamp[slot] !== y) {
      this.stamp[slot] = y;
      for (let c = 0; c < 3; c++) this.forward(this.planes[c]!, origin, offset + c * this.area);
    }
    return offset;
  }

  get data(): Float32Array {
    return this.cache;
  }

  private forward(plane: Float32Array, origin: number, out: number) {
    const { n, dct, tmp, width, cache } = this;
    for (let j = 0; j < n; j++) dct.forward(plane, origin + j * width, 1, tmp, j * n, 1);
    for (let u = 0; u < n; u++) dct.forward(tmp, u, n, cache, out + u, n);
  }
}

/**
 * Orthonormal Haar transform across `size` blocks of `area` coefficients each, in place. Each
 * level's averages stay where their pair began (stride doubles per level), so no copying: the
 * coefficients come out interleaved, which thresholding and Wiener gains, done per coefficient,
 * do not mind.
 */
function haarForward(g: Float32Array, size: number, area: number) {
  for (let stride = 1; stride < size; stride <<= 1) haarLevel(g, size, area, stride);
}

function haarInverse(g: Float32Array, size: number, area: number) {
  for (let stride = size >> 1; stride >= 1; stride >>= 1) haarLevel(g, size, area, stride);
}

/** One level: (x, y) → ((x + y) / √2, (x − y) / √2) on blocks `stride` apart; self-inverse. */
function haarLevel(g: Float32Array, size: number, area: number, stride: number) {
  for (let i = 0; i < size; i += 2 * stride) {
    const a = i * area;
    const b = (i + stride) * area;
    for (let k = 0; k < area; k++) {
      const x = g[a + k]!;
      const y = g[b + k]!;
      g[a + k] = (x + y) * Math.SQRT1_2;
      g[b + k] = (x - y) * Math.SQRT1_2;
    }
  }
}

/**
 * Adds the inverse 2-D DCT of `area` coefficients at g[at], times `weight` and the window, to
 * the block at `origin` of `sum`, and the window times `weight` to `weights`.
 */
function aggregateBlock(
  g: Float32Array,
  at: number,
  dct: Dct,
  tmp: Float32Array,
  kaiser: Float32Array,
  weight: number,
  origin: number,
  width: number,
  sum: Float32Array,
  weights: Float32Array,
) {
  const n = dct.n;
  for (let u = 0; u < n; u++) dct.inverse(g, at + u, n, tmp, u, n);
  for (let j = 0; j < n; j++) dct.inverse(tmp, j * n, 1, tmp, n * n + j * n, 1);
  const pixels = n * n;
  for (let j = 0; j < n; j++) {
    const row = origin + j * width;
    const tj = j * n;
    for (let i = 0; i < n; i++) {
      const w = weight * kaiser[tj + i]!;
      sum[row + i]! += w * tmp[pixels + tj + i]!;
      weights[row + i]! += w;
    }
  }
}

interface StageInput {
  width: number;
  height: number;
  /** Where the picture's first pixel lies in the image, to fix the reference grid there. */
  left: number;
  top: number;
  sigma: number;
  profile: Bm3dProfile;
}

/**
 * The weighted sum of every filtered block put back where it came from, per channel, and the
 * sum of the weights: their quotient is a stage's estimate.
 */
class Aggregation {
  private readonly sums: Float32Array[];
  private readonly weights: Float32Array[];
  private readonly blockTmp: Float32Array;

  constructor(
    private readonly width: number,
    height: number,
    private readonly n: number,
    private readonly dct: Dct,
    private readonly kaiser: Float32Array,
  ) {
    this.sums = [0, 1, 2].map(() => new Float32Array(width * height));
    this.weights = [0, 1, 2].map(() => new Float32Array(width * height));
    this.blockTmp = new Float32Array(2 * n * n);
  }

  /** The `size` blocks of a filtered group (2-D spectra), channel `c`, each at its origin. */
  addGroup(
    group: Float32Array,
    size: number,
    origins: ArrayLike<number>,
    base: number,
    c: number,
    weight: number,
  ): void {
    const area = this.n * this.n;
    for (let m = 0; m < size; m++) {
      aggregateBlock(
        group,
        m * area,
        this.dct,
        this.blockTmp,
        this.kaiser,
        weight,
        origins[base + m]!,
        this.width,
        this.sums[c]!,
        this.weights[c]!,
      );
    }
  }

  result(): Float32Array[] {
    return this.sums.map((s, c) => {
      const w = this.weights[c]!;
      for (let i = 0; i < s.length; i++) s[i] = s[i]! / w[i]!;
      return s;
    });
  }
}

/** Stage 1: hard thresholding of the noisy groups, matched on the noisy luminance. */
function hardThresholdStage(noisy: Float32Array[], input: StageInput): Float32Array[] {
  const { width, height, sigma, profile } = input;
  const stage = profile.hard;
  const n = stage.block;
  const area = n * n;
  const dct = new Dct(n, profile.hardTransform === 'bior1.5' ? bior15Matrices() : null);
  const kaiser = kaiserWindow(n, profile.beta);
  const groups = matchBlocks(noisy[0]!, input, stage);
  const spectra = new BlockSpectra(noisy, width, height, n, dct, stage.window);
  const estimate = new Aggregation(width, height, n, dct, kaiser);
  const g = new Float32Array(stage.groupMax * area);
  const threshold = profile.lambda * sigma;
  const refs = groups.sizes.length;
  for (let r = 0; r < refs; r++) {
    const size = groups.sizes[r]!;
    const base = r * stage.groupMax;
    for (let c = 0; c < 3; c++) {
      for (let m = 0; m < size; m++) {
        const at = spectra.at(groups.origins[base + m]!) + c * area;
        const data = spectra.data;
        for (let i = 0, o = m * area; i < area; i++) g[o + i] = data[at + i]!;
      }
      haarForward(g, size, area);
      let kept = 0;
      const total = size * area;
      for (let i = 0; i < total; i++) {
        const v = g[i]!;
        if (v > threshold || v < -threshold) kept++;
        else g[i] = 0;
      }
      haarInverse(g, size, area);
      estimate.addGroup(g, size, groups.origins, base, c, 1 / (sigma * sigma * Math.max(1, kept)));
    }
  }
  return estimate.result();
}

/** Stage 2: empirical Wiener shrinkage of the noisy groups, matched on the basic estimate. */
function wienerStage(
  noisy: Float32Array[],
  basic: Float32Array[],
  input: StageInput,
): Float32Array[] {
  const { width, height, sigma, profile } = input;
  const stage = profile.wiener;
  const n = stage.block;
  const area = n * n;
  const dct = new Dct(n);
  const kaiser = kaiserWindow(n, profile.beta);
  const groups = matchBlocks(basic[0]!, input, stage);
  const noisySpectra = new BlockSpectra(noisy, width, height, n, dct, stage.window);
  const basicSpectra = new BlockSpectra(basic, width, height, n, dct, stage.window);
  const estimate = new Aggregation(width, height, n, dct, kaiser);
  const g = new Float32Array(stage.groupMax * area);
  const e = new Float32Array(stage.groupMax * area);
  const s2 = sigma * sigma;
  const refs = groups.sizes.length;
  for (let r = 0; r < refs; r++) {
    const size = groups.sizes[r]!;
    const base = r * stage.groupMax;
    for (let c = 0; c < 3; c++) {
      for (let m = 0; m < size; m++) {
        const origin = groups.origins[base + m]!;
        const at = noisySpectra.at(origin) + c * area;
        const noisyData = noisySpectra.data;
        for (let i = 0, o = m * area; i < area; i++) g[o + i] = noisyData[at + i]!;
        const bt = basicSpectra.at(origin) + c * area;
        const basicData = basicSpectra.data;
        for (let i = 0, o = m * area; i < area; i++) e[o + i] = basicData[bt + i]!;
      }
      haarForward(g, size, area);
      haarForward(e, size, area);
      let energy = 0;
      const total = size * area;
      for (let i = 0; i < total; i++) {
        const b = e[i]! * e[i]!;
        const gain = b / (b + s2);
        g[i] = g[i]! * gain;
        energy += gain * gain;
      }
      haarInverse(g, size, area);
      estimate.addGroup(g, size, groups.origins, base, c, 1 / (s2 * Math.max(energy, 1e-6)));
    }
  }
  return estimate.result();
}

export interface Bm3dOptions {
  profile?: Bm3dProfile;
  /**
   * Where `rgb`'s first pixel lies in the whole image, when it is a tile of it: reference
   * blocks then fall where they would on the whole image, so tiles agree with it.
   */
  left?: number;
  top?: number;
}

/**
 * Denoises `rgb` (width × height pixels, 3 interleaved float samples each, levels 0..255)
 * carrying white Gaussian noise of standard deviation `sigma` levels, and returns a new array of
 * the same layout. Images smaller than a block, or σ ≤ 0, come back unchanged.
 */
export function bm3d(
  rgb: Float32Array,
  width: number,
  height: number,
  sigma: number,
  options: Bm3dOptions = {},
): Float32Array {
  const profile = options.profile ?? bm3dProfile(sigma);
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`${width}x${height} RGB needs ${width * height * 3} samples`);
  }
  const minEdge = Math.max(profile.hard.block, profile.wiener.block);
  if (!(sigma > 0) || width < minEdge || height < minEdge) return Float32Array.from(rgb);
  const count = width * height;
  const noisy = toOpponent(rgb, count);
  const input = { width, height, sigma, profile, left: options.left ?? 0, top: options.top ?? 0 };
  const basic = hardThresholdStage(noisy, input);
  const final = wienerStage(noisy, basic, input);
  return fromOpponent(final, count);
}
