import type { OperationMeta } from '../operation.ts';

/**
 * Not one of the seed's operations (the operations API does not take it): the restorations
 * dialect puts it first in a chain when asked to `remove_frame`.
 */
export const meta: OperationMeta = {
  name: 'remove-frame',
  label: 'Remove frame',
  description:
    'Find a uniform border around the photo (a print’s white edge, a mat, the scanner bed), even when the print sits a little crooked, and crop it away. A photo without one is left as it is.',
  params: {},
  models: [],
  tag: () => 'unframed',
};
