import type { OperationMeta } from '../../operation.ts';

export const meta: OperationMeta = {
  name: 'enhance',
  label: 'Upscale',
  description: 'AI upscaling for photos: a super-resolution network adds real detail.',
  params: {
    scale: {
      type: 'integer',
      label: 'Scale',
      help: 'How many times wider and taller the result is.',
      default: 4,
      min: 2,
      max: 4,
      choices: [2, 4],
      required: true,
    },
  },
  models: ['esrgan-medium-x2', 'esrgan-medium-x4'],
  tag: (params) => `enhance-x${String(params.scale)}`,
};
