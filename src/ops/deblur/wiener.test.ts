import { describe, expect, it } from 'vitest';
import { Fft2d } from './fft2d.ts';
import { gaussianBlurPlane } from './gaussian.ts';
import { LAMBDA_FLOOR, applyFilter, wienerFilter, wienerLambda } from './wiener.ts';

const n = 64;

/** Rectangles of different brightness: sharp steps in both directions. */
function blocks(): Float32Array {
  const plane = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      plane[y * n + x] =
        60 + (x > 20 && x < 44 && y > 12 && y < 50 ? 120 : 0) + (y > 40 && x < 30 ? 50 : 0);
    }
  }
  return plane;
}

function rmse(a: Float32Array, b: Float32Array, margin = 0): number {
  let sum = 0;
  let count = 0;
  for (let y = margin; y < n - margin; y++) {
    for (let x = margin; x < n - margin; x++) {
      sum += (a[y * n + x]! - b[y * n + x]!) ** 2;
      count++;
    }
  }
  return Math.sqrt(sum / count);
}

describe('Wiener deconvolution', () => {
  it('keeps the mean exactly (the filter is 1 at DC)', () => {
    expect(wienerFilter(n, 2, 0.01)[0]).toBeCloseTo(1, 7); // float32 kernel
  });

  it('is near the identity on an unblurred image when the PSF is a point', () => {
    const sharp = blocks();
    const out = Float32Array.from(sharp);
    applyFilter(new Fft2d(n), out, wienerFilter(n, 0, LAMBDA_FLOOR));
    // Only the regulariser acts: a little smoothing at the steps, nothing else.
    expect(rmse(out, sharp)).toBeLessThan(1.5);
    const flat = new Float32Array(n * n).fill(77);
    applyFilter(new Fft2d(n), flat, wienerFilter(n, 1.5, LAMBDA_FLOOR));
    for (const v of flat) expect(v).toBeCloseTo(77, 3);
  });

  it('undoes much of a known Gaussian blur', () => {
    const sharp = blocks();
    const blurred = gaussianBlurPlane(sharp, n, n, 1.5);
    // Periodic, as the FFT sees it, is not what gaussianBlurPlane did at the borders: judge the
    // inside, which is what tiling with context keeps.
    const restored = Float32Array.from(blurred);
    applyFilter(new Fft2d(n), restored, wienerFilter(n, 1.5, 1e-4));
    // Ideal steps keep some Gibbs ripple, so not all of it.
    expect(rmse(restored, sharp, 8)).toBeLessThan(0.7 * rmse(blurred, sharp, 8));
  });

  it('gathers a blurred impulse back into a peak', () => {
    const impulse = new Float32Array(n * n);
    impulse[32 * n + 32] = 1000;
    const blurred = gaussianBlurPlane(impulse, n, n, 1.5);
    const restored = Float32Array.from(blurred);
    applyFilter(new Fft2d(n), restored, wienerFilter(n, 1.5, 1e-4));
    expect(blurred[32 * n + 32]).toBeLessThan(80);
    expect(restored[32 * n + 32]).toBeGreaterThan(3 * blurred[32 * n + 32]!);
  });

  it('regularises more for more noise, never less than the floor', () => {
    expect(wienerLambda(0)).toBe(LAMBDA_FLOOR);
    expect(wienerLambda(5)).toBeGreaterThan(wienerLambda(2));
  });
});
