import { MAX_INPUT_PIXELS, declaredSize, oversizeReason } from '../image-size.ts';
import { sniffImage } from '../sniff.ts';
import { exifOrientation, readMetadata } from '../metadata.ts';
import { applyOrientation } from '../orientation.ts';
import { decodeTiff, TiffError } from '../tiff.ts';
import type { RgbaImage } from '../image.ts';

export { MAX_INPUT_PIXELS };

export class DecodeError extends Error {}

/**
 * Decodes an image into straight (not premultiplied) RGBA, upright (EXIF orientation 1–8
 * applied), in its own colour space (no conversion, so an ICC profile carried to the output
 * still describes the pixels). TIFF is decoded by UTIF; everything else by the browser. Images
 * that can have alpha (PNG, WebP, GIF…) go through WebCodecs' ImageDecoder where it exists: a
 * 2D canvas stores premultiplied pixels, so a pixel with alpha 1 would lose its colour on the
 * way through one. JPEG, and frames ImageDecoder gives as YUV, go through a bitmap.
 */
export async function decodeImage(blob: Blob): Promise<RgbaImage> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const type = sniffImage(bytes.subarray(0, 64)).image;
  // A decompression bomb is refused from its header, before any decoder allocates its pixels.
  const oversize = oversizeReason(declaredSize(bytes));
  if (oversize) throw new DecodeError(oversize);
  if (type === 'image/tiff') {
    try {
      const { image, orientation } = decodeTiff(bytes, MAX_INPUT_PIXELS);
      return applyOrientation(image, orientation);
    } catch (error) {
      throw error instanceof TiffError ? new DecodeError(error.message) : error;
    }
  }
  const stored = type ? await decodeWithImageDecoder(blob, bytes, type) : null;
  if (!stored) return decodeWithBitmap(blob);
  return applyOrientation(stored, exifOrientation(readMetadata(bytes).exif));
}

function unreadable(blob: Blob): DecodeError {
  const kind = blob.type || 'unknown type';
  return new DecodeError(
    `This file could not be read as an image (${kind}, ${blob.size} bytes). It may be damaged or in a format this browser cannot open.`,
  );
}

function checkSize(width: number, height: number): void {
  if (width * height > MAX_INPUT_PIXELS)
    throw new DecodeError(
      `This image is ${width}×${height}; the largest supported input is ${MAX_INPUT_PIXELS / 1024 / 1024} megapixels.`,
    );
}

/** Frame layouts whose bytes are straight RGBA in some channel order (alpha untouched). */
const rgbOrders: Readonly<Record<string, readonly [number, number, number, number | null]>> = {
  RGBA: [0, 1, 2, 3],
  RGBX: [0, 1, 2, null],
  BGRA: [2, 1, 0, 3],
  BGRX: [2, 1, 0, null],
};

/**
 * The first frame through WebCodecs, stored pixels as they are (not turned: orientation is
 * applied after). Null where ImageDecoder is missing or does not know the type, so the bitmap
 * path tries.
 */
async function decodeWithImageDecoder(
  blob: Blob,
  bytes: Uint8Array,
  type: string,
): Promise<RgbaImage | null> {
  // JPEG has no alpha: the bitmap path decodes it as well, with libjpeg's own upsampling.
  if (type === 'image/jpeg' || typeof ImageDecoder === 'undefined') return null;
  if (!(await ImageDecoder.isTypeSupported(type))) return null;
  let frame: VideoFrame;
  // premultiplyAlpha is in the WebCodecs spec and Chromium, not yet in TypeScript's DOM types.
  const init: ImageDecoderInit & { premultiplyAlpha: PremultiplyAlpha } = {
    data: bytes,
    type,
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  };
  const decoder = new ImageDecoder(init);
  try {
    frame = (await decoder.decode({ frameIndex: 0 })).image;
  } catch {
    decoder.close();
    throw unreadable(blob);
  }
  decoder.close();
  try {
    const width = frame.codedWidth;
    const height = frame.codedHeight;
    checkSize(width, height);
    const order = frame.format ? rgbOrders[frame.format] : undefined;
    // YUV frames (lossy WebP, AVIF) have no alpha to lose; the bitmap path converts them with
    // the codec's own chroma upsampling, which copyTo's conversion does not match.
    if (!order) return null;
    const out = new Uint8ClampedArray(width * height * 4);
    // Copy the stored bytes and reorder them ourselves: asking copyTo for RGBA premultiplies.
    const stored = new Uint8Array(frame.allocationSize());
    const [layout] = await frame.copyTo(stored);
    const stride = layout?.stride ?? width * 4;
    const [r, g, b, a] = order;
    for (let y = 0; y < height; y++) {
      for (let x = 0, s = y * stride, d = y * width * 4; x < width; x++, s += 4, d += 4) {
        out[d] = stored[s + r]!;
        out[d + 1] = stored[s + g]!;
        out[d + 2] = stored[s + b]!;
        out[d + 3] = a === null ? 255 : stored[s + a]!;
      }
    }
    return { data: out, width, height };
  } finally {
    frame.close();
  }
}

/**
 * Where WebCodecs cannot decode: a bitmap drawn on a canvas (premultiplied on the way), turned
 * upright by the browser.
 */
async function decodeWithBitmap(blob: Blob): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch {
    throw unreadable(blob);
  }
  const { width, height } = bitmap;
  try {
    checkSize(width, height);
  } catch (error) {
    bitmap.close();
    throw error;
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new DecodeError('This browser cannot give a 2D canvas in a worker');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height);
  return { data, width, height };
}
