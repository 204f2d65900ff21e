import { describe, expect, it } from 'vitest';
import { applyOrientation } from './orientation.ts';

/**
 * Where the stored pixel (sx, sy) of a w×h image must appear once upright, written from the EXIF
 * definition of each orientation: which side of the upright picture the stored row 0 and column
 * 0 lie on (e.g. 6: row 0 is the right side, column 0 the top).
 */
const uprightOf: Record<
  number,
  (sx: number, sy: number, w: number, h: number) => [number, number]
> = {
  1: (sx, sy) => [sx, sy], // row 0 top, column 0 left
  2: (sx, sy, w) => [w - 1 - sx, sy], // row 0 top, column 0 right
  3: (sx, sy, w, h) => [w - 1 - sx, h - 1 - sy], // row 0 bottom, column 0 right
  4: (sx, sy, _w, h) => [sx, h - 1 - sy], // row 0 bottom, column 0 left
  5: (sx, sy) => [sy, sx], // row 0 left, column 0 top
  6: (sx, sy, _w, h) => [h - 1 - sy, sx], // row 0 right, column 0 top
  7: (sx, sy, w, h) => [h - 1 - sy, w - 1 - sx], // row 0 right, column 0 bottom
  8: (sx, sy, w) => [sy, w - 1 - sx], // row 0 left, column 0 bottom
};

describe('applyOrientation', () => {
  const w = 3;
  const h = 2;
  // Each stored pixel is unique: (index, index, index, 255 - index).
  const stored = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) stored.set([i * 10, i * 10 + 1, i * 10 + 2, 255 - i], i * 4);

  for (let o = 1; o <= 8; o++)
    it(`puts every pixel where orientation ${o} says`, () => {
      const out = applyOrientation({ data: stored, width: w, height: h }, o);
      expect([out.width, out.height]).toEqual(o >= 5 ? [h, w] : [w, h]);
      for (let sy = 0; sy < h; sy++)
        for (let sx = 0; sx < w; sx++) {
          const [x, y] = uprightOf[o]!(sx, sy, w, h);
          const at = (y * out.width + x) * 4;
          expect(Array.from(out.data.subarray(at, at + 4))).toEqual(
            Array.from(stored.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4)),
          );
        }
    });

  it('leaves out-of-range orientations as stored', () => {
    const image = { data: stored, width: w, height: h };
    expect(applyOrientation(image, 0)).toBe(image);
    expect(applyOrientation(image, 9)).toBe(image);
  });
});
