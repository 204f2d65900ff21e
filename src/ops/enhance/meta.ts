import type { OperationMeta } from '../operation.ts';

/** The photo models a person chooses between, in plain words; `auto` picks for the device. */
export const PHOTO_MODEL_CHOICES = ['auto', 'real-esrgan', 'best', 'faithful'] as const;
export type PhotoModelChoice = (typeof PHOTO_MODEL_CHOICES)[number];

/** The Real-ESRGAN photo models by choice, as manifest ids; both work at ×4. */
export const REAL_ESRGAN = { general: 'realesr-general-x4v3', best: 'realesrgan-x4plus' } as const;

export const meta: OperationMeta = {
  name: 'enhance',
  label: 'Upscale',
  description:
    'AI upscaling for photos with Real-ESRGAN: it draws real detail, and cleans up JPEG blocks and noise on the way.',
  params: {
    scale: {
      type: 'integer',
      label: 'Scale',
      help: 'How many times wider and taller the result is: any whole number from 2 to 8.',
      more: 'Real-ESRGAN works at ×4; other sizes are made from its ×4 result with a high-quality (Lanczos) resize.',
      unit: '×',
      default: 4,
      min: 2,
      max: 8,
      presets: [2, 3, 4, 8],
      required: true,
    },
    model: {
      type: 'enum',
      label: 'Model',
      help: 'auto picks for this device. real-esrgan: sharp and quick anywhere. best: the most natural texture, made for a graphics card; without one it is 30 to 45 times slower. faithful: fastest and closest to the photo, little sharper than a plain resize.',
      more: 'real-esrgan is Real-ESRGAN general (realesr-general-x4v3); best is Real-ESRGAN x4plus, which auto picks when a graphics card is present (about half an hour for a 1-megapixel photo without one); faithful is ESRGAN medium.',
      default: 'auto',
      choices: PHOTO_MODEL_CHOICES,
      choiceLabels: {
        auto: 'Automatic',
        'real-esrgan': 'Real-ESRGAN (sharp, general photos)',
        best: 'Best (slow, Real-ESRGAN x4plus)',
        faithful: 'Faithful (fastest)',
      },
    },
  },
  models: [
    REAL_ESRGAN.general,
    REAL_ESRGAN.best,
    'esrgan-medium-x2',
    'esrgan-medium-x3',
    'esrgan-medium-x4',
    'esrgan-medium-x8',
  ],
  tag: (params) => `enhance-x${String(params.scale)}`,
};
