import { inpaint } from '../common/inpaint/index.ts';
import { countMask, dilateMask } from '../common/inpaint/mask.ts';
import { inpaintWithOptionalModel } from '../common/inpaint/use-optional.ts';
import { pngBlob } from '@/media/png-stream.ts';
import { decodeMaskDataUrl, pauseFor, scaledNote } from '../common/worker-io.ts';
import type { OperationRun } from '../operation.ts';

/**
 * How far the caller's mask is grown before filling: a hand-drawn or exported mask usually stops
 * at the object's edge, and the anti-aliased rim and the object's soft shadow lie just outside.
 */
export const MASK_GROW_PX = 2;

/** Fills the masked area from its surroundings (see src/ops/common/inpaint). */
export const removeObject: OperationRun = async (params, ctx) => {
  const image = await ctx.image();
  const decoded = await decodeMaskDataUrl(String(params.mask_data_url), image.width, image.height);
  const mask = dilateMask(decoded.mask, MASK_GROW_PX);
  const note = `; mask grown by ${MASK_GROW_PX} px${scaledNote(decoded, image.width, image.height)}`;
  if (countMask(decoded.mask) === 0) {
    ctx.engine({ method: `nothing to fill: the mask has no white pixels${note}` });
    return { blob: pngBlob(image), width: image.width, height: image.height };
  }
  ctx.engine({ method: `inpainting${note}` });
  const byModel = await inpaintWithOptionalModel(image, mask, ctx, (f) => ctx.progress(f, null));
  if (byModel) {
    ctx.engine({ model: byModel.model, method: `${byModel.method}${note}` });
    return { blob: pngBlob(image), width: image.width, height: image.height };
  }
  const report = await inpaint(image, mask, {
    pause: pauseFor(ctx),
    onProgress: (f) => ctx.progress(f, null),
  });
  ctx.engine({ method: `${report.method}${note}` });
  return { blob: pngBlob(image), width: image.width, height: image.height };
};
