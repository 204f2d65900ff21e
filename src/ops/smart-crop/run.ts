import { encodeImage } from '@/media/codecs/encode.ts';
import { saliencyMap } from '../common/saliency/saliency.ts';
import { chooseCrop, cropPixels, parseRatio } from '../common/saliency/smart-crop.ts';
import { type Detection, detectFaces } from '../common/faces/detect.ts';
import type { OperationRun } from '../operation.ts';

/** Longest side of the saliency map the crop is scored on. */
const SALIENCY_WORK_SIDE = 256;

export const smartCrop: OperationRun = async (params, ctx) => {
  const ratio = parseRatio(String(params.aspect_ratio));
  const paddingPercent = Number(params.padding_percent);
  const image = await ctx.image();
  const { width, height } = image;
  ctx.progress(0.05, null);

  let faces: Detection[] = [];
  let detectors = 'no face detector installed';
  try {
    const found = await detectFaces(image, ctx.models);
    faces = found.faces;
    detectors = found.models.join(' + ');
    ctx.engine({ model: found.models[0] });
  } catch (error) {
    if (!(error instanceof Error && /No face detection model/.test(error.message))) throw error;
  }
  ctx.throwIfCanceled();
  ctx.progress(0.5, null);

  const scale = Math.min(1, SALIENCY_WORK_SIDE / Math.max(width, height));
  const saliency = saliencyMap(
    image,
    Math.max(1, Math.round(width * scale)),
    Math.max(1, Math.round(height * scale)),
  );
  const crop = chooseCrop({ width, height, ratio, paddingPercent, saliency, faces });
  ctx.engine({
    method: `spectral-residual saliency (Hou & Zhang 2007); faces: ${faces.length} by ${detectors}, kept in the crop: ${crop.faces}; crop ${crop.width}×${crop.height} at (${crop.x}, ${crop.y})`,
  });
  const data = cropPixels(image.data, width, crop);
  const blob = await encodeImage({ width: crop.width, height: crop.height, data }, 'png');
  ctx.progress(1, 0);
  return { blob, width: crop.width, height: crop.height };
};
