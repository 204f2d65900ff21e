import { describe, expect, it } from 'vitest';
import { boxMean, gaussianBlur, gaussianBoxWidths } from './blur.ts';

describe('box means and the three-box Gaussian', () => {
  it('a box mean matches a direct window average, edges over in-image samples', () => {
    const w = 9;
    const h = 7;
    const src = Float32Array.from({ length: w * h }, (_, i) => (i * 7919) % 13);
    const r = 2;
    const out = boxMean(src, w, h, r);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        let n = 0;
        for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) {
          for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) {
            sum += src[v * w + u]!;
            n++;
          }
        }
        expect(out[y * w + x]).toBeCloseTo(sum / n, 4);
      }
    }
  });

  it('handles interleaved channels and windows wider than the image', () => {
    const src = Float32Array.from([1, 10, 2, 20, 3, 30]); // 3 × 1, two channels
    expect(Array.from(boxMean(src, 3, 1, 5, 2))).toEqual([2, 20, 2, 20, 2, 20]);
  });

  it('three boxes have the variance of the asked Gaussian', () => {
    // Whole odd widths cannot hit a small sigma exactly (sigma 1 gives 0.82); from 2 on they do.
    for (const sigma of [2.5, 7, 30, 100]) {
      const widths = gaussianBoxWidths(sigma);
      expect(widths).toHaveLength(3);
      for (const wd of widths) expect(wd % 2).toBe(1);
      // A box of width w has variance (w² − 1) / 12; variances add under convolution.
      const variance = widths.reduce((s, wd) => s + (wd * wd - 1) / 12, 0);
      expect(Math.sqrt(variance)).toBeCloseTo(sigma, 0);
      expect(Math.abs(Math.sqrt(variance) - sigma) / sigma).toBeLessThan(0.1);
    }
  });

  it('blurs an impulse into a bell of the right width and keeps a constant constant', () => {
    const size = 101;
    const impulse = new Float32Array(size * size);
    impulse[50 * size + 50] = 1;
    const out = gaussianBlur(impulse, size, size, 6);
    let total = 0;
    let m2 = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = out[y * size + x]!;
        total += v;
        m2 += v * (x - 50) ** 2;
      }
    }
    expect(total).toBeCloseTo(1, 4);
    expect(Math.sqrt(m2 / total)).toBeCloseTo(6, 0);
    const flat = gaussianBlur(new Float32Array(40 * 30).fill(0.7), 40, 30, 12);
    for (const v of flat) expect(v).toBeCloseTo(0.7, 5);
  });
});
