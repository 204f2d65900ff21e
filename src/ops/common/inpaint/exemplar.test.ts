import { describe, expect, it } from 'vitest';
import { type FloatImage, exemplarFill, onionPeelFill } from './exemplar.ts';
import { emptyMask } from './mask.ts';

/** Diagonal stripes (period 8) in two colours with a little fixed noise: a texture. */
function stripes(w: number, h: number): FloatImage {
  const data = new Float32Array(w * h * 3);
  let seed = 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const noise = ((seed >> 8) % 9) - 4;
      const on = (x + y) % 8 < 4;
      const i = (y * w + x) * 3;
      data[i] = (on ? 200 : 60) + noise;
      data[i + 1] = (on ? 120 : 90) + noise;
      data[i + 2] = (on ? 40 : 160) + noise;
    }
  }
  return { width: w, height: h, channels: 3, data };
}

function squareHole(w: number, h: number, x0: number, y0: number, size: number) {
  const m = emptyMask(w, h);
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) m.data[y * w + x] = 1;
  return m;
}

function holeError(a: FloatImage, b: FloatImage, hole: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < hole.length; i++) {
    if (!hole[i]) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i * 3 + c]! - b.data[i * 3 + c]!);
    n += 3;
  }
  return sum / n;
}

describe('exemplarFill', () => {
  it('continues a texture into a large hole, far better than diffusion, leaving the rest alone', async () => {
    const truth = stripes(96, 96);
    const hole = squareHole(96, 96, 34, 30, 28);
    const damaged = { ...truth, data: truth.data.slice() };
    for (let i = 0; i < hole.data.length; i++) {
      if (hole.data[i]) damaged.data.fill(0, i * 3, i * 3 + 3);
    }
    const filled = { ...damaged, data: damaged.data.slice() };
    const started = performance.now();
    const report = await exemplarFill(filled, hole);
    const ms = performance.now() - started;
    const smooth = { ...damaged, data: damaged.data.slice() };
    onionPeelFill(smooth, hole.data);
    const exemplarError = holeError(filled, truth, hole.data);
    const diffusionError = holeError(smooth, truth, hole.data);
    console.log(
      `stripes 96², 28² hole: exemplar mean |error| ${exemplarError.toFixed(1)}, diffusion ${diffusionError.toFixed(1)}, ${report.levels} levels, ${ms.toFixed(0)} ms`,
    );
    expect(report.fellBack).toBe(false);
    expect(exemplarError).toBeLessThan(diffusionError / 2);
    for (let i = 0; i < hole.data.length; i++) {
      if (hole.data[i]) continue;
      for (let c = 0; c < 3; c++) expect(filled.data[i * 3 + c]).toBe(truth.data[i * 3 + c]);
    }
  });

  it('is deterministic for a seed', async () => {
    const a = stripes(48, 48);
    const b = stripes(48, 48);
    const hole = squareHole(48, 48, 16, 16, 12);
    await exemplarFill(a, hole, { seed: 5 });
    await exemplarFill(b, hole, { seed: 5 });
    expect(a.data).toEqual(b.data);
  });

  it('falls back to diffusion when no patch lies outside the hole', async () => {
    const img = stripes(8, 8);
    const hole = squareHole(8, 8, 1, 1, 6);
    const report = await exemplarFill(img, hole);
    expect(report.fellBack).toBe(true);
    expect([...img.data].every(Number.isFinite)).toBe(true);
  });
});

describe('onionPeelFill', () => {
  it('fills a hole in a flat picture with the flat colour', () => {
    const img: FloatImage = {
      width: 10,
      height: 10,
      channels: 1,
      data: new Float32Array(100).fill(42),
    };
    const hole = squareHole(10, 10, 2, 2, 5);
    for (let i = 0; i < 100; i++) if (hole.data[i]) img.data[i] = 0;
    onionPeelFill(img, hole.data);
    expect([...img.data].every((v) => Math.abs(v - 42) < 1e-4)).toBe(true);
  });
});
