/**
 * TIFF decoding with UTIF (utif2): strips and tiles, no compression, LZW, Deflate, PackBits and
 * JPEG-in-TIFF; 8 and 16 bits; grey, RGB, RGBA, palette and CMYK. The first image of the file
 * is the picture (later ones are thumbnails or pages).
 */
import * as UTIF from 'utif2';
import type { RgbaImage } from './image.ts';

export class TiffError extends Error {}

const tagPhotometric = 't262';
const tagBitsPerSample = 't258';
const tagSamplesPerPixel = 't277';
const tagOrientation = 't274';
const tagExtraSamples = 't338';
/** ExtraSamples value for alpha already multiplied into the colours. */
const associatedAlpha = 1;

function first(ifd: UTIF.IFD, tag: string): number | undefined {
  const value = ifd[tag];
  return Array.isArray(value) ? (value[0] as number | undefined) : undefined;
}

/** The first image of a TIFF file as straight RGBA, and its orientation tag (1 when none). */
export function decodeTiff(
  bytes: Uint8Array,
  maxPixels: number,
): { image: RgbaImage; orientation: number } {
  const buffer = bytes.slice().buffer;
  let ifd: UTIF.IFD | undefined;
  try {
    ifd = UTIF.decode(buffer)[0];
  } catch (error) {
    throw new TiffError(`This TIFF file could not be read: ${String(error)}`);
  }
  if (!ifd) throw new TiffError('This TIFF file holds no image');
  const width = first(ifd, 't256') ?? 0;
  const height = first(ifd, 't257') ?? 0;
  if (width * height > maxPixels)
    throw new TiffError(
      `This image is ${width}×${height}; the largest supported input is ${maxPixels / 1024 / 1024} megapixels.`,
    );
  let rgba: Uint8Array;
  try {
    UTIF.decodeImage(buffer, ifd);
    rgba = UTIF.toRGBA8(ifd);
  } catch (error) {
    throw new TiffError(`This TIFF image could not be decoded: ${String(error)}`);
  }
  if (ifd.width * ifd.height * 4 !== rgba.length || rgba.length === 0)
    throw new TiffError('This TIFF image uses a layout Kintsugi cannot decode');
  const data = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length);
  greyAlpha(ifd, data);
  if (first(ifd, tagExtraSamples) === associatedAlpha) unpremultiply(data);
  const orientation = first(ifd, tagOrientation) ?? 1;
  return { image: { data, width: ifd.width, height: ifd.height }, orientation };
}

/** UTIF drops the alpha of grey + alpha images (two samples per pixel): put it back. */
function greyAlpha(ifd: UTIF.IFD, out: Uint8ClampedArray): void {
  const photometric = first(ifd, tagPhotometric);
  const samples = first(ifd, tagSamplesPerPixel) ?? 1;
  const bits = first(ifd, tagBitsPerSample) ?? 8;
  if ((photometric !== 0 && photometric !== 1) || samples !== 2) return;
  const raw = ifd.data;
  const step = bits / 8;
  if (step !== 1 && step !== 2) return;
  // 16-bit samples are little-endian once UTIF has decoded them: the high byte is the second.
  const high = step - 1;
  const invert = photometric === 0;
  for (let i = 0; i * 4 < out.length; i++) {
    const grey = raw[i * 2 * step + high]!;
    out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = invert ? 255 - grey : grey;
    out[i * 4 + 3] = raw[(i * 2 + 1) * step + high]!;
  }
}

function unpremultiply(data: Uint8ClampedArray): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    if (a === 0 || a === 255) continue;
    data[i] = (data[i]! * 255) / a;
    data[i + 1] = (data[i + 1]! * 255) / a;
    data[i + 2] = (data[i + 2]! * 255) / a;
  }
}
