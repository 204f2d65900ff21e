import type { OperationMeta } from '../../operation.ts';

export const meta: OperationMeta = {
  name: 'enhance-face',
  label: 'Enhance faces',
  description:
    'Finds every face (BlazeFace), aligns each to a canonical frame, rebuilds it with the photo super-resolution network plus a gentle sharpening, and blends it back under a feathered mask.',
  params: {
    enhancement_level: {
      type: 'number',
      label: 'Strength',
      help: '0 leaves the photo as it is, 1 uses the rebuilt faces fully; in between, a blend.',
      default: 0.8,
      min: 0,
      max: 1,
    },
  },
  models: ['face-detect-full', 'face-detect-short', 'esrgan-medium-x4', 'esrgan-medium-x2'],
  tag: () => 'enhance-face',
};
