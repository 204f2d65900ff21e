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
