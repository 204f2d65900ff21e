import { encodeImage } from '@/media/codecs/encode.ts';
import { blurBehindSubject, composite } from '../common/matte/compose.ts';
import { cutOutSubject } from '../common/matte/subject.ts';
import type { OperationRun } from '../operation.ts';

/**
 * ISNet rather than the selfie segmenter: it mattes any subject (people, pets, objects), and its
 * matte is soft at hair and edges where the selfie model's 256 × 256 mask is coarse.
 */
export const blurBackground: OperationRun = async (params, ctx) => {
  const sigma = Number(params.blur_radius);
  const format = params.output_format === 'jpg' ? 'jpg' : 'png';
  const subject = await cutOutSubject(ctx, 0.7);
  const { image, rgb, fg, alpha } = subject;
  const { width, height } = image;
  ctx.engine({
    method: `${subject.method}; background blurred σ=${sigma}px (three box blurs ≈ Gaussian) as a normalised convolution without the subject, subject composited back (premultiplied)`,
  });
  ctx.throwIfCanceled();
  const behind = blurBehindSubject(rgb, fg, alpha, width, height, sigma);
  ctx.progress(0.95, null);
  const data = composite(fg, alpha, { image: behind });
  // The photo's own transparency stays where it was.
  for (let i = 0; i < width * height; i++) data[i * 4 + 3] = image.data[i * 4 + 3]!;
  const blob = await encodeImage({ width, height, data }, format);
  ctx.progress(1, 0);
  return { blob, width, height };
};
