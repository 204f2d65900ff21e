/**
 * Scratch and dust detection on an old photo: thin bright or dark marks that the picture itself
 * does not explain, and nothing else. A mark missed leaves a scratch; a mark too many paints over
 * a wire, a mast or a tripod leg, so every rule below leans towards leaving the picture alone.
 *
 * 1. Contrast, two-sided, in 8 directions: for a pixel and a direction n, how much brighter it is
 *    than the darkest pixel within RADIUS px on *both* sides (p ± t·n), and the same for darker:
 *    a white/black top-hat by pairs of points. A line up to RADIUS − 1 px wide stands out across
 *    it and not along it (read within NEAR px, where its own pixels stay on it); a speck in
 *    every direction; a step edge in none, as one side is as bright as the pixel. The direction
 *    with the least contrast along is the line's, the one across it is perpendicular.
 * 2. Thresholds from the photo's own noise: a candidate passes max(MIN_CONTRAST, 4.5σ) / 2, a
 *    defect's peak the whole of it.
 * 3. Scratches: line-like candidates linked into pieces only through neighbours of the same sign
 *    and a direction within 22.5°; a piece is thin (area / length ≤ LINE_WIDTH), strong (median
 *    contrast ≥ LINE_CONTRAST), and belongs to a scratch that spans LONG of the short side, in
 *    one piece or in several collinear ones (a scratch is broken where it crosses a tone like its
 *    own). Each piece must not be part of the scene:
 *    - beside a line the picture is flat on each side: the pixels 4 and 7 px out on either side
 *      agree with each other (a highlight inside a tripod leg has the leg on one side and the
 *      ground on the other; a seam of a facade has a shadow beside it), and the low-pass picture
 *      has no edge across the line (a line running along a real edge is that edge's detail);
 *    - in colour, a scratch or dust shows the paper or a grey, not the scene's hue: on colourful
 *      surroundings a line that keeps their colour is scene, not damage.
 *    A group is a scratch only where mostly clean pieces make up half its length (a scene line
 *    broken by what it crosses has a few clean-looking pieces too), and a kept piece is judged
 *    again in 24 px stretches, each no wider than a scratch with the picture flat beside it:
 *    where a scratch runs on into a line of the scene, that stretch is the scene's.
 * 4. Specks: small, compact components (≤ SPECK_SIDE px a side) of candidates of one sign, at
 *    least SPECK_PEAK thresholds strong and SPECK_OVER_TEXTURE times the surround's texture (its
 *    standard deviation), and not keeping a colourful surround's colour.
 * 5. The mask: those pixels plus their anti-aliased edge (within 1.5 px, where the contrast is
 *    still above the noise).
 */

import { type Mask, dilateMask, emptyMask } from '../common/inpaint/mask.ts';

export function luma(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  }
  return out;
}

/**
 * σ of white noise from Immerkær's mask (1996, "Fast Noise Variance Estimation"), which cancels
 * locally linear content, read robustly: the median of |response| (× 1.4826, the Gaussian
 * constant) instead of its mean, so the edges and the few scratches of a photo, a minority of its
 * pixels, do not count as noise.
 */
export function estimateNoiseSigma(gray: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  // |response| in quarter levels up to 1024 levels; the mask's gain on white noise is 6.
  const bins = new Uint32Array(4097);
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v =
        gray[i - width - 1]! -
        2 * gray[i - width]! +
        gray[i - width + 1]! -
        2 * gray[i - 1]! +
        4 * gray[i]! -
        2 * gray[i + 1]! +
        gray[i + width - 1]! -
        2 * gray[i + width]! +
        gray[i + width + 1]!;
      bins[Math.min(4096, Math.round(Math.abs(v) * 4))]!++;
      n++;
    }
  }
  let seen = 0;
  for (let b = 0; b < bins.length; b++) {
    seen += bins[b]!;
    if (seen * 2 >= n) return (1.4826 * (b / 4)) / 6;
  }
  return 0;
}

/**
 * Median of an 8-bit image over a (2r+1)² window, edges clamped: Huang's running histogram, so
 * each pixel costs O(r), not a sort.
 */
export function medianFilter(src: Uint8Array, width: number, height: number, r: number) {
  const out = new Uint8Array(src.length);
  const hist = new Int32Array(256);
  const half = ((2 * r + 1) * (2 * r + 1)) >> 1;
  const at = (x: number, y: number) =>
    src[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!;
  for (let y = 0; y < height; y++) {
    hist.fill(0);
    for (let v = -r; v <= r; v++) for (let u = -r; u <= r; u++) hist[at(u, y + v)]!++;
    // `median` is the value; `below` counts the window's values under it.
    let median = 0;
    let below = 0;
    while (below + hist[median]! <= half) below += hist[median++]!;
    out[y * width] = median;
    for (let x = 1; x < width; x++) {
      for (let v = -r; v <= r; v++) {
        const gone = at(x - r - 1, y + v);
        const come = at(x + r, y + v);
        hist[gone]!--;
        hist[come]!++;
        if (gone < median) below--;
        if (come < median) below++;
      }
      while (below > half) below -= hist[--median]!;
      while (below + hist[median]! <= half) below += hist[median++]!;
      out[y * width + x] = median;
    }
  }
  return out;
}

export interface DefectOptions {
  /** The least contrast (grey levels) a defect has, whatever the noise. */
  minContrast?: number;
  /** The shortest a scratch is (px); by default LINE_LENGTH or 5 % of the short side. */
  minLength?: number;
  /** How much of its own contrast a line's surroundings may vary before it counts as scene. */
  structure?: number;
  /** For measurements: each scratch candidate judged, and why it was dropped (or kept). */
  onCandidate?: (c: {
    area: number;
    length: number;
    peak: number;
    median: number;
    side: number;
    coloured: number;
    verdict: string;
    pixels: number[];
  }) => void;
}

export interface Defects {
  /** 1 where the photo is damaged: what a repair fills. */
  mask: Mask;
  /**
   * Per pixel of the mask: the direction across the scratch it belongs to (0..7, k·22.5° from
   * the x axis), or −1 for a speck or an edge pixel with no direction of its own.
   */
  across: Int8Array;
  /**
   * Per pixel of the mask: +1 where the mark is brighter than the picture (a white scratch or
   * speck only ever brightened it), −1 where darker, 0 elsewhere.
   */
  polarity: Int8Array;
  scratches: number;
  specks: number;
  noiseSigma: number;
  threshold: number;
}

const MIN_CONTRAST = 24;
/** How far each side of a pixel the two-sided contrast looks (px): lines up to 4 px wide. */
const RADIUS = 5;
const DIRECTIONS = 8;
/** Along a line, its contrast is read this close (px). */
const NEAR = 2;
/** A line pixel's contrast along the line is at most this share of its contrast across it. */
const ALONG = 0.5;
const LINE_LENGTH = 24;
/** The widest a scratch is on average, its anti-aliased edges included (px). */
const LINE_WIDTH = 4.5;
const STRUCTURE = 0.35;
/** Colour: surroundings this colourful (max − min of R, G, B) tell damage from scene... */
const COLOURFUL = 24;
/** ...and a line pixel keeping more than this share of their colour is scene. */
const KEEPS_COLOUR = 0.55;
/** The least contrast (median along it) of a scratch worth the risk of filling. */
const LINE_CONTRAST = 30;
/** The shortest piece of a scratch considered (px). */
const PIECE = 16;
/** A scratch spans at least this share of the short side, in one piece or several. */
const LONG = 0.2;
/** Pieces of one scratch: directions within 12°... */
const COLLINEAR = Math.cos((12 * Math.PI) / 180);
/** ...and gaps up to this share of the short side. */
const MAX_GAP = 0.35;
/**
 * A piece this long by itself (share of the short side) is rarely the scene's (a scene's lines
 * that long are edges, which the two-sided contrast does not see): it may sit on GROUPED times
 * more structure.
 */
const VERY_LONG = 0.3;
const GROUPED = 1.4;
/**
 * A scratch is mostly clean: where the pieces with no more structure beside them than a stretch
 * of a scratch may have (STRETCH_STRUCTURE) make up less than this share of a group's length, the
 * group is a line of the scene (a tripod leg, the edge of a facade, broken into pieces by what it
 * crosses) and its few clean-looking pieces are left too.
 */
const CLEAN_SHARE = 0.5;
/** A kept piece is judged again in stretches this long (px)... */
const SEGMENT = 24;
/**
 * ...each allowed this many times the piece's structure limit, the stretch being shorter; its
 * structure is read over the whole piece's contrast, which fades where a scratch crosses a tone
 * like its own.
 */
const STRETCH_STRUCTURE = 1.6;
/** How far off its axis (share of its length) a scratch's pixel may lie: its bow. */
const OFF_LINE = 0.03;
const SPECK_SIDE = 8;
const SPECK_AREA = 48;
/** A speck's contrast against its surround's texture (standard deviation). */
const SPECK_OVER_TEXTURE = 6;
/** A speck's peak, in thresholds. */
const SPECK_PEAK = 2;

/** Per direction, the offsets [dx, dy] at 1..RADIUS px. */
const OFFSETS = Array.from({ length: DIRECTIONS }, (_, k) => {
  const theta = (Math.PI * k) / DIRECTIONS;
  const out = new Int32Array(2 * RADIUS);
  for (let t = 1; t <= RADIUS; t++) {
    out[2 * (t - 1)] = Math.round(t * Math.cos(theta));
    out[2 * (t - 1) + 1] = Math.round(t * Math.sin(theta));
  }
  return out;
});
const COS = Array.from({ length: DIRECTIONS }, (_, k) => Math.cos((Math.PI * k) / DIRECTIONS));
const SIN = Array.from({ length: DIRECTIONS }, (_, k) => Math.sin((Math.PI * k) / DIRECTIONS));

/** A box blur of radius r, twice (close to a Gaussian of σ ≈ 0.8·r), edges clamped. */
export function lowPass(src: Float32Array, width: number, height: number, r: number) {
  let a = Float32Array.from(src);
  let b = new Float32Array(src.length);
  const line = new Float32Array(Math.max(width, height) + 1);
  for (let pass = 0; pass < 4; pass++) {
    const horizontal = pass % 2 === 0;
    const outer = horizontal ? height : width;
    const inner = horizontal ? width : height;
    for (let o = 0; o < outer; o++) {
      const at = (j: number) => {
        const c = Math.min(inner - 1, Math.max(0, j));
        return horizontal ? a[o * width + c]! : a[c * width + o]!;
      };
      line[0] = 0;
      for (let j = 0; j < inner; j++) line[j + 1] = line[j]! + at(j);
      for (let j = 0; j < inner; j++) {
        let sum = 0;
        const lo = j - r;
        const hi = j + r;
        // Clamped edges: the edge pixel repeats.
        sum += line[Math.min(inner, hi + 1)]! - line[Math.max(0, lo)]!;
        if (lo < 0) sum += -lo * at(0);
        if (hi >= inner) sum += (hi - inner + 1) * at(inner - 1);
        const v = sum / (2 * r + 1);
        if (horizontal) b[o * width + j] = v;
        else b[j * width + o] = v;
      }
    }
    [a, b] = [b, a];
  }
  return a;
}

interface Piece {
  members: number[];
  mx: number;
  my: number;
  ux: number;
  uy: number;
  half: number;
  length: number;
  area: number;
  peak: number;
  side: number;
  median: number;
  colour: number;
  /** Union-find parent: pieces of one scratch share a root. */
  group: number;
  /** Per member, in order: how much the picture beside it varies, over the piece's contrast. */
  sides: Float32Array;
}

/** The least and the greatest value in each pixel's (2r+1)² window, edges clamped. */
function windowMinMax(src: Float32Array, width: number, height: number, r: number) {
  const rowLo = new Float32Array(src.length);
  const rowHi = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let a = Infinity;
      let b = -Infinity;
      for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) {
        const v = src[row + u]!;
        if (v < a) a = v;
        if (v > b) b = v;
      }
      rowLo[row + x] = a;
      rowHi[row + x] = b;
    }
  }
  const lo = new Float32Array(src.length);
  const hi = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height - 1, y + r);
    for (let x = 0; x < width; x++) {
      let a = Infinity;
      let b = -Infinity;
      for (let v = y0; v <= y1; v++) {
        const j = v * width + x;
        if (rowLo[j]! < a) a = rowLo[j]!;
        if (rowHi[j]! > b) b = rowHi[j]!;
      }
      lo[y * width + x] = a;
      hi[y * width + x] = b;
    }
  }
  return [lo, hi] as const;
}

/** The sign of the found pixel nearest to `i` within 2 px (0 when none). */
function nearestSign(found: Uint8Array, sign: Int8Array, width: number, height: number, i: number) {
  const x = i % width;
  const y = (i - x) / width;
  let best = Infinity;
  let out = 0;
  for (let v = -2; v <= 2; v++) {
    for (let u = -2; u <= 2; u++) {
      const xx = x + u;
      const yy = y + v;
      if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
      const j = yy * width + xx;
      if (found[j] && u * u + v * v < best) {
        best = u * u + v * v;
        out = sign[j]!;
      }
    }
  }
  return out;
}

/**
 * Per member of a kept piece, whether the stretch of the piece it lies in (SEGMENT px along its
 * axis) is a scratch too: no wider than a scratch and with the picture flat beside it. Where a
 * scratch ends on a line of the scene (the grain of wood, a white collar) its piece runs on into
 * that line; those stretches are the scene's. Only the members on the piece's line (`online`)
 * count: the scene's pixels linked to it off its line are left anyway.
 */
function scratchStretches(p: Piece, width: number, limit: number, online: Uint8Array): Uint8Array {
  const bins = Math.ceil(p.length / SEGMENT) + 4;
  const count = new Int32Array(bins);
  const at = new Int32Array(p.members.length);
  const sides: number[][] = Array.from({ length: bins }, () => []);
  for (const [m, i] of p.members.entries()) {
    const x = i % width;
    const y = (i - x) / width;
    const t = (x - p.mx) * p.ux + (y - p.my) * p.uy;
    const b = Math.max(0, Math.min(bins - 1, Math.floor(t / SEGMENT + bins / 2)));
    at[m] = b;
    if (!online[m]) continue;
    count[b]!++;
    sides[b]!.push(p.sides[m]!);
  }
  const ok = new Uint8Array(bins);
  for (let b = 0; b < bins; b++) {
    const list = sides[b]!.sort((u, v) => u - v);
    const median = list[list.length >> 1] ?? 0;
    ok[b] = count[b]! <= LINE_WIDTH * SEGMENT && median <= limit ? 1 : 0;
  }
  return Uint8Array.from(at, (b) => ok[b]!);
}

/** Finds scratches and specks; see the file comment for the method. */
export function detectDefects(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: DefectOptions = {},
): Defects {
  const n = width * height;
  const gray = luma(rgba, width, height);
  const noiseSigma = estimateNoiseSigma(gray, width, height);
  const threshold = Math.max(options.minContrast ?? MIN_CONTRAST, 4.5 * noiseSigma);
  const low = threshold / 2;
  const structure = options.structure ?? STRUCTURE;

  // 1. Two-sided contrast per direction; per pixel the best direction, its contrast, the
  // contrast along the line (perpendicular), and the sign.
  const contrast = new Float32Array(n);
  const along = new Float32Array(n);
  const dir = new Int8Array(n).fill(-1);
  const sign = new Int8Array(n);
  const cB = new Float32Array(DIRECTIONS);
  const cD = new Float32Array(DIRECTIONS);
  // The same within NEAR px: along a line, its own pixels that close stay on it.
  const nB = new Float32Array(DIRECTIONS);
  const nD = new Float32Array(DIRECTIONS);
  const [lo, hi] = windowMinMax(gray, width, height, RADIUS);
  // The same offsets as steps in the pixel array, for pixels RADIUS or more from the border.
  const linear = OFFSETS.map((off) =>
    Int32Array.from({ length: RADIUS }, (_, t) => off[2 * t + 1]! * width + off[2 * t]!),
  );
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const g = gray[i]!;
      // Every sample lies in the (2·RADIUS+1)² window: a pixel that window cannot make a
      // candidate of (most of a photo) is passed at once.
      if (g - lo[i]! < low && hi[i]! - g < low) continue;
      const inside = x >= RADIUS && y >= RADIUS && x < width - RADIUS && y < height - RADIUS;
      let bestB = 0;
      let bestD = 0;
      for (let k = 0; k < DIRECTIONS; k++) {
        const off = OFFSETS[k]!;
        let minP = 1e9;
        let maxP = -1e9;
        let minM = 1e9;
        let maxM = -1e9;
        const lin = linear[k]!;
        for (let t = 0; t < 2 * RADIUS; t += 2) {
          let p: number;
          let m: number;
          if (inside) {
            p = gray[i + lin[t >> 1]!]!;
            m = gray[i - lin[t >> 1]!]!;
          } else {
            const dx = off[t]!;
            const dy = off[t + 1]!;
            const xp = Math.min(width - 1, Math.max(0, x + dx));
            const yp = Math.min(height - 1, Math.max(0, y + dy));
            const xm = Math.min(width - 1, Math.max(0, x - dx));
            const ym = Math.min(height - 1, Math.max(0, y - dy));
            p = gray[yp * width + xp]!;
            m = gray[ym * width + xm]!;
          }
          if (p < minP) minP = p;
          if (p > maxP) maxP = p;
          if (m < minM) minM = m;
          if (m > maxM) maxM = m;
          if (t === 2 * (NEAR - 1)) {
            nB[k] = g - Math.max(minP, minM);
            nD[k] = Math.min(maxP, maxM) - g;
          }
        }
        const b = g - Math.max(minP, minM);
        const d = Math.min(maxP, maxM) - g;
        cB[k] = b;
        cD[k] = d;
        if (b > bestB) bestB = b;
        if (d > bestD) bestD = d;
      }
      const s = bestB >= bestD ? 1 : -1;
      const best = Math.max(bestB, bestD);
      contrast[i] = best;
      if (best < low) continue;
      // The line runs where the contrast close by is least; across it is perpendicular.
      // (Close by, several directions can tie on a staircase line; the far contrast breaks it.)
      const near = s > 0 ? nB : nD;
      const far = s > 0 ? cB : cD;
      let kl = 0;
      for (let k = 1; k < DIRECTIONS; k++) {
        if (near[k]! + 0.25 * far[k]! < near[kl]! + 0.25 * far[kl]!) kl = k;
      }
      sign[i] = s;
      along[i] = Math.max(0, near[kl]!);
      dir[i] = (kl + DIRECTIONS / 2) % DIRECTIONS;
    }
  }

  const sample = (img: Float32Array, x: number, y: number) =>
    img[
      Math.min(height - 1, Math.max(0, Math.round(y))) * width +
        Math.min(width - 1, Math.max(0, Math.round(x)))
    ]!;
  const pixel = (x: number, y: number) => {
    const j =
      (Math.min(height - 1, Math.max(0, Math.round(y))) * width +
        Math.min(width - 1, Math.max(0, Math.round(x)))) *
      4;
    const r = rgba[j]!;
    const g = rgba[j + 1]!;
    const b = rgba[j + 2]!;
    return [r, g, b] as const;
  };
  const spread = (c: readonly [number, number, number]) =>
    Math.max(c[0], c[1], c[2]) - Math.min(c[0], c[1], c[2]);

  // 3. Scratches: line-like candidates linked through neighbours of the same sign and a
  // direction within one step.
  const isLine = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (sign[i] !== 0 && along[i]! <= ALONG * contrast[i]!) isLine[i] = 1;
  }
  const labels = new Int32Array(n);
  const stack = new Int32Array(n);
  const members: number[] = [];
  const blur = lowPass(gray, width, height, 3);
  const minLength =
    options.minLength ?? Math.max(LINE_LENGTH, Math.round(0.05 * Math.min(width, height)));
  const found = new Uint8Array(n);
  const across = new Int8Array(n).fill(-1);
  const pieces: Piece[] = [];
  let label = 0;
  for (let start = 0; start < n; start++) {
    if (!isLine[start] || labels[start]) continue;
    label++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    members.length = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    let peak = 0;
    while (top > 0) {
      const i = stack[--top]!;
      members.push(i);
      const x = i % width;
      const y = (i - x) / width;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      if (contrast[i]! > peak) peak = contrast[i]!;
      for (let v = -1; v <= 1; v++) {
        for (let u = -1; u <= 1; u++) {
          const xx = x + u;
          const yy = y + v;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const j = yy * width + xx;
          if (!isLine[j] || labels[j] || sign[j] !== sign[i]) continue;
          const dk = Math.abs(dir[j]! - dir[i]!);
          if (Math.min(dk, DIRECTIONS - dk) > 1) continue;
          labels[j] = label;
          stack[top++] = j;
        }
      }
    }
    const area = members.length;
    if (area < PIECE / 2 || peak < threshold) continue;
    const mx = sx / area;
    const my = sy / area;
    const vxx = sxx / area - mx * mx;
    const vyy = syy / area - my * my;
    const vxy = sxy / area - mx * my;
    const lambda = (vxx + vyy) / 2 + Math.sqrt(((vxx - vyy) / 2) ** 2 + vxy * vxy);
    const length = Math.sqrt(12 * lambda);
    if (length < PIECE) continue;
    if (area / length > LINE_WIDTH) {
      options.onCandidate?.({
        area,
        length,
        peak,
        median: 0,
        side: -1,
        coloured: -1,
        verdict: 'wide',
        pixels: members,
      });
      continue;
    }
    // The principal axis.
    let ux = vxy;
    let uy = lambda - vxx;
    if (Math.abs(ux) + Math.abs(uy) < 1e-9) [ux, uy] = vxx >= vyy ? [1, 0] : [0, 1];
    const norm = Math.hypot(ux, uy);
    // Scene or damage: the picture beside the line, and its colour.
    const ratios: number[] = [];
    const beside: number[] = [];
    const strengths: number[] = [];
    let coloured = 0;
    let judged = 0;
    for (const i of members) {
      const x = i % width;
      const y = (i - x) / width;
      const k = dir[i]!;
      const cx = COS[k]!;
      const cy = SIN[k]!;
      const a4 = sample(gray, x + 4 * cx, y + 4 * cy);
      const a7 = sample(gray, x + 7 * cx, y + 7 * cy);
      const b4 = sample(gray, x - 4 * cx, y - 4 * cy);
      const b7 = sample(gray, x - 7 * cx, y - 7 * cy);
      const grad = Math.abs(
        sample(blur, x + 5 * cx, y + 5 * cy) - sample(blur, x - 5 * cx, y - 5 * cy),
      );
      const variation = Math.max(Math.abs(a4 - a7), Math.abs(b4 - b7), grad);
      ratios.push(variation / contrast[i]!);
      beside.push(variation);
      strengths.push(contrast[i]!);
      const p = pixel(x, y);
      const l = pixel(x + 4 * cx, y + 4 * cy);
      const r = pixel(x - 4 * cx, y - 4 * cy);
      const bg = spread([(l[0] + r[0]) / 2, (l[1] + r[1]) / 2, (l[2] + r[2]) / 2]);
      if (bg >= COLOURFUL) {
        judged++;
        if (spread(p) > KEEPS_COLOUR * bg) coloured++;
      }
    }
    ratios.sort((a, b) => a - b);
    strengths.sort((a, b) => a - b);
    // Over the piece's contrast, not each pixel's own: where a scratch crosses a tone like its
    // own its contrast fades, and the picture beside it is no busier for that.
    const median = strengths[strengths.length >> 1]!;
    const sides = Float32Array.from(beside, (v) => v / median);
    pieces.push({
      members: members.slice(),
      mx,
      my,
      ux: ux / norm,
      uy: uy / norm,
      half: length / 2,
      length,
      area,
      peak,
      side: ratios[ratios.length >> 1]!,
      median,
      colour: judged > area / 3 ? coloured / judged : 0,
      group: pieces.length,
      sides,
    });
  }

  // Pieces of one scratch: collinear (directions within 12°, each centre near the other's
  // line) with a gap between them no longer than MAX_GAP of the short side.
  const root = (k: number): number => {
    while (pieces[k]!.group !== k) k = pieces[k]!.group = pieces[pieces[k]!.group]!.group;
    return k;
  };
  const short = Math.min(width, height);
  const useful = (p: Piece) => p.median >= LINE_CONTRAST && p.colour <= 0.5;
  for (let a = 0; a < pieces.length; a++) {
    const A = pieces[a]!;
    if (!useful(A)) continue;
    for (let b = a + 1; b < pieces.length; b++) {
      const B = pieces[b]!;
      if (!useful(B)) continue;
      if (Math.abs(A.ux * B.ux + A.uy * B.uy) < COLLINEAR) continue;
      const dx = B.mx - A.mx;
      const dy = B.my - A.my;
      const t = Math.abs(dx * A.ux + dy * A.uy);
      const tb = Math.abs(dx * B.ux + dy * B.uy);
      if (t - A.half - B.half > MAX_GAP * short) continue;
      if (Math.abs(dx * A.uy - dy * A.ux) > 3 + 0.06 * t) continue;
      if (Math.abs(dx * B.uy - dy * B.ux) > 3 + 0.06 * tb) continue;
      const ra = root(a);
      const rb = root(b);
      if (ra !== rb) pieces[rb]!.group = ra;
    }
  }
  // Each group's span along its first piece's axis, and how many pieces it has.
  const limitOf = (p: Piece) => (p.length >= VERY_LONG * short ? structure * GROUPED : structure);
  const clean = (p: Piece) => p.side <= limitOf(p);
  const cleanLength = new Map<number, number>();
  const allLength = new Map<number, number>();
  for (const [k, p] of pieces.entries()) {
    if (!useful(p)) continue;
    const r = root(k);
    allLength.set(r, (allLength.get(r) ?? 0) + p.length);
    if (p.side <= STRETCH_STRUCTURE * limitOf(p))
      cleanLength.set(r, (cleanLength.get(r) ?? 0) + p.length);
  }
  const span = new Map<number, { lo: number; hi: number; count: number }>();
  for (const [k, p] of pieces.entries()) {
    if (!useful(p)) continue;
    const r = root(k);
    const R = pieces[r]!;
    const t = (p.mx - R.mx) * R.ux + (p.my - R.my) * R.uy;
    const s = span.get(r) ?? { lo: Infinity, hi: -Infinity, count: 0 };
    s.lo = Math.min(s.lo, t - p.half);
    s.hi = Math.max(s.hi, t + p.half);
    s.count++;
    span.set(r, s);
  }
  const long = Math.max(minLength, LONG * short);
  const groups = new Set<number>();
  for (const [k, p] of pieces.entries()) {
    const s = span.get(root(k));
    let verdict = 'scene';
    if (!useful(p)) verdict = p.colour > 0.5 ? 'colour' : 'faint';
    else if (!s || s.hi - s.lo < long) verdict = 'short';
    else if ((cleanLength.get(root(k)) ?? 0) < CLEAN_SHARE * allLength.get(root(k))!)
      verdict = 'scene line';
    else if (clean(p)) {
      verdict = 'kept';
    }
    options.onCandidate?.({
      area: p.area,
      length: p.length,
      peak: p.peak,
      median: p.median,
      side: p.side,
      coloured: p.colour,
      verdict,
      pixels: p.members,
    });
    if (verdict !== 'kept') continue;
    // A scratch is nearly straight: pixels linked to it but off its line (where it crosses an
    // edge of the scene) are the scene's.
    const off = Math.max(3, OFF_LINE * p.length);
    const online = Uint8Array.from(p.members, (i) => {
      const x = i % width;
      const y = (i - x) / width;
      return Math.abs((x - p.mx) * p.uy - (y - p.my) * p.ux) > off ? 0 : 1;
    });
    const keep = scratchStretches(p, width, STRETCH_STRUCTURE * limitOf(p), online);
    for (const [m, i] of p.members.entries()) {
      if (!online[m] || !keep[m]) continue;
      found[i] = 1;
      across[i] = dir[i]!;
    }
    groups.add(root(k));
  }
  const scratches = groups.size;

  // 4. Specks: small compact components of candidates of one sign, on a quiet surround.
  labels.fill(0);
  let specks = 0;
  for (let start = 0; start < n; start++) {
    if (!sign[start] || labels[start] || found[start]) continue;
    label++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    members.length = 0;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    let peak = 0;
    let big = false;
    while (top > 0) {
      const i = stack[--top]!;
      members.push(i);
      const x = i % width;
      const y = (i - x) / width;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
      if (contrast[i]! > peak) peak = contrast[i]!;
      if (members.length > SPECK_AREA) big = true;
      for (let v = -1; v <= 1; v++) {
        for (let u = -1; u <= 1; u++) {
          const xx = x + u;
          const yy = y + v;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const j = yy * width + xx;
          if (!sign[j] || labels[j] || sign[j] !== sign[i]) continue;
          labels[j] = label;
          stack[top++] = j;
        }
      }
    }
    if (big || x1 - x0 >= SPECK_SIDE || y1 - y0 >= SPECK_SIDE || peak < SPECK_PEAK * threshold)
      continue;
    if (members.some((i) => found[i])) continue;
    // The surround's texture: the standard deviation of a ring 2..5 px outside the box.
    let s = 0;
    let ss = 0;
    let m = 0;
    let colourful = 0;
    let cr = 0;
    let cg = 0;
    let cb = 0;
    for (let y = y0 - 5; y <= y1 + 5; y++) {
      for (let x = x0 - 5; x <= x1 + 5; x++) {
        if (x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1) continue;
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const g = gray[y * width + x]!;
        s += g;
        ss += g * g;
        m++;
        const j = (y * width + x) * 4;
        cr += rgba[j]!;
        cg += rgba[j + 1]!;
        cb += rgba[j + 2]!;
      }
    }
    if (m === 0) continue;
    const texture = Math.sqrt(Math.max(0, ss / m - (s / m) ** 2));
    if (peak < SPECK_OVER_TEXTURE * texture) continue;
    const sBg = spread([cr / m, cg / m, cb / m]);
    if (sBg >= COLOURFUL) {
      for (const i of members) {
        const x = i % width;
        const y = (i - x) / width;
        if (spread(pixel(x, y)) > KEEPS_COLOUR * sBg) colourful++;
      }
      if (colourful > members.length / 2) continue;
    }
    for (const i of members) found[i] = 1;
    specks++;
  }

  // 5. The mask: what was found, and its anti-aliased edge.
  const faint = Math.max(5, 2 * noiseSigma);
  const grown = dilateMask({ width, height, data: found }, 1.5);
  const mask = emptyMask(width, height);
  const polarity = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    if (found[i]) {
      mask.data[i] = 1;
      polarity[i] = sign[i]!;
    } else if (grown.data[i] && contrast[i]! >= faint) {
      mask.data[i] = 1;
      polarity[i] = nearestSign(found, sign, width, height, i);
    }
  }
  return { mask, across, polarity, scratches, specks, noiseSigma, threshold };
}
