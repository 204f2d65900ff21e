import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  createImage,
  decodePng,
  detailEnergy,
  downscaleArea,
  encodePng,
  psnr,
  resizeBicubic,
  seamScore,
  type PngFilter,
  type RgbaImage,
} from './images.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const fixture = (name: string): Uint8Array => readFileSync(join(repoRoot, 'e2e', 'fixtures', name));

/** Deterministic pseudo-random bytes, so failures reproduce. */
function noiseImage(width: number, height: number, seed: number, opaque: boolean): RgbaImage {
  const img = createImage(width, height);
  let state = seed;
  for (let i = 0; i < img.data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    img.data[i] = opaque && i % 4 === 3 ? 255 : state >>> 24;
  }
  return img;
}

function fromFunction(
  width: number,
  height: number,
  rgb: (x: number, y: number) => [number, number, number],
): RgbaImage {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      img.data.set([...rgb(x, y), 255], (y * width + x) * 4);
    }
  }
  return img;
}

/**
 * Builds a PNG by hand, with Node's own CRC-32 rather than the module's, so the decoder is
 * checked against an independent writer for the colour types encodePng never produces.
 */
function handMadePng(
  width: number,
  height: number,
  colorType: number,
  rows: number[][],
): Uint8Array {
  const chunk = (type: string, body: Uint8Array): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const raw = Uint8Array.from(rows.flat());
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('decodePng / encodePng', () => {
  const filters: (PngFilter | 'adaptive')[] = [0, 1, 2, 3, 4, 'adaptive'];

  it.each(filters)('round-trips RGBA pixels exactly with filter %s', (filter) => {
    const img = noiseImage(37, 23, 7, false);
    expect(decodePng(encodePng(img, { filter }))).toEqual(img);
  });

  it.each(filters)('writes opaque images as RGB and restores alpha 255 (filter %s)', (filter) => {
    const img = noiseImage(19, 11, 3, true);
    const png = encodePng(img, { filter });
    expect(png[25]).toBe(2); // IHDR colour type: RGB
    expect(decodePng(png)).toEqual(img);
  });

  it('decodes grayscale and gray+alpha written by an independent encoder', () => {
    // Row filters 1 (Sub) and 2 (Up): gray row 0 = 10, 30; row 1 = 15, 35.
    const gray = handMadePng(2, 2, 0, [
      [1, 10, 20],
      [2, 5, 5],
    ]);
    expect(Array.from(decodePng(gray).data)).toEqual([
      10, 10, 10, 255, 30, 30, 30, 255, 15, 15, 15, 255, 35, 35, 35, 255,
    ]);
    const grayAlpha = handMadePng(1, 1, 4, [[0, 200, 128]]);
    expect(Array.from(decodePng(grayAlpha).data)).toEqual([200, 200, 200, 128]);
  });

  it('matches the pixels Chromium decodes from a third-party PNG', () => {
    // The hash was checked once against Chromium's decoder (createImageBitmap + getImageData).
    // Its rows use Sub, Up, Average and Paeth, so every predictor meets an independent encoder.
    const bytes = readFileSync(
      join(repoRoot, 'node_modules/@upscalerjs/esrgan-medium/assets/fixture.png'),
    );
    const img = decodePng(bytes);
    expect([img.width, img.height]).toEqual([128, 128]);
    expect(createHash('sha256').update(img.data).digest('hex')).toBe(
      'b30a6e7b0f6503f44a69b67d06509cef78b3ffbb13fe6e9d4f7be738756555fa',
    );
    expect(decodePng(fixture('photo-original-128.png'))).toEqual(img);
  });

  it('rejects non-PNG and corrupt input with a reason', () => {
    expect(() => decodePng(fixture('not-an-image.jpg'))).toThrow(/signature/);
    expect(() => decodePng(fixture('corrupt.png'))).toThrow(/corrupt PNG/);
    const good = encodePng(noiseImage(8, 8, 1, false));
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(/corrupt PNG/);
    const flipped = good.slice();
    flipped[40] = flipped[40]! ^ 0xff; // inside the IDAT body
    expect(() => decodePng(flipped)).toThrow(/CRC mismatch/);
  });
});

describe('downscaleArea', () => {
  it('averages each block exactly, rounding halves up', () => {
    // 4x2 RGB pattern, factor 2: two 2x2 blocks.
    const values = [
      [0, 10, 100, 101],
      [20, 30, 102, 102],
    ];
    const img = fromFunction(4, 2, (x, y) => {
      const v = values[y]![x]!;
      return [v, 255 - v, (x + y) % 2 === 0 ? 0 : 1];
    });
    const small = downscaleArea(img, 2);
    expect([small.width, small.height]).toEqual([2, 1]);
    // Left block: R (0+10+20+30)/4 = 15, G 255-15 = 240, B (0+1+1+0)/4 = 0.5 -> 1.
    // Right block: R 405/4 = 101.25 -> 101, G 615/4 = 153.75 -> 154, B 0.5 -> 1.
    expect(Array.from(small.data)).toEqual([15, 240, 1, 255, 101, 154, 1, 255]);
  });

  it('returns the block colours of a block-constant image', () => {
    const blockColour = (bx: number, by: number): [number, number, number] => [
      bx * 50,
      by * 60,
      (bx * 7 + by * 13) % 256,
    ];
    const img = fromFunction(20, 12, (x, y) => blockColour(Math.floor(x / 4), Math.floor(y / 4)));
    expect(downscaleArea(img, 4)).toEqual(fromFunction(5, 3, blockColour));
  });

  it('refuses sizes that are not a multiple of the factor', () => {
    expect(() => downscaleArea(createImage(10, 8), 4)).toThrow(RangeError);
  });
});

describe('resizeBicubic', () => {
  it('keeps a constant image constant, up and down', () => {
    const flat = fromFunction(13, 9, () => [200, 17, 99]);
    expect(resizeBicubic(flat, 52, 36)).toEqual(fromFunction(52, 36, () => [200, 17, 99]));
    expect(resizeBicubic(flat, 5, 4)).toEqual(fromFunction(5, 4, () => [200, 17, 99]));
  });

  it('reproduces a linear ramp in the interior', () => {
    // R rises 8 per source column. Away from the clamped edges the 4 taps see a straight line,
    // which Catmull-Rom reproduces exactly, so only the final rounding (<= 0.5) remains.
    const ramp = fromFunction(32, 4, (x) => [8 * x, 0, 0]);
    const up = resizeBicubic(ramp, 128, 16);
    let checked = 0;
    for (let x = 0; x < 128; x++) {
      const source = (x + 0.5) / 4 - 0.5;
      if (source < 1 || Math.floor(source) + 2 > 31) continue; // a tap would be clamped
      for (let y = 0; y < 16; y++) {
        expect(Math.abs(up.data[(y * 128 + x) * 4]! - 8 * source)).toBeLessThanOrEqual(0.5);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('psnr', () => {
  it('is Infinity for identical images, whatever the alpha', () => {
    const a = noiseImage(16, 16, 5, true);
    const b = noiseImage(16, 16, 5, true);
    b.data[3] = 0;
    expect(psnr(a, b, { channels: 3 })).toBe(Infinity);
    expect(psnr(a, b, { channels: 4 })).toBeLessThan(Infinity);
  });

  it('matches the formula for known noise', () => {
    const a = fromFunction(10, 10, () => [100, 100, 100]);
    // Every RGB sample off by +-5: MSE 25.
    const b = fromFunction(10, 10, (x, y) => ((x + y) % 2 === 0 ? [105, 95, 105] : [95, 105, 95]));
    expect(psnr(a, b, { channels: 3 })).toBeCloseTo(10 * Math.log10((255 * 255) / 25), 10);
    // Half the pixels off by 10 in R only: MSE (100 / 3) / 2.
    const c = fromFunction(10, 10, (x) => [x < 5 ? 110 : 100, 100, 100]);
    expect(psnr(a, c, { channels: 3 })).toBeCloseTo(10 * Math.log10((255 * 255 * 6) / 100), 10);
  });

  it('ignores the border it is told to', () => {
    const a = fromFunction(10, 10, () => [50, 50, 50]);
    const b = fromFunction(10, 10, (x, y) =>
      x === 0 || y === 0 || x === 9 || y === 9 ? [0, 0, 0] : [50, 50, 50],
    );
    expect(psnr(a, b, { channels: 3 })).toBeLessThan(20);
    expect(psnr(a, b, { channels: 3, border: 1 })).toBe(Infinity);
  });
});

describe('seamScore', () => {
  const wide = decodePng(fixture('photo-wide-300x200.png'));

  /** Adds `offset` to RGB wherever `where` holds: the look of tiles normalised differently. */
  function offsetWhere(img: RgbaImage, offset: number, where: (x: number, y: number) => boolean) {
    const out = { ...img, data: img.data.slice() };
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        if (!where(x, y)) continue;
        for (let c = 0; c < 3; c++) {
          const i = (y * img.width + x) * 4 + c;
          out.data[i] = Math.min(255, out.data[i]! + offset);
        }
      }
    }
    return out;
  }

  /** Seam lines every `tile` pixels and a checkerboard of offset tiles, so every seam shows. */
  function tiled(img: RgbaImage, tile: number, offset: number) {
    const lines = (size: number) =>
      Array.from({ length: Math.ceil(size / tile) - 1 }, (_, i) => (i + 1) * tile);
    const broken = offsetWhere(
      img,
      offset,
      (x, y) => (Math.floor(x / tile) + Math.floor(y / tile)) % 2 === 1,
    );
    return { img: broken, seams: { rows: lines(img.height), cols: lines(img.width) } };
  }

  it('reports no seam on an untouched photo', () => {
    const { img, seams } = tiled(wide, 96, 0);
    const score = seamScore(img, seams);
    expect(score.atSeams).toBeLessThanOrEqual(score.elsewhere * 1.5);
  });

  it('flags +20 tile offsets on the photo itself', () => {
    const { img, seams } = tiled(wide, 96, 20);
    const score = seamScore(img, seams);
    expect(score.atSeams).toBeGreaterThan(score.elsewhere * 1.5);
  });

  it('flags small tile offsets on an upscaled photo, the case the e2e tests measure', () => {
    // Upscaled output has small neighbour differences, so even +5 seams stand out.
    const upscaled = resizeBicubic(wide, 1200, 800);
    const clean = tiled(upscaled, 384, 0);
    const cleanScore = seamScore(clean.img, clean.seams);
    expect(cleanScore.atSeams).toBeLessThanOrEqual(cleanScore.elsewhere * 1.5);
    const broken = tiled(upscaled, 384, 5);
    const brokenScore = seamScore(broken.img, broken.seams);
    expect(brokenScore.atSeams).toBeGreaterThan(brokenScore.elsewhere * 1.5);
  });

  it('reports one bad seam among good ones through worstSeam', () => {
    const seams = { rows: [100], cols: [100, 200] };
    expect(seamScore(wide, seams).worstSeam).toBeLessThanOrEqual(
      seamScore(wide, seams).elsewhere * 1.5,
    );
    const score = seamScore(
      offsetWhere(wide, 20, (x) => x >= 200),
      seams,
    );
    expect(score.worstSeam).toBeGreaterThan(score.elsewhere * 2);
  });

  it('reports no seam on a smooth gradient and flags one once offset', () => {
    const smooth = fromFunction(120, 80, (x, y) => [x, y, (x + y) >> 1]);
    const seams = { rows: [40], cols: [60] };
    const clean = seamScore(smooth, seams);
    expect(clean.atSeams).toBeCloseTo(clean.elsewhere, 10);
    const broken = seamScore(
      offsetWhere(smooth, 20, (x) => x >= 60),
      seams,
    );
    expect(broken.atSeams).toBeGreaterThan(broken.elsewhere * 1.5);
  });

  it('rejects positions that are not between two lines', () => {
    expect(() => seamScore(wide, { rows: [0], cols: [] })).toThrow(RangeError);
    expect(() => seamScore(wide, { rows: [], cols: [300] })).toThrow(RangeError);
    expect(() => seamScore(wide, { rows: [], cols: [] })).toThrow(RangeError);
  });
});

describe('detailEnergy', () => {
  it('is zero on a flat or linear image and grows with fine detail', () => {
    const flat = createImage(16, 16);
    flat.data.fill(128);
    expect(detailEnergy(flat)).toBe(0);
    const ramp = createImage(16, 16);
    const checker = createImage(16, 16);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const i = (y * 16 + x) * 4;
        ramp.data.fill(x * 10, i, i + 3);
        checker.data.fill((x + y) % 2 ? 200 : 50, i, i + 3);
        ramp.data[i + 3] = checker.data[i + 3] = 255;
      }
    }
    expect(detailEnergy(ramp)).toBeCloseTo(0, 6);
    expect(detailEnergy(checker)).toBeCloseTo(600, 3);
  });
});
