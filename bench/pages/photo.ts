import type { RgbaImage } from '../../src/media/image.ts';

let source: Promise<ImageBitmap> | null = null;

/**
 * A photo of the asked size: the repo's 128×128 test photo scaled by the browser, with fine noise
 * so no tile is flat (the uniform-tile shortcut must not flatter the numbers). Same seed, same
 * pixels, for every backend and for UpscalerJS.
 */
export async function photo(width: number, height: number): Promise<RgbaImage> {
  source ??= fetch('./photo.png')
    .then((r) => r.blob())
    .then((b) => createImageBitmap(b));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(await source, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  let seed = 0x9e3779b9;
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      data[i + c] = data[i + c]! + ((seed >>> 29) - 3);
    }
  }
  return { data, width, height };
}
