import type { OperationRun } from '../operation.ts';
import { type Crop, type Resize, cropRect, resizeSize } from './geometry.ts';
import { encodeRegionPng } from './region.ts';

/**
 * Crops (pixels or percent), then resizes (Lanczos-3, premultiplied alpha) to exact dimensions,
 * written as a PNG. PNG because the operation has no output_format and every step of a chain
 * should hand the next one lossless pixels; a convert or compress-optimize step picks a lossy
 * format when one is wanted.
 */
export const cropResize: OperationRun = async (params, ctx) => {
  const crop = (params.crop ?? null) as Crop | null;
  const resize = (params.resize ?? null) as Resize | null;
  const image = await ctx.image();
  const rect = crop
    ? cropRect(crop, image.width, image.height)
    : { x: 0, y: 0, width: image.width, height: image.height };
  const size = resize ? resizeSize(resize, rect.width, rect.height) : rect;
  const steps: string[] = [];
  if (crop) steps.push(`crop ${rect.width}×${rect.height} at (${rect.x}, ${rect.y})`);
  steps.push(
    size.width === rect.width && size.height === rect.height
      ? 'no resampling (same size)'
      : `Lanczos-3 resize (separable, premultiplied alpha) to ${size.width}×${size.height}`,
  );
  ctx.engine({ method: steps.join('; ') });
  const blob = encodeRegionPng(image, rect, size, ctx);
  ctx.progress(1, 0);
  return { blob, width: size.width, height: size.height };
};
