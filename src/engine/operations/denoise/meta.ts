import type { OperationMeta } from '../../operation.ts';

export const meta: OperationMeta = {
  name: 'denoise',
  label: 'Remove noise',
  description:
    'Removes noise and JPEG artefacts. The noise is measured first: sensor-like (white) noise goes to non-local means, which matched or beat the networks on it in every test; JPEG blocking, ringing and light noise go to the waifu2x CUnet denoiser trained for them. The job records which ran and why.',
  params: {
    enhancement_level: {
      type: 'number',
      label: 'Strength',
      help: 'How hard to denoise, 0 (lightest) to 1 (strongest). For JPEG artefacts it picks the CUnet model: below 0.25 level 0, below 0.5 level 1, below 0.75 level 2, otherwise level 3. For white noise it sets non-local means’ filtering strength h from 0.3σ to 0.8σ of the measured noise (0.5 gives the reference 0.55σ).',
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
