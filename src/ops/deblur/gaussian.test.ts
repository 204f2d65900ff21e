import { describe, expect, it } from 'vitest';
import { Fft2d } from './fft2d.ts';
import { gaussianBlurPlane, gaussianKernel, gaussianOtf } from './gaussian.ts';

describe('the Gaussian PSF', () => {
  it('has a normalised kernel cut at 4σ', () => {
    const kernel = gaussianKernel(1.5);
    expect(kernel.length).toBe(2 * 6 + 1);
    expect(kernel.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(gaussianKernel(0)).toEqual(Float32Array.of(1));
  });

  it('blurs a plane without moving its mean', () => {
    const width = 30;
    const height = 20;
    const plane = new Float32Array(width * height).map((_, i) => (i % 7) * 10 + (i % 3));
    const blurred = gaussianBlurPlane(plane, width, height, 2);
    const mean = (p: Float32Array) => p.reduce((s, v) => s + v, 0) / p.length;
    expect(mean(blurred)).toBeCloseTo(mean(plane), 0);
  });

  it('has as transfer function the DFT of its kernel wrapped around the grid', () => {
    const n = 32;
    const sigma = 1.5;
    const kernel = gaussianKernel(sigma);
    const radius = (kernel.length - 1) >> 1;
    const impulse = new Float32Array(n * n);
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const y = (dy + n) % n;
        const x = (dx + n) % n;
        impulse[y * n + x] = kernel[dy + radius]! * kernel[dx + radius]!;
      }
    }
    const fft = new Fft2d(n);
    const spectrum = fft.createSpectrum();
    fft.forward(impulse, spectrum);
    const otf = gaussianOtf(n, sigma);
    expect(otf[0]).toBeCloseTo(1, 6);
    for (let i = 0; i < n * n; i++) {
      expect(spectrum[2 * i]).toBeCloseTo(otf[i]!, 5);
      expect(Math.abs(spectrum[2 * i + 1]!)).toBeLessThan(1e-5);
    }
  });
});
