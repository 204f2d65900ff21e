import { encodeRegionPng } from '../crop-resize/region.ts';
import type { OperationRun } from '../operation.ts';
import { detectFrame } from './detect.ts';

/** Crops the frame `detectFrame` finds; without one, hands the input on untouched. */
export const removeFrame: OperationRun = async (_params, ctx) => {
  const image = await ctx.image();
  const found = detectFrame(image);
  if (!found) {
    ctx.engine({
      method:
        'frame detection (per-side scan of border uniformity): no frame found, image unchanged',
    });
    ctx.progress(1, 0);
    return { blob: ctx.input, width: image.width, height: image.height };
  }
  const { rect, depths, colour } = found;
  const hex = colour
    .slice(0, 3)
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('');
  ctx.engine({
    method: `frame detection (per-side scan of border uniformity): #${hex} frame of top ${depths.top}, right ${depths.right}, bottom ${depths.bottom}, left ${depths.left} px cropped to ${rect.width}×${rect.height}`,
  });
  const blob = encodeRegionPng(image, rect, rect, ctx);
  ctx.progress(1, 0);
  return { blob, width: rect.width, height: rect.height };
};
