import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../e2e/support/images.ts';
import { looksLikeArt } from './art.ts';

const fixture = (name: string) =>
  decodePng(
    new Uint8Array(readFileSync(new URL(`../../../e2e/fixtures/${name}`, import.meta.url))),
  );

/** A manga-like panel: white paper, black ink outlines, a flat screen-tone grey and one colour. */
function manga(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2, y - height / 2);
      let v = [255, 255, 255];
      if (d < width / 4) v = [230, 120, 140];
      if (Math.abs(d - width / 4) < 1.5 || x % 40 < 2) v = [20, 20, 20];
      if (y > height * 0.8) v = [170, 170, 170];
      data.set([...v, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

describe('looksLikeArt', () => {
  it('sees flat colour and ink lines as drawn art', () => {
    expect(looksLikeArt(manga(200, 160))).toBe(true);
    expect(looksLikeArt(manga(1200, 900))).toBe(true);
  });

  it('sees photos as photos', () => {
    for (const name of [
      'photo-original-128.png',
      'photo-wide-300x200.png',
      'portrait-astronaut-192.png',
    ])
      expect(looksLikeArt(fixture(name)), name).toBe(false);
  });

  it('does not call a plain photo with a noisy sky art, nor a tiny picture anything', () => {
    const noisy = manga(200, 160);
    for (let i = 0; i < noisy.data.length; i += 4)
      for (let c = 0; c < 3; c++)
        noisy.data[i + c] = Math.max(0, noisy.data[i + c]! - ((i * 7919 + c * 104729) % 23));
    expect(looksLikeArt(noisy)).toBe(false);
    expect(looksLikeArt(manga(6, 6))).toBe(false);
  });
});
