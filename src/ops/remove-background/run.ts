import { encodeImage } from '@/media/codecs/encode.ts';
import { composite } from '../common/matte/compose.ts';
import { cutOutSubject } from '../common/matte/subject.ts';
import type { OperationRun } from '../operation.ts';

/** The subject's own colours with the matte as alpha (straight, soft), as PNG or on white. */
export const removeBackground: OperationRun = async (params, ctx) => {
  const format = params.output_format === 'jpg' ? 'jpg' : 'png';
  const subject = await cutOutSubject(ctx, 0.9);
  const { width, height } = subject.image;
  const data = composite(subject.fg, subject.alpha, null);
  const blob = await encodeImage({ width, height, data }, format);
  ctx.progress(1, 0);
  return { blob, width, height };
};
