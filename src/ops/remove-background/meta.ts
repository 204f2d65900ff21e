import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'remove-background',
  label: 'Remove background',
  description:
    'Cuts the subject out with a soft-edged matte from ISNet: hair and blurred edges stay partly transparent, and edge colours are cleaned of the old background.',
  params: {
    output_format: {
      type: 'enum',
      label: 'Format',
      help: 'png keeps the transparency; jpg has none, so the cut-out subject is put on white.',
      default: 'png',
      choices: ['png', 'jpg'],
      choiceLabels: { png: 'PNG (transparent background)', jpg: 'JPEG (on white)' },
    },
  },
  models: ['isnet'],
  tag: () => 'no-background',
};
