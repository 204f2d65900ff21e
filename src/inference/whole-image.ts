/**
 * Running a model on the whole image at once, for models whose output depends on the whole
 * input: Real-CUGAN's and waifu2x CUnet's squeeze-excitation blocks scale their channels by
 * the channel's average over the entire input, so each tile of a tiled run gets averages of
 * its own piece (and of its mirrored margins) and comes out differently from its neighbours
 * (e2e/measurement: src/inference/whole-image.test.ts). The image gets the same mirrored context as
 * a tile, on each side, so borders are treated as in a tiled run; only the averages change.
 */
import type { RgbaImage } from '@/media/image.ts';
import { TILE_CAP, reflectIndex } from './tiler.ts';

/**
 * The most input pixels (context included) such a model is run on in one piece: Real-CUGAN's
 * widest activations are 64 float32 channels at the input size, so 640×640 keeps each one
 * near 100 MB. Larger images are tiled (with the per-tile averages).
 */
export const WHOLE_MAX_PIXELS = 640 * 640;

/**
 * Whether the image runs in one piece: always for a `whole` model within WHOLE_MAX_PIXELS, and
 * for any model when the image with its context has no more pixels than one planner tile
 * (TILE_CAP²) and no edge past the model's max, which
 * spares a square tile's overhang on a small photo that is not square (300×200: 332×232 pixels
 * through the model instead of 336×336).
 */
export function runsWhole(
  tile: { context: number; min: number; max: number; whole?: boolean },
  width: number,
  height: number,
): boolean {
  const paddedWidth = width + 2 * tile.context;
  const paddedHeight = height + 2 * tile.context;
  if (paddedWidth < tile.min || paddedHeight < tile.min) return false;
  if (tile.whole) return paddedWidth * paddedHeight <= WHOLE_MAX_PIXELS;
  if (paddedWidth > tile.max || paddedHeight > tile.max) return false;
  return paddedWidth * paddedHeight <= TILE_CAP * TILE_CAP;
}

/** The image with `context` mirrored pixels on each side, as CHW float planes in `range`. */
export function readPadded(
  image: RgbaImage,
  context: number,
  range: [number, number],
): { data: Float32Array; width: number; height: number } {
  const width = image.width + 2 * context;
  const height = image.height + 2 * context;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  const [lo, hi] = range;
  const toFloat = Float32Array.from({ length: 256 }, (_, v) => lo + (v * (hi - lo)) / 255);
  for (let y = 0, o = 0; y < height; y++) {
    const row = reflectIndex(y - context, image.height) * image.width;
    for (let x = 0; x < width; x++, o++) {
      const p = (row + reflectIndex(x - context, image.width)) * 4;
      data[o] = toFloat[image.data[p]!]!;
      data[o + plane] = toFloat[image.data[p + 1]!]!;
      data[o + 2 * plane] = toFloat[image.data[p + 2]!]!;
    }
  }
  return { data, width, height };
}

/**
 * The model's CHW output for a padded input, its context cropped off, as opaque RGBA rows of
 * the image `scale` times larger (alpha is the tiler's business: see upscaleAlphaIntoBand).
 */
export function cropOutput(
  output: Float32Array,
  image: { width: number; height: number },
  context: number,
  scale: number,
  range: [number, number],
): Uint8Array {
  const paddedWidth = (image.width + 2 * context) * scale;
  const paddedHeight = (image.height + 2 * context) * scale;
  const plane = paddedWidth * paddedHeight;
  if (output.length < 3 * plane)
    throw new RangeError(`model output holds ${output.length} floats, needs ${3 * plane}`);
  const width = image.width * scale;
  const height = image.height * scale;
  const margin = context * scale;
  const [lo, hi] = range;
  const k = 255 / (hi - lo);
  const out = new Uint8Array(width * height * 4);
  for (let y = 0, o = 0; y < height; y++) {
    const row = (y + margin) * paddedWidth + margin;
    for (let x = 0; x < width; x++, o += 4) {
      const i = row + x;
      out[o] = Math.min(255, Math.max(0, Math.round((output[i]! - lo) * k)));
      out[o + 1] = Math.min(255, Math.max(0, Math.round((output[i + plane]! - lo) * k)));
      out[o + 2] = Math.min(255, Math.max(0, Math.round((output[i + 2 * plane]! - lo) * k)));
      out[o + 3] = 255;
    }
  }
  return out;
}
