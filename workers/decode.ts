import type { RgbaImage } from './tiler.ts';

/** Largest input we decode: beyond this the RGBA buffer alone would not fit a tab's memory. */
export const MAX_INPUT_PIXELS = 64 * 1024 * 1024;

export class DecodeError extends Error {}

/** Decodes any image the browser can (EXIF orientation applied) into straight RGBA pixels. */
export async function decodeImage(blob: Blob): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
    });
  } catch {
    const kind = blob.type || 'unknown type';
    throw new DecodeError(
      `This file could not be read as an image (${kind}, ${blob.size} bytes). It may be damaged or in a format this browser cannot open.`,
    );
  }
  const { width, height } = bitmap;
  if (width * height > MAX_INPUT_PIXELS) {
    bitmap.close();
    throw new DecodeError(
      `This image is ${width}×${height}; the largest supported input is ${MAX_INPUT_PIXELS / 1024 / 1024} megapixels.`,
    );
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new DecodeError('This browser cannot give a 2D canvas in a worker');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height);
  return { data, width, height };
}
