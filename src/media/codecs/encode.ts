/**
 * Encodes straight RGBA pixels into a file with real codecs: Squoosh's WASM builds of MozJPEG,
 * oxipng, libwebp and libavif, as jSquash packages them. Each codec is loaded by a dynamic
 * import the first time a job asks for its format, so jobs that never write JPEG, WebP or AVIF
 * never fetch those modules; Vite emits their .wasm files as assets of this app, so they load
 * from its own origin and work offline.
 */
import { PngStreamWriter } from '../png-stream.ts';
import {
  type OutputFormat,
  defaultQuality,
  formatHasAlpha,
  formatMimeTypes,
  outputFormats,
} from '../formats.ts';
import { type RgbaImage, hasTransparency } from '../image.ts';

export { type OutputFormat, defaultQuality, formatHasAlpha, formatMimeTypes, outputFormats };

/** The encoder behind each format, as the job's engine record names it. */
export const encoderNames: Readonly<Record<OutputFormat, string>> = {
  png: 'oxipng (lossless)',
  jpg: 'MozJPEG',
  jpeg: 'MozJPEG',
  webp: 'libwebp',
  avif: 'libavif (AOM)',
};

/**
 * oxipng holds the raw image and its candidate encodings in WASM memory and tries several
 * filters; beyond this many pixels the streaming PNG writer (one pass, bounded memory) is used.
 */
const OXIPNG_MAX_PIXELS = 8 * 1024 * 1024;

/** oxipng effort: 2 is its default, a good size for the time on photos. */
const OXIPNG_LEVEL = 2;

/** libavif speed 0..10: 6 is Squoosh's default, a sensible size/time balance on a CPU. */
const AVIF_SPEED = 6;

export class EncodeError extends Error {}

function clampQuality(quality: number | undefined): number {
  if (quality === undefined) return defaultQuality;
  if (!Number.isFinite(quality)) throw new RangeError(`quality must be a number, got ${quality}`);
  return Math.min(100, Math.max(1, Math.round(quality)));
}

/** A tightly packed ImageData the codecs accept (some read `data.buffer` whole). */
function toImageData(image: RgbaImage, pixels: Uint8ClampedArray | null = null): ImageData {
  const length = image.width * image.height * 4;
  let data = pixels;
  if (!data) {
    const src = image.data;
    const packed =
      src instanceof Uint8ClampedArray &&
      src.byteOffset === 0 &&
      src.length === length &&
      src.buffer.byteLength === length &&
      src.buffer instanceof ArrayBuffer;
    data = packed ? src : new Uint8ClampedArray(src.subarray(0, length));
  }
  return new ImageData(data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
}

/** JPEG has no alpha: every pixel is composited over white, as a viewer shows it on paper. */
export function flattenOverWhite(image: RgbaImage): Uint8ClampedArray {
  const src = image.data;
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < out.length; i += 4) {
    const a = src[i + 3]!;
    const white = 255 * (255 - a);
    out[i] = (src[i]! * a + white + 127) / 255;
    out[i + 1] = (src[i + 1]! * a + white + 127) / 255;
    out[i + 2] = (src[i + 2]! * a + white + 127) / 255;
    out[i + 3] = 255;
  }
  return out;
}

async function encodePng(image: RgbaImage): Promise<ArrayBuffer | Uint8Array[]> {
  if (image.width * image.height > OXIPNG_MAX_PIXELS) {
    const parts: Uint8Array[] = [];
    const png = new PngStreamWriter(
      image.width,
      image.height,
      hasTransparency(image) ? 4 : 3,
      (bytes) => parts.push(bytes),
    );
    const { data } = image;
    png.writeRows(new Uint8Array(data.buffer, data.byteOffset, data.length), image.height);
    png.finish();
    return parts;
  }
  const { default: optimise } = await import('@jsquash/oxipng/optimise.js');
  // optimise_raw writes the PNG itself, choosing bit depth, colour type (RGB when opaque,
  // palette or grey when it fits) and filters: smaller than encoding first and optimising after.
  return optimise(toImageData(image), { level: OXIPNG_LEVEL, interlace: false });
}

/** Losslessly recompresses PNG file bytes (the pixels, alpha and bit depth stay exactly). */
export async function optimizePngFile(bytes: ArrayBuffer): Promise<ArrayBuffer> {
  const { default: optimise } = await import('@jsquash/oxipng/optimise.js');
  return optimise(bytes, { level: OXIPNG_LEVEL, interlace: false });
}

/**
 * Encodes an image as png, jpg/jpeg, webp or avif. `quality` (1–100) applies to the lossy
 * formats; PNG is always lossless. JPEG is composited over white because it has no alpha.
 */
export async function encodeImage(
  image: RgbaImage,
  format: OutputFormat,
  quality?: number,
): Promise<Blob> {
  if (!outputFormats.includes(format)) throw new EncodeError(`Cannot write "${String(format)}"`);
  const q = clampQuality(quality);
  let bytes: ArrayBuffer | Uint8Array[];
  try {
    switch (format) {
      case 'png':
        bytes = await encodePng(image);
        break;
      case 'jpg':
      case 'jpeg': {
        const { default: encode } = await import('@jsquash/jpeg/encode.js');
        const pixels = hasTransparency(image) ? flattenOverWhite(image) : null;
        // MozJPEG with its own defaults: progressive, optimised Huffman tables, trellis
        // quantisation, 4:2:0 chroma.
        bytes = await encode(toImageData(image, pixels), { quality: q });
        break;
      }
      case 'webp': {
        const { default: encode } = await import('@jsquash/webp/encode.js');
        bytes = await encode(toImageData(image), { quality: q, alpha_quality: 100 });
        break;
      }
      case 'avif': {
        const { default: encode } = await import('@jsquash/avif/encode.js');
        bytes = await encode(toImageData(image), { quality: q, speed: AVIF_SPEED });
        break;
      }
    }
  } catch (error) {
    throw new EncodeError(
      `The ${encoderNames[format]} encoder failed on a ${image.width}×${image.height} image: ${String(error)}`,
    );
  }
  const parts = Array.isArray(bytes) ? (bytes as BlobPart[]) : [bytes];
  return new Blob(parts, { type: formatMimeTypes[format] });
}
