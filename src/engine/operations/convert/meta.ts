import { defaultQuality, outputFormats } from '../../../../workers/formats.ts';
import type { OperationMeta } from '../../operation.ts';

export const meta: OperationMeta = {
  name: 'convert',
  label: 'Convert format',
  description: 'Re-encode the image as PNG, JPEG, WebP or AVIF with real codecs.',
  params: {
    output_format: {
      type: 'enum',
      label: 'Format',
      help: 'png (lossless, oxipng-optimised), jpg or jpeg (MozJPEG; JPEG has no transparency, so transparent pixels are composited over white), webp (libwebp, keeps transparency), or avif (libavif, keeps transparency; a Kintsugi extra beyond the seed’s png/jpg/jpeg/webp).',
      default: 'png',
      choices: outputFormats,
      required: true,
    },
    quality: {
      type: 'integer',
      label: 'Quality',
      help: 'For jpg, jpeg, webp and avif: 1 (smallest file) to 100 (best). PNG is always lossless and ignores it.',
      default: defaultQuality,
      min: 1,
      max: 100,
    },
  },
  models: [],
  tag: (params) => `convert-${String(params.output_format)}`,
};
