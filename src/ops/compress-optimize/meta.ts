import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'compress-optimize',
  label: 'Compress',
  description:
    'Make the file smaller in its own format: MozJPEG for JPEG, libwebp for WebP, libavif for AVIF, oxipng (lossless) for PNG. A photographic, opaque PNG at quality below 100 becomes a MozJPEG JPEG when that is smaller. Never returns a larger file than the input.',
  params: {
    quality: {
      type: 'integer',
      label: 'Quality',
      help: '1 (smallest file) to 100 (best). 100 keeps PNGs lossless; JPEG, WebP and AVIF are saved again at this quality.',
      default: 85,
      min: 1,
      max: 100,
    },
  },
  models: [],
  tag: (params) => `compress-q${String(params.quality)}`,
};
