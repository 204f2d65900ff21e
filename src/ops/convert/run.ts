import {
  type OutputFormat,
  encodeImage,
  encoderNames,
  formatHasAlpha,
} from '@/media/codecs/encode.ts';
import { hasTransparency } from '@/media/image.ts';
import type { OperationRun } from '../operation.ts';

/** Decodes the input and writes it again in the asked format. */
export const convert: OperationRun = async (params, ctx) => {
  const format = params.output_format as OutputFormat;
  const quality = Number(params.quality);
  const image = await ctx.image();
  const lossy = format !== 'png';
  const flattened = !formatHasAlpha[format] && hasTransparency(image);
  ctx.engine({
    method: [
      `${encoderNames[format]}${lossy ? ` q${quality}` : ''}`,
      flattened ? 'transparency composited over white (JPEG has no alpha)' : '',
    ]
      .filter(Boolean)
      .join('; '),
  });
  ctx.progress(0.1, null);
  ctx.throwIfCanceled();
  const blob = await encodeImage(image, format, quality);
  ctx.progress(1, 0);
  return { blob, width: image.width, height: image.height };
};
