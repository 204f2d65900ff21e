import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '@/media/image.ts';
import { runClassicalTiled } from '../common/classical-tiles.ts';
import { deblurContext } from './plan.ts';
import { wienerTileFilter } from './wiener.ts';

/** Soft shapes and texture, so the deconvolution has something to act on everywhere. */
function picture(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const disc = Math.hypot(x - 70, y - 50) < 30 ? 90 : 0;
      const wave = 40 * Math.sin(x / 3.1) * Math.cos(y / 4.3);
      const i = (y * width + x) * 4;
      data[i] = 90 + disc + wave;
      data[i + 1] = 120 + wave / 2;
      data[i + 2] = 160 - disc / 2;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

async function deconvolve(image: RgbaImage, tileSize: number, sigma: number) {
  const out = new Uint8Array(image.data.length);
  let row = 0;
  await runClassicalTiled({
    image,
    tileSize,
    context: deblurContext(sigma),
    square: true,
    filter: wienerTileFilter(tileSize, sigma, 0.002),
    sink: (band, rows) => {
      out.set(band.subarray(0, rows * image.width * 4), row * image.width * 4);
      row += rows;
    },
    onProgress: () => {},
    throwIfCanceled: () => {},
  });
  return out;
}

describe('deblur in FFT tiles', () => {
  it('matches one whole-image FFT wherever the tile borders fall', async () => {
    const image = picture(150, 120);
    for (const sigma of [1.5, 3]) {
      const whole = await deconvolve(image, 512, sigma);
      const tiled = await deconvolve(image, sigma < 2 ? 128 : 256, sigma);
      let worst = 0;
      for (let i = 0; i < whole.length; i++)
        worst = Math.max(worst, Math.abs(whole[i]! - tiled[i]!));
      expect(worst).toBeLessThanOrEqual(1);
    }
  });
});
