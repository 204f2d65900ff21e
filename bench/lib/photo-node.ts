import { readFile } from 'node:fs/promises';
import { type RgbaImage, decodePng, resizeBicubic } from '../../e2e/support/images.ts';

/**
 * The bench photo in Node: the 128×128 test photo enlarged by bicubic with the same fine noise
 * as bench/pages/photo.ts, so no tile is flat. Not byte-identical to the browser's (its canvas
 * scaler differs), which does not change how long a tile takes.
 */
export async function nodePhoto(width: number, height: number): Promise<RgbaImage> {
  const url = new URL('../../e2e/fixtures/photo-original-128.png', import.meta.url);
  const image = resizeBicubic(decodePng(new Uint8Array(await readFile(url))), width, height);
  const data = image.data;
  let seed = 0x9e3779b9;
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      data[i + c] = Math.min(255, Math.max(0, data[i + c]! + ((seed >>> 29) - 3)));
    }
  }
  return image;
}
