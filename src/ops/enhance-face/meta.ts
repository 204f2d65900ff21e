import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'enhance-face',
  label: 'Enhance faces',
  description:
    'Finds every face and redraws it cleanly: blur, noise and JPEG blocks go, the person’s own features and tones stay. Uses a face restoration model (GFPGAN or CodeFormer) when one is added in Settings; otherwise Real-ESRGAN on each aligned face. A photo with no face comes back unchanged.',
  params: {
    enhancement_level: {
      type: 'number',
      label: 'Strength',
      help: '0 leaves the photo as it is, 1 uses the redrawn faces fully; in between, a blend.',
      default: 0.8,
      min: 0,
      max: 1,
    },
  },
  models: ['face-detect-full', 'face-detect-short', 'realesr-general-x4v3'],
  tag: () => 'enhance-face',
};
