import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'denoise',
  label: 'Remove noise',
  description:
    'Removes noise and JPEG artefacts. The noise is measured first: grainy, sensor-like (white) noise goes to CBM3D, which finds the many similar small patches of a photo and averages their noise away together, in colour; JPEG blocking, ringing and light noise go to the waifu2x CUnet denoiser trained for them. The job records which ran and why.',
  params: {
    enhancement_level: {
      type: 'number',
      label: 'Strength',
      help: 'How hard to clean, 0 (lightest, keeps fine detail and some grain) to 1 (strongest, smoother). 0.5 removes as much noise as was measured in the photo.',
      more: 'For JPEG artefacts it picks the CUnet model: below 0.25 level 0, below 0.5 level 1, below 0.75 level 2, otherwise level 3. For grainy noise it sets how much noise CBM3D removes: 0.5 removes as much as was measured in the photo, 0 about 60 % of that, 1 about 140 %.',
      default: 0.5,
      min: 0,
      max: 1,
    },
  },
  models: [
    'waifu2x-cunet-noise0',
    'waifu2x-cunet-noise1',
    'waifu2x-cunet-noise2',
    'waifu2x-cunet-noise3',
  ],
  tag: () => 'denoise',
};
