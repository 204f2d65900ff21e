import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'blur-background',
  label: 'Blur background',
  description:
    'Keeps the subject sharp and blurs what is behind it: an ISNet matte, the background blurred without the subject in it (no halo), and the subject laid back over it with its soft edges.',
  params: {
    blur_radius: {
      type: 'number',
      label: 'Blur strength',
      help: 'How strongly the background is blurred, in pixels of the photo: 1 barely softens it, 100 melts it away.',
      more: 'The standard deviation of the Gaussian blur, as CSS blur() counts it.',
      unit: 'px',
      default: 20,
      min: 1,
      max: 100,
    },
    output_format: {
      type: 'enum',
      label: 'Format',
      help: 'png (lossless, keeps any transparency the photo had) or jpg.',
      default: 'png',
      choices: ['png', 'jpg'],
      choiceLabels: { png: 'PNG (best quality)', jpg: 'JPEG (smaller file)' },
    },
  },
  models: ['isnet'],
  tag: (params) => `blur-background-${String(params.blur_radius)}`,
};
