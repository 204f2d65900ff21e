import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { ColourKeeper } from './keep-colour.ts';

function image(width: number, height: number, pixel: (x: number, y: number) => number[]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  }
  return { width, height, data };
}

/** Runs `output` through a keeper in uneven bands, as the tiler delivers them. */
function keep(input: RgbaImage, output: RgbaImage, scale: number) {
  const rows: Uint8Array[] = [];
  const keeper = new ColourKeeper(input, scale, 1.5, (band, n) => {
    for (let r = 0; r < n; r++)
      rows.push(band.slice(r * output.width * 4, (r + 1) * output.width * 4));
  });
  const rowBytes = output.width * 4;
  for (let y = 0; y < output.height;) {
    const n = Math.min(output.height - y, 7);
    keeper.push(new Uint8Array(output.data.buffer, y * rowBytes, n * rowBytes), n);
    y += n;
  }
  keeper.finish();
  const data = new Uint8ClampedArray(rows.length * rowBytes);
  rows.forEach((row, y) => data.set(row, y * rowBytes));
  return { width: output.width, height: rows.length, data };
}

const channelMean = (img: RgbaImage, c: number) => {
  let sum = 0;
  for (let i = c; i < img.data.length; i += 4) sum += img.data[i]!;
  return sum / (img.data.length / 4);
};

describe('ColourKeeper', () => {
  it('takes a drift of flat grey and tint away, every row delivered once', () => {
    const input = image(20, 12, (x) => (x < 10 ? [128, 128, 128, 255] : [200, 120, 60, 255]));
    // The "network" brightened everything by 3 levels and tinted it green.
    const drifted = image(80, 48, (x) => (x < 40 ? [131, 133, 130, 255] : [203, 125, 62, 255]));
    const out = keep(input, drifted, 4);
    expect([out.width, out.height]).toEqual([80, 48]);
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(channelMean(out, c) - channelMean(input, c))).toBeLessThan(0.5);
    }
    // Away from the colour edge, the flat grey is exactly grey again.
    expect([...out.data.subarray((20 * 80 + 10) * 4, (20 * 80 + 10) * 4 + 4)]).toEqual([
      128, 128, 128, 255,
    ]);
  });

  it('leaves a faithful upscale’s detail alone', () => {
    const input = image(16, 16, () => [100, 100, 100, 255]);
    // A checker inside each 4×4 block: block means equal the input, so nothing moves.
    const detailed = image(64, 64, (x, y) => {
      const v = (x + y) % 2 ? 110 : 90;
      return [v, v, v, 255];
    });
    const out = keep(input, detailed, 4);
    expect(Buffer.from(out.data).equals(Buffer.from(detailed.data))).toBe(true);
  });

  it('refuses to finish short of the whole image', () => {
    const input = image(4, 4, () => [0, 0, 0, 255]);
    const keeper = new ColourKeeper(input, 2, 1, () => {});
    keeper.push(new Uint8Array(8 * 4 * 3), 3);
    expect(() => keeper.finish()).toThrow(/3 of 8 rows/);
  });
});
