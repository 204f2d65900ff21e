import { describe, expect, it } from 'vitest';
import { SHARP_SIGMA, estimateBlur } from './blur-estimate.ts';
import { MIN_PSF_SIGMA } from './plan.ts';
import { gaussianBlurPlane } from './gaussian.ts';

/** Anti-aliased discs and boxes of varied contrast on a ground: lone step edges. */
function shapes(size: number): Float32Array {
  const plane = new Float32Array(size * size);
  const sub = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const px = x + (sx + 0.5) / sub;
          const py = y + (sy + 0.5) / sub;
          let v = 70;
          if (Math.hypot(px - 40, py - 40) < 22) v = 200;
          if (px > 80 && px < 120 && py > 20 && py < 70) v = 140;
          if (Math.hypot(px - 90, py - 100) < 18) v = 20;
          if (px > 15 && px < 55 && py > 85 && py < 115) v = 230;
          sum += v;
        }
      }
      plane[y * size + x] = sum / (sub * sub);
    }
  }
  return plane;
}

describe('estimateBlur', () => {
  const size = 128;
  const sharp = shapes(size);

  it('reads a sharp picture as sharp', () => {
    const estimate = estimateBlur(sharp, size, size);
    expect(estimate.edges).toBeGreaterThanOrEqual(50);
    expect(estimate.sigma).toBeLessThan(SHARP_SIGMA + 0.05);
    expect(estimate.excess).toBeLessThan(MIN_PSF_SIGMA);
  });

  it('reads a known Gaussian blur within a quarter pixel, never over it by more', () => {
    for (const sigma of [1, 1.5, 2.5]) {
      const blurred = gaussianBlurPlane(sharp, size, size, sigma);
      const estimate = estimateBlur(blurred, size, size);
      // The read blur includes sampling's; the excess leans low (SHARP_SIGMA is the top of
      // what sharp edges read), which is the safe side for deconvolution.
      expect(Math.abs(estimate.sigma - Math.hypot(sigma, 0.6))).toBeLessThan(0.25);
      expect(estimate.excess).toBeLessThan(sigma + 0.1);
      expect(estimate.excess).toBeGreaterThan(sigma - 0.5);
    }
  });

  it('does not trust a picture without edges', () => {
    const flat = new Float32Array(64 * 64).fill(128);
    expect(estimateBlur(flat, 64, 64)).toEqual({ sigma: 0, excess: 0, edges: 0 });
  });
});
