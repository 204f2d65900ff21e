import { describe, expect, it } from 'vitest';
import { nlmParameters, nonLocalMeans } from './non-local-means.ts';

/** mulberry32 Gaussian noise, so the test is the same on every run. */
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

/** A smooth ramp with a hard vertical edge and stripes, 3 channels interleaved. */
function scene(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = x < width / 2 ? 60 + y : 180 - y / 2;
      const stripe = y > height / 2 && (x >> 2) % 2 === 0 ? 40 : 0;
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = base + stripe + 10 * c;
    }
  }
  return out;
}

function rmse(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / a.length);
}

describe('non-local means', () => {
  it('follows the IPOL parameter table', () => {
    expect(nlmParameters(15)).toEqual({
      sigma: 15,
      h: 0.55 * 15,
      patchRadius: 1,
      searchRadius: 10,
    });
    expect(nlmParameters(30)).toMatchObject({ patchRadius: 2, searchRadius: 17 });
    expect(nlmParameters(80)).toMatchObject({ patchRadius: 3, searchRadius: 17 });
  });

  it('leaves a flat image flat and h = 0 is the identity', () => {
    const flat = new Float32Array(20 * 20 * 3).fill(100);
    const out = nonLocalMeans(flat, 20, 20, 3, nlmParameters(10));
    for (const v of out) expect(v).toBeCloseTo(100, 2); // float32 sums
    const clean = scene(20, 20);
    expect(nonLocalMeans(clean, 20, 20, 3, { ...nlmParameters(10), h: 0 })).toEqual(clean);
  });

  it('removes most of the noise and keeps the edge', () => {
    const width = 48;
    const height = 48;
    const clean = scene(width, height);
    const gaussian = gaussianSource(5);
    const noisy = clean.map((v) => v + 15 * gaussian());
    const out = nonLocalMeans(noisy, width, height, 3, nlmParameters(15));
    const before = rmse(noisy, clean);
    const after = rmse(out, clean);
    expect(before).toBeCloseTo(15, 0);
    expect(after).toBeLessThan(before / 2);
    // The edge between columns 23 and 24 stays a step (the ramp sides differ by ~70 there).
    const row = 10;
    const left = out[(row * width + 21) * 3]!;
    const right = out[(row * width + 26) * 3]!;
    expect(Math.abs(right - left)).toBeGreaterThan(50);
  });

  it('gives the same core on a tile with enough context as on the whole image', () => {
    const width = 40;
    const height = 36;
    const gaussian = gaussianSource(9);
    const noisy = scene(width, height).map((v) => v + 12 * gaussian());
    const options = nlmParameters(12);
    const whole = nonLocalMeans(noisy, width, height, 3, options);
    const reach = options.patchRadius + options.searchRadius;
    // The tile: columns 0..29 of the image (core 0..18 plus 11 of context on its right).
    const tileWidth = 19 + reach;
    const tile = new Float32Array(tileWidth * height * 3);
    for (let y = 0; y < height; y++) {
      tile.set(noisy.subarray(y * width * 3, (y * width + tileWidth) * 3), y * tileWidth * 3);
    }
    const part = nonLocalMeans(tile, tileWidth, height, 3, options);
    let worst = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < 19; x++) {
        for (let c = 0; c < 3; c++) {
          const a = part[(y * tileWidth + x) * 3 + c]!;
          const b = whole[(y * width + x) * 3 + c]!;
          worst = Math.max(worst, Math.abs(a - b));
        }
      }
    }
    expect(worst).toBeLessThan(1e-3);
  });
});
