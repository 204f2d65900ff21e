import type { OperationMeta } from '../operation.ts';

/** The ratios smart-crop offers, width:height. */
export const ASPECT_RATIOS = ['1:1', '4:3', '16:9', '9:16', '3:2', '2:3'] as const;

export const meta: OperationMeta = {
  name: 'smart-crop',
  label: 'Smart crop',
  description:
    'Crops to an exact aspect ratio around what matters: the largest crop of that ratio, placed where the spectral-residual saliency is highest and always around the detected faces when they fit.',
  params: {
    aspect_ratio: {
      type: 'enum',
      label: 'Aspect ratio',
      help: 'Width:height of the crop. The crop is as large as the photo allows at that ratio, exact to the pixel.',
      default: '1:1',
      choices: ASPECT_RATIOS,
    },
    padding_percent: {
      type: 'number',
      label: 'Padding',
      help: 'Room kept around the subject, in percent of its size, so it sits away from the edges.',
      more: 'Faces are grown by this percentage of their size on every side before the crop must hold them, and salient content is scored only inside the crop less this margin.',
      unit: '%',
      default: 10,
      min: 0,
      max: 30,
    },
  },
  models: ['face-detect-full', 'face-detect-short'],
  tag: (params) => `crop-${String(params.aspect_ratio).replace(':', 'x')}`,
};
