/**
 * A synthetic "old photo" for tests: a clean picture with drawn thin scratches (bright and
 * dark), dust specks and film-grain noise, plus the exact mask of what was drawn. Seeded, so
 * every run is the same picture. Pure: used by vitest here and mirrored in the browser test.
 */

export interface Damaged {
  rgba: Uint8Array;
  /** 1 where a scratch or a speck was drawn. */
  defects: Uint8Array;
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

/** Distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Scratches, specks and noise on a copy of `clean` (opaque RGBA). */
export function damage(
  clean: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: { noise?: number; seed?: number } = {},
): Damaged {
  const random = mulberry32(options.seed ?? 1952);
  const rgba = Uint8Array.from(clean);
  const defects = new Uint8Array(width * height);
  const s = Math.min(width, height) / 256;
  // [ax, ay, bx, by] as fractions of the size, half-width in px, grey value.
  const scratches: [number, number, number, number, number, number][] = [
    [0.1, 0.05, 0.35, 0.95, 0.8, 245],
    [0.55, 0.1, 0.9, 0.4, 0.6, 235],
    [0.05, 0.7, 0.75, 0.8, 0.7, 25],
    [0.7, 0.55, 0.62, 0.98, 0.5, 20],
  ];
  for (const [ax, ay, bx, by, half, grey] of scratches) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const d = segmentDistance(x, y, ax * width, ay * height, bx * width, by * height);
        if (d > half * s + 0.5) continue;
        const i = y * width + x;
        defects[i] = 1;
        for (let c = 0; c < 3; c++) rgba[i * 4 + c] = grey;
      }
    }
  }
  for (let n = 0; n < 24; n++) {
    const cx = random() * width;
    const cy = random() * height;
    const radius = (0.8 + random() * 1.4) * s;
    const grey = random() < 0.5 ? 240 : 15;
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        if (Math.hypot(x - cx, y - cy) > radius) continue;
        const i = y * width + x;
        defects[i] = 1;
        for (let c = 0; c < 3; c++) rgba[i * 4 + c] = grey;
      }
    }
  }
  const sigma = options.noise ?? 4;
  for (let i = 0; i < width * height; i++) {
    // Box–Muller, one luminance grain per pixel (film grain is mostly achromatic).
    const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()) * sigma;
    for (let c = 0; c < 3; c++) {
      rgba[i * 4 + c] = Math.round(Math.min(255, Math.max(0, rgba[i * 4 + c]! + g)));
    }
  }
  return { rgba, defects };
}

export interface RandomDamageOptions {
  seed?: number;
  /** How many scratches; by default one per 40 000 px, at least 3. */
  scratches?: number;
  /** How many dust specks; by default one per 6 000 px, at least 10. */
  specks?: number;
}

/** A point of a quadratic Bézier curve. */
function bezier(t: number, a: number, c: number, b: number): number {
  return (1 - t) * (1 - t) * a + 2 * (1 - t) * t * c + t * t * b;
}

/**
 * Damage as a scanned print has it, drawn at random from a seed: long scratches 1–3 px wide at
 * any angle, slightly curved, light or dark, anti-aliased and not always fully opaque, and dust
 * specks (blobs 2–6 px across, light or dark). `defects` marks the pixels the damage visibly
 * changed (by 8 levels or more in some channel): what a repair has to find.
 */
export function damageRandomly(
  clean: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: RandomDamageOptions = {},
): Damaged {
  const random = mulberry32(options.seed ?? 1952);
  const area = width * height;
  // Coverage (0..1) of the damage at each pixel, and the grey it pulls the pixel towards.
  const cover = new Float32Array(area);
  const grey = new Float32Array(area);
  const paint = (x: number, y: number, alpha: number, value: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height || alpha <= 0) return;
    const i = y * width + x;
    if (alpha > cover[i]!) {
      cover[i] = alpha;
      grey[i] = value;
    }
  };
  const short = Math.min(width, height);
  const scratchCount = options.scratches ?? Math.max(3, Math.round(area / 40_000));
  for (let s = 0; s < scratchCount; s++) {
    const length = short * (0.3 + 0.6 * random());
    const angle = random() * Math.PI;
    const cx = random() * width;
    const cy = random() * height;
    const ax = cx - (Math.cos(angle) * length) / 2;
    const ay = cy - (Math.sin(angle) * length) / 2;
    const bx = cx + (Math.cos(angle) * length) / 2;
    const by = cy + (Math.sin(angle) * length) / 2;
    // The control point off the chord by up to 8 % of the length: a slight bow.
    const bow = (random() - 0.5) * 0.16 * length;
    const kx = cx - Math.sin(angle) * bow;
    const ky = cy + Math.cos(angle) * bow;
    const half = 0.5 + random(); // 1..3 px wide
    const light = random() < 0.5;
    const value = light ? 215 + 40 * random() : 10 + 40 * random();
    const opacity = 0.75 + 0.25 * random();
    const steps = Math.ceil(length * 3);
    for (let k = 0; k <= steps; k++) {
      const t = k / steps;
      const px = bezier(t, ax, kx, bx);
      const py = bezier(t, ay, ky, by);
      for (let y = Math.floor(py - half - 1); y <= Math.ceil(py + half + 1); y++) {
        for (let x = Math.floor(px - half - 1); x <= Math.ceil(px + half + 1); x++) {
          const d = Math.hypot(x - px, y - py);
          paint(x, y, opacity * Math.min(1, Math.max(0, half + 0.5 - d)), value);
        }
      }
    }
  }
  const speckCount = options.specks ?? Math.max(10, Math.round(area / 6_000));
  for (let n = 0; n < speckCount; n++) {
    const cx = random() * width;
    const cy = random() * height;
    const rx = 1 + 2 * random(); // 2..6 px across
    const ry = rx * (0.6 + 0.4 * random());
    const value = random() < 0.5 ? 220 + 35 * random() : 5 + 40 * random();
    for (let y = Math.floor(cy - ry - 1); y <= Math.ceil(cy + ry + 1); y++) {
      for (let x = Math.floor(cx - rx - 1); x <= Math.ceil(cx + rx + 1); x++) {
        const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
        paint(x, y, Math.min(1, Math.max(0, (1 - d) * Math.min(rx, ry) + 0.5)), value);
      }
    }
  }
  const rgba = Uint8Array.from(clean);
  const defects = new Uint8Array(area);
  for (let i = 0; i < area; i++) {
    const a = cover[i]!;
    if (a <= 0) continue;
    let change = 0;
    for (let c = 0; c < 3; c++) {
      const before = rgba[i * 4 + c]!;
      const after = Math.round(before + (grey[i]! - before) * a);
      change = Math.max(change, Math.abs(after - before));
      rgba[i * 4 + c] = after;
    }
    if (change >= 8) defects[i] = 1;
  }
  return { rgba, defects };
}
