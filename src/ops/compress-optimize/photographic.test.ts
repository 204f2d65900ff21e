import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '@/media/image.ts';
import { distinctColours, isPhotographic } from './photographic.ts';

function image(width: number, height: number, colour: (x: number, y: number) => number[]) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...colour(x, y), 255], (y * width + x) * 4);
  }
  return { data, width, height } satisfies RgbaImage;
}

describe('isPhotographic', () => {
  it('counts distinct colours, stopping at the limit', () => {
    const bands = image(64, 64, (x) => [x * 4, 0, 0]);
    expect(distinctColours(bands)).toBe(64);
    expect(distinctColours(bands, 10)).toBe(10);
  });

  it('tells a noisy gradient (a photo) from flat shapes and text (a graphic)', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 9) - 4;
    const photo = image(128, 128, (x, y) => [x * 2 + noise(), y * 2 + noise(), 128 + noise()]);
    const graphic = image(128, 128, (x, y) =>
      x > 40 && x < 90 && y > 30 && y < 60
        ? [20, 40, 200]
        : (x + y) % 17
          ? [255, 255, 255]
          : [0, 0, 0],
    );
    expect(isPhotographic(photo)).toBe(true);
    expect(isPhotographic(graphic)).toBe(false);
  });
});
