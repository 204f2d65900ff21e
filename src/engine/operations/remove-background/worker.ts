import { encodeImage } from '../../../../workers/encode.ts';
import { composite } from '../../background/compose.ts';
import { cutOutSubject } from '../../background/subject.ts';
import type { OpWorker } from '../worker-context.ts';

/** The subject's own colours with the matte as alpha (straight, soft), as PNG or on white. */
export const removeBackground: OpWorker = async (params, ctx) => {
  const format = params.output_format === 'jpg' ? 'jpg' : 'png';
  const subject = await cutOutSubject(ctx, 0.9);
  const { width, height } = subject.image;
  const data = composite(subject.fg, subject.alpha, null);
  const blob = await encodeImage({ width, height, data }, format);
  ctx.progress(1, 0);
  return { blob, width, height };
};
