import type { OperationMeta } from '../operation.ts';
import { maskParam } from '../remove-object/meta.ts';

export const meta: OperationMeta = {
  name: 'remove-text',
  label: 'Remove text',
  description:
    'Finds text and watermarks with the PP-OCRv4 text detector and fills them from their surroundings; or removes what a mask covers.',
  params: {
    auto_detect: {
      type: 'boolean',
      label: 'Find text automatically',
      help: 'Detect text with PP-OCRv4. With a mask as well, both are removed.',
      default: true,
    },
    mask_data_url: maskParam(
      false,
      'What to remove, as a base64 data: URL of an image (data:image/png;base64,…): white = remove, black = keep. Required when auto_detect is false; scaled to the photo if its size differs.',
    ),
  },
  models: ['ppocr-v4-det'],
  check: (params) =>
    params.auto_detect === false && params.mask_data_url === null
      ? 'mask_data_url is required when auto_detect is false'
      : null,
  tag: () => 'remove-text',
};
