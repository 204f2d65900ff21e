import type { OperationMeta } from '../../operation.ts';

export const meta: OperationMeta = {
  name: 'enhance',
  label: 'Upscale',
  description: 'AI upscaling for photos: a super-resolution network adds real detail.',
  params: {
    scale: {
      type: 'integer',
      label: 'Scale',
      help: 'How many times wider and taller the result is: any whole number from 2 to 8. Models exist for ×2, ×3, ×4 and ×8; ×5, ×6 and ×7 run the ×8 model and shrink its output to exactly the asked size with Lanczos-3.',
      default: 4,
      min: 2,
      max: 8,
      presets: [2, 3, 4, 8],
      required: true,
    },
  },
  models: ['esrgan-medium-x2', 'esrgan-medium-x3', 'esrgan-medium-x4', 'esrgan-medium-x8'],
  tag: (params) => `enhance-x${String(params.scale)}`,
};
