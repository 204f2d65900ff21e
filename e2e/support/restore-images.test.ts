import { describe, expect, it } from 'vitest';
import { createImage } from './images.ts';
import { addGaussianNoise, drawCartoon, drawPhotoLike, gaussianBlur } from './restore-images.ts';

function mean(data: Uint8Array, channel: number): number {
  let sum = 0;
  for (let i = channel; i < data.length; i += 4) sum += data[i]!;
  return sum / (data.length / 4);
}

describe('restoration test images', () => {
  it('draws the same cartoon every time: flat colours, black outlines, anti-aliased edges', () => {
    const a = drawCartoon(64);
    expect(a.data).toEqual(drawCartoon(64).data);
    const colours = new Map<number, number>();
    for (let i = 0; i < a.data.length; i += 4) {
      const key = (a.data[i]! << 16) | (a.data[i + 1]! << 8) | a.data[i + 2]!;
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
    // A handful of flat colours cover most pixels; the rest are outline and edge blends.
    const top = [...colours.values()].sort((x, y) => y - x).slice(0, 10);
    expect(top.reduce((s, n) => s + n, 0)).toBeGreaterThan(0.7 * 64 * 64);
    expect(colours.get(0)).toBeGreaterThan(100); // pure black outline pixels
    expect(colours.size).toBeGreaterThan(40); // anti-aliasing made in-between colours
  });

  it('draws a deterministic photo-like picture with detail at every scale', () => {
    const a = drawPhotoLike(64, 3);
    expect(a.data).toEqual(drawPhotoLike(64, 3).data);
    expect(a.data).not.toEqual(drawPhotoLike(64, 4).data);
    let neighbours = 0;
    for (let i = 4; i < a.data.length; i += 4) neighbours += Math.abs(a.data[i]! - a.data[i - 4]!);
    expect(neighbours / (64 * 64)).toBeGreaterThan(2);
  });

  it('adds seeded noise of the asked standard deviation', () => {
    const grey = createImage(128, 128);
    grey.data.fill(128);
    const noisy = addGaussianNoise(grey, 10, 1);
    expect(noisy.data).toEqual(addGaussianNoise(grey, 10, 1).data);
    let squares = 0;
    for (let i = 0; i < noisy.data.length; i += 4) squares += (noisy.data[i]! - 128) ** 2;
    expect(Math.sqrt(squares / (128 * 128))).toBeCloseTo(10, 0);
    expect(noisy.data[3]).toBe(128); // alpha untouched
  });

  it('blurs without moving the mean and keeps alpha', () => {
    const photo = drawPhotoLike(48);
    photo.data[3] = 77;
    const blurred = gaussianBlur(photo, 1.5);
    for (let c = 0; c < 3; c++) expect(mean(blurred.data, c)).toBeCloseTo(mean(photo.data, c), 0);
    expect(blurred.data[3]).toBe(77);
  });
});
