import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '@/media/image.ts';
import { runClassicalTiled } from '../common/classical-tiles.ts';
import { bm3d, bm3dContext, bm3dProfile } from './bm3d.ts';

/** mulberry32 Gaussian noise, so every run sees the same noise. */
function gaussianSource(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * A photo-like test card, RGB interleaved: a lit gradient, a disc with a hard edge, diagonal
 * stripes (repeated texture, what block matching is for) and a coloured ring.
 */
function scene(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - width * 0.3, y - height * 0.4);
      const disc = r < width * 0.18 ? 70 : 0;
      const stripes = x > width / 2 && ((x + y) >> 2) % 2 === 0 ? 50 : 0;
      const ring = Math.abs(r - width * 0.28) < 3 ? 1 : 0;
      const base = 60 + (100 * y) / height;
      const i = (y * width + x) * 3;
      out[i] = base + disc + stripes + 60 * ring;
      out[i + 1] = base + 0.5 * disc + stripes - 30 * ring;
      out[i + 2] = base + 20 - 0.3 * disc + stripes;
    }
  }
  return out;
}

function addNoise(clean: Float32Array, sigma: number, seed: number): Float32Array {
  const gaussian = gaussianSource(seed);
  return clean.map((v) => v + sigma * gaussian());
}

function psnr(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.min(255, Math.max(0, a[i]!)) - b[i]!;
    sum += e * e;
  }
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}

describe('colour BM3D', () => {
  it('removes most of the white noise on a textured picture, at weak and strong noise', () => {
    const width = 64;
    const height = 64;
    const clean = scene(width, height);
    // CBM3D gains 11.0 and 13.0 dB here; the previous engine (non-local means, now
    // bench/denoise-nlm.ts) 9.2 and 8.8 dB.
    for (const [sigma, gain] of [
      [25, 10],
      [50, 11.5],
    ] as const) {
      const noisy = addNoise(clean, sigma, 3);
      const before = psnr(noisy, clean);
      expect(before).toBeCloseTo(20 * Math.log10(255 / sigma), 0);
      expect(psnr(bm3d(noisy, width, height, sigma), clean)).toBeGreaterThan(before + gain);
    }
  });

  it('works with the paper’s other block sizes too (12 × 12 and 11 × 11, DCT)', () => {
    const clean = scene(48, 48);
    const noisy = addNoise(clean, 30, 5);
    const paper = bm3dProfile(50);
    const profile = {
      ...paper,
      hard: { ...paper.hard, block: 12, step: 4 },
      hardTransform: 'dct' as const,
      wiener: { ...paper.wiener, block: 11, step: 6 },
    };
    const out = bm3d(noisy, 48, 48, 30, { profile });
    expect(psnr(out, clean)).toBeGreaterThan(psnr(noisy, clean) + 8);
  });

  it('keeps a flat image flat, whatever σ it is told', () => {
    const flat = new Float32Array(40 * 40 * 3);
    for (let i = 0; i < flat.length; i += 3) flat.set([30, 200, 120], i);
    for (const sigma of [5, 25, 60]) {
      const out = bm3d(flat, 40, 40, sigma);
      for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - flat[i]!)).toBeLessThan(0.05);
    }
  });

  it('leaves a clean picture nearly as it was at a tiny σ, and exactly at σ 0', () => {
    const clean = scene(48, 40);
    expect(bm3d(clean, 48, 40, 0)).toEqual(clean);
    expect(psnr(bm3d(clean, 48, 40, 0.5), clean)).toBeGreaterThan(50);
  });

  it('returns pictures smaller than a block unchanged', () => {
    const tiny = scene(6, 5);
    expect(bm3d(tiny, 6, 5, 25)).toEqual(tiny);
  });

  it('is deterministic', () => {
    const noisy = addNoise(scene(40, 32), 15, 8);
    expect(bm3d(noisy, 40, 32, 15)).toEqual(bm3d(noisy, 40, 32, 15));
  });

  it('switches to the strong-noise parameters above σ 40', () => {
    expect(bm3dProfile(25).hard.maxDistance).toBe(3000);
    expect(bm3dProfile(50).hard.maxDistance).toBe(5000);
    expect(bm3dProfile(50).lambda).toBe(2.8);
    expect(bm3dContext(bm3dProfile(25))).toBe(27);
  });

  it('shows no seams when run in tiles with its context', async () => {
    const width = 88;
    const height = 56;
    const sigma = 20;
    const noisy = addNoise(scene(width, height), sigma, 11);
    const image: RgbaImage = { width, height, data: new Uint8Array(width * height * 4) };
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) {
        image.data[i * 4 + c] = Math.round(Math.min(255, Math.max(0, noisy[i * 3 + c]!)));
      }
      image.data[i * 4 + 3] = 255;
    }
    const context = bm3dContext(bm3dProfile(sigma));
    const run = async (tileSize: number) => {
      const out = new Uint8Array(width * height * 4);
      let row = 0;
      const { tiles } = await runClassicalTiled({
        image,
        tileSize,
        context,
        square: false,
        filter: (tile, w, h, left, top) => bm3d(tile, w, h, sigma, { left, top }),
        sink: (band, rows) => {
          out.set(band.subarray(0, rows * width * 4), row * width * 4);
          row += rows;
        },
        onProgress: () => {},
        throwIfCanceled: () => {},
      });
      return { out, tiles };
    };
    const whole = await run(width + 2 * context);
    const tiled = await run(2 * context + 44);
    expect(whole.tiles).toBe(1);
    expect(tiled.tiles).toBe(2 * 2);
    let worst = 0;
    let total = 0;
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) {
        const diff = Math.abs(tiled.out[i * 4 + c]! - whole.out[i * 4 + c]!);
        worst = Math.max(worst, diff);
        total += diff;
      }
    }
    // A group near a seam may pick other blocks than on the whole image (the search reaches
    // past the context), so a few pixels differ by a level or two; most do not differ at all.
    expect(total / (width * height * 3)).toBeLessThan(0.1);
    expect(worst).toBeLessThanOrEqual(3);
  });
});
