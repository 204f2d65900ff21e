/*
 * Colorization by an optional model (DDColor, DeOldify: models/catalog.ts). The model sees the
 * photo's luminance only, as a gray picture at its own size; its chroma (a*b* of CIE Lab, given
 * directly or taken from the colour picture it gives) is upsampled to the photo's size and joined
 * to the photo's own full-resolution L. So lightness and detail are the photo's; only colour comes
 * from the model, `strength` of the way from the photo's own chroma.
 */

import type { CatalogEntry } from '@models/catalog.ts';
import { resizeImage } from '@/media/resize.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { ModelRunner } from '@/inference/optional/session.ts';
import { labToSrgb8, srgbToLab } from './lab.ts';

export type ColorizeRunner = ModelRunner;

/** The photo as Lab planes (L, a, b), one value per pixel each. */
export function labPlanes(image: RgbaImage): Float32Array[] {
  const n = image.width * image.height;
  const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const lab = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    srgbToLab(image.data[i * 4]!, image.data[i * 4 + 1]!, image.data[i * 4 + 2]!, lab);
    planes[0]![i] = lab[0]!;
    planes[1]![i] = lab[1]!;
    planes[2]![i] = lab[2]!;
  }
  return planes;
}

/** A plane of side × side sampled bilinearly at the photo's pixel centres (edges clamped). */
function upsamplePlane(
  plane: Float32Array,
  side: number,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max(((y + 0.5) * side) / height - 0.5, 0), side - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, side - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max(((x + 0.5) * side) / width - 0.5, 0), side - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, side - 1);
      const wx = fx - x0;
      const top = plane[y0 * side + x0]! + (plane[y0 * side + x1]! - plane[y0 * side + x0]!) * wx;
      const bottom =
        plane[y1 * side + x0]! + (plane[y1 * side + x1]! - plane[y1 * side + x0]!) * wx;
      out[y * width + x] = top + (bottom - top) * wy;
    }
  }
  return out;
}

/** The model's a* and b* planes at its size, from either kind of output. */
function chromaFromOutput(
  data: Float32Array,
  side: number,
  entry: CatalogEntry,
): [Float32Array, Float32Array] {
  const n = side * side;
  if (entry.output.kind === 'ab') return [data.slice(0, n), data.slice(n, 2 * n)];
  const [lo, hi] = entry.output.range;
  const order = entry.input.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const lab = new Float64Array(3);
  const byte = (v: number) => Math.min(255, Math.max(0, Math.round(((v - lo) / (hi - lo)) * 255)));
  for (let i = 0; i < n; i++) {
    const rgb = order.map((c) => byte(data[c * n + i]!));
    srgbToLab(rgb[0]!, rgb[1]!, rgb[2]!, lab);
    a[i] = lab[1]!;
    b[i] = lab[2]!;
  }
  return [a, b];
}

/** Colorizes `image` in place; alpha is kept. */
export async function colorizeWithModel(
  image: RgbaImage,
  runner: ColorizeRunner,
  strength: number,
): Promise<void> {
  const { entry } = runner;
  const side = entry.input.size ?? 256;
  const { width, height } = image;
  const n = width * height;
  const [L, a0, b0] = labPlanes(image);
  const gray = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    labToSrgb8(L![i]!, 0, 0, gray, i * 4);
    gray[i * 4 + 3] = 255;
  }
  const small = resizeImage({ width, height, data: gray }, side, side);
  const m = side * side;
  const tensor = new Float32Array(3 * m);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < 3; c++)
      tensor[c * m + i] = (small.data[i * 4 + c]! / 255 - entry.input.mean) / entry.input.std;
  }
  const result = await runner.run([
    { contract: entry.input.image, data: tensor, dims: [1, 3, side, side] },
  ]);
  const [aSmall, bSmall] = chromaFromOutput(result.data, side, entry);
  const a = upsamplePlane(aSmall, side, width, height);
  const b = upsamplePlane(bSmall, side, width, height);
  for (let i = 0; i < n; i++) {
    const ai = a0![i]! + (a[i]! - a0![i]!) * strength;
    const bi = b0![i]! + (b[i]! - b0![i]!) * strength;
    labToSrgb8(L![i]!, ai, bi, image.data, i * 4);
  }
}
