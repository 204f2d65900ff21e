import { describe, expect, it } from 'vitest';
import { resampleFloat, resampleWeights, resizePlane } from './resample.ts';

describe('separable resampling', () => {
  it('weights sum to one and stay inside the source', () => {
    for (const [from, to] of [
      [1024, 256],
      [100, 333],
      [7, 3],
      [1, 9],
    ] as const) {
      for (const kernel of ['bilinear', 'bicubic'] as const) {
        const w = resampleWeights(from, to, kernel);
        for (let o = 0; o < to; o++) {
          let sum = 0;
          for (let k = 0; k < w.taps; k++) {
            const v = w.weights[o * w.taps + k]!;
            if (v !== 0) expect(w.start[o]! + k).toBeLessThan(from);
            sum += v;
          }
          expect(sum).toBeCloseTo(1, 5);
        }
      }
    }
  });

  it('keeps constants, reproduces a linear ramp when enlarging, averages when shrinking', () => {
    const flat = resampleFloat(new Float32Array(10 * 10).fill(0.25), 10, 10, 1, 37, 23, 'bicubic');
    for (const v of flat) expect(v).toBeCloseTo(0.25, 5);
    const ramp = Float32Array.from({ length: 16 }, (_, i) => i);
    const up = resampleFloat(ramp, 16, 1, 1, 64, 1, 'bicubic');
    // Away from the clamped edges, a cubic reproduces a line: sample o sits at (o + 0.5)/4 − 0.5.
    for (let o = 12; o < 52; o++) expect(up[o]).toBeCloseTo((o + 0.5) / 4 - 0.5, 4);
    const stripes = Float32Array.from({ length: 64 }, (_, i) => i % 2);
    const down = resampleFloat(stripes, 64, 1, 1, 8, 1, 'bilinear');
    // Each output averages 8 stripes' worth under a tent: 0.5 up to the tent's edge rounding.
    for (const v of down) expect(Math.abs(v - 0.5)).toBeLessThan(0.03);
  });

  it('resizes a matte within 0..1 and keeps soft values soft', () => {
    const step = Float32Array.from({ length: 8 * 8 }, (_, i) => (i % 8 < 4 ? 0 : 1));
    const big = resizePlane(step, 8, 8, 64, 64);
    let soft = 0;
    for (const v of big) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      if (v > 0.05 && v < 0.95) soft++;
    }
    expect(soft).toBeGreaterThan(0);
  });
});
