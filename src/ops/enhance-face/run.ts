import { encodeImage } from '@/media/codecs/encode.ts';
import { detectFaces } from '../common/faces/detect.ts';
import { MAX_FACES, restoreFaces } from '../common/faces/restore.ts';
import { restoreWithOptionalModel } from '../common/faces/use-optional.ts';
import type { OperationRun } from '../operation.ts';

export const enhanceFace: OperationRun = async (params, ctx) => {
  const level = Number(params.enhancement_level);
  const image = await ctx.image();
  const { width, height } = image;
  ctx.progress(0.02, null);
  const found = await detectFaces(image, ctx.models);
  const detectors = found.models.join(' + ');
  ctx.throwIfCanceled();
  if (found.faces.length === 0 || level === 0) {
    ctx.engine({
      model: found.models[0],
      method:
        found.faces.length === 0
          ? `no face found by ${detectors}: the input is returned unchanged`
          : `${found.faces.length} face(s) found by ${detectors}; enhancement_level 0: the input is returned unchanged`,
    });
    ctx.progress(1, 0);
    return { blob: ctx.input, width, height };
  }
  ctx.progress(0.1, null);
  const optional = await restoreWithOptionalModel(image, found.faces, level, detectors, ctx);
  if (optional) return optional;
  const result = await restoreFaces({
    image,
    faces: found.faces,
    level,
    runtime: ctx.models,
    isCanceled: () => ctx.isCanceled(),
    onProgress: (f) => ctx.progress(0.1 + 0.85 * f, null),
  });
  if (result.restored === 0) {
    ctx.engine({
      model: found.models[0],
      method: `${found.faces.length} face(s) found by ${detectors}, all too small to restore: the input is returned unchanged`,
    });
    ctx.progress(1, 0);
    return { blob: ctx.input, width, height };
  }
  ctx.engine({
    model: result.models.join(' + '),
    variant: result.variants.join(' + '),
    method: `${found.faces.length} face(s) by ${detectors}; ${result.restored} restored (aligned to the FFHQ template, Real-ESRGAN ×4 and Lanczos back to size, the face’s own low frequencies kept, feathered paste at level ${level})${result.skipped ? `; ${result.skipped} too small or beyond ${MAX_FACES}, left as they were` : ''}`,
  });
  const blob = await encodeImage(result.image, 'png');
  ctx.progress(1, 0);
  return { blob, width, height };
};
