import { describe, expect, it } from 'vitest';
import { Fft2d } from './fft2d.ts';

/** The DFT by its definition, for checking: X(u,v) = Σ x(m,n)·e^{-2πi(um + vn)/N}. */
function naiveDft(plane: Float32Array, n: number): Float64Array {
  const out = new Float64Array(2 * n * n);
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) {
      let re = 0;
      let im = 0;
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const angle = (-2 * Math.PI * (u * x + v * y)) / n;
          re += plane[y * n + x]! * Math.cos(angle);
          im += plane[y * n + x]! * Math.sin(angle);
        }
      }
      out[2 * (v * n + u)] = re;
      out[2 * (v * n + u) + 1] = im;
    }
  }
  return out;
}

function pattern(n: number): Float32Array {
  const plane = new Float32Array(n * n);
  for (let i = 0; i < plane.length; i++) plane[i] = Math.sin(i * 0.7) * 50 + (i % 5) * 3;
  return plane;
}

describe('Fft2d', () => {
  it('matches the DFT definition', () => {
    const n = 8;
    const plane = pattern(n);
    const fft = new Fft2d(n);
    const spectrum = fft.createSpectrum();
    fft.forward(plane, spectrum);
    const expected = naiveDft(plane, n);
    for (let i = 0; i < spectrum.length; i++) expect(spectrum[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('inverts its own transform', () => {
    const n = 32;
    const plane = pattern(n);
    const fft = new Fft2d(n);
    const spectrum = fft.createSpectrum();
    fft.forward(plane, spectrum);
    const back = new Float32Array(n * n);
    fft.inverse(spectrum, back);
    for (let i = 0; i < plane.length; i++) expect(back[i]).toBeCloseTo(plane[i]!, 3);
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => new Fft2d(12)).toThrow(/power of two/);
  });
});
