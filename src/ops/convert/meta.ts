import { defaultQuality, outputFormats } from '@/media/formats.ts';
import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'convert',
  label: 'Convert format',
  description: 'Re-encode the image as PNG, JPEG, WebP or AVIF with real codecs.',
  params: {
    output_format: {
      type: 'enum',
      label: 'Format',
      help: 'png (lossless), jpg or jpeg (no transparency: transparent parts become white), webp (keeps transparency) or avif (smallest, keeps transparency).',
      more: 'PNG is optimised with oxipng, JPEG encoded with MozJPEG, WebP with libwebp and AVIF with libavif.',
      default: 'png',
      choices: outputFormats,
      choiceLabels: {
        png: 'PNG (lossless)',
        jpg: 'JPEG (.jpg, photos, no transparency)',
        jpeg: 'JPEG (.jpeg, photos, no transparency)',
        webp: 'WebP (small, keeps transparency)',
        avif: 'AVIF (smallest, keeps transparency)',
      },
      hiddenChoices: ['jpeg'],
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
