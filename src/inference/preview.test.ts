import { describe, expect, it } from 'vitest';
import { shrinkBand } from './preview.ts';

/** An output `width` wide whose pixel at (x, y) holds x in red and y in green. */
function band(width: number, top: number, rows: number): Uint8Array {
  const data = new Uint8Array(width * rows * 4);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < width; x++) data.set([x, top + y, 0, 255], (y * width + x) * 4);
  return data;
}

describe('shrinkBand', () => {
  it('keeps a small output as it is', () => {
    const shrunk = shrinkBand(band(8, 4, 4), 4, 4, 8, 12, 480);
    expect([shrunk.width, shrunk.height, shrunk.top, shrunk.rows]).toEqual([8, 12, 4, 4]);
    expect([...shrunk.pixels.subarray(0, 4)]).toEqual([0, 4, 0, 255]);
  });

  it('samples a large output down, and the bands tile the preview without gaps or overlaps', () => {
    const outWidth = 200;
    const outHeight = 120;
    const covered: number[] = [];
    for (let top = 0; top < outHeight; top += 48) {
      const rows = Math.min(48, outHeight - top);
      const shrunk = shrinkBand(band(outWidth, top, rows), rows, top, outWidth, outHeight, 50);
      expect([shrunk.width, shrunk.height]).toEqual([50, 30]);
      expect(shrunk.pixels.length).toBe(50 * shrunk.rows * 4);
      for (let y = 0; y < shrunk.rows; y++) {
        covered.push(shrunk.top + y);
        // Each preview pixel comes from the output pixel under its centre.
        const at = (y * 50 + 10) * 4;
        expect(shrunk.pixels[at]).toBe(42);
        expect(shrunk.pixels[at + 1]).toBe((shrunk.top + y) * 4 + 2);
      }
    }
    expect(covered).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
