import { describe, expect, it } from 'vitest';
import { createImage, type RgbaImage, ssim } from './images.ts';

function grey(width: number, height: number, value: (x: number, y: number) => number): RgbaImage {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.min(255, Math.max(0, Math.round(value(x, y))));
      img.data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return img;
}

let seed = 99;
function noise(amplitude: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return ((seed % 2001) / 1000 - 1) * amplitude;
}

const texture = (x: number, y: number) =>
  128 + 60 * Math.sin(x / 3) * Math.cos(y / 5) + (x % 7) * 4;

describe('ssim', () => {
  it('is 1 for identical images and symmetric otherwise', () => {
    const a = grey(40, 30, texture);
    const b = grey(40, 30, (x, y) => texture(x, y) + noise(20));
    expect(ssim(a, a)).toBeCloseTo(1, 12);
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
    expect(ssim(a, b)).toBeLessThan(1);
  });

  it('matches the closed form on flat images: (2ab + C1) / (a² + b² + C1)', () => {
    const c1 = (0.01 * 255) ** 2;
    for (const [p, q] of [
      [100, 120],
      [0, 255],
      [200, 190],
    ] as const) {
      const expected = (2 * p * q + c1) / (p * p + q * q + c1);
      expect(
        ssim(
          grey(16, 16, () => p),
          grey(16, 16, () => q),
        ),
      ).toBeCloseTo(expected, 10);
    }
  });

  it('falls as noise grows, and a contrast flip scores below zero', () => {
    const a = grey(48, 48, texture);
    const scores = [4, 16, 48].map((amp) =>
      ssim(
        a,
        grey(48, 48, (x, y) => texture(x, y) + noise(amp)),
      ),
    );
    expect(scores[0]!).toBeGreaterThan(scores[1]!);
    expect(scores[1]!).toBeGreaterThan(scores[2]!);
    expect(
      ssim(
        a,
        grey(48, 48, (x, y) => 256 - texture(x, y)),
      ),
    ).toBeLessThan(0);
  });

  it('leaves out a border, and refuses mismatched or too small images', () => {
    const a = grey(30, 30, texture);
    const b = grey(30, 30, (x, y) => (x < 3 ? 0 : texture(x, y)));
    expect(ssim(a, b, { border: 3 })).toBeCloseTo(1, 12);
    expect(ssim(a, b)).toBeLessThan(1);
    expect(() => ssim(a, grey(30, 31, texture))).toThrow(/size mismatch/);
    expect(() => ssim(grey(10, 10, texture), grey(10, 10, texture))).toThrow(/11x11/);
  });
});
