import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'deblur',
  label: 'Remove blur',
  description:
    'Removes focus blur and sharpens. No deblurring network ships on npm, so this is a classical deconvolution: the blur is measured at the picture’s own edges (as a Gaussian point-spread function), then undone by a regularised Wiener filter on each colour channel, damped by the measured noise so it does not ring. A sharp picture is left as it is. Motion blur (a streak, not a spot) is not modelled.',
  params: {
    strength: {
      type: 'number',
      label: 'Strength',
      help: 'How much of the measured blur to undo: 1 undoes what the edges show, 0.5 is gentler, 1.5 sharpens more (for a picture softer than it measures).',
      more: '0.5 undoes half of the measured blur width, 1.5 half again more.',
      default: 1,
      min: 0.5,
      max: 1.5,
    },
  },
  models: [],
  tag: () => 'deblur',
};
