import { checkImageDataUrl } from '@/media/data-url.ts';
import type { OperationMeta, ParamSpec } from '../operation.ts';

/** A mask picture as a data: URL, shared by remove-object and remove-text. */
export function maskParam(required: boolean, help: string): ParamSpec {
  return {
    type: 'json',
    label: 'Mask',
    help,
    default: null,
    schema: {
      type: 'string',
      pattern: '^data:image/[A-Za-z0-9.+-]+(;[^,]*)?;base64,',
      contentEncoding: 'base64',
      examples: ['data:image/png;base64,iVBORw0KGgo…'],
    },
    validate: checkImageDataUrl,
    required,
  };
}

export const meta: OperationMeta = {
  name: 'remove-object',
  label: 'Remove object',
  description:
    'Removes what a mask covers and fills it from its surroundings: patches of the photo for large areas, OpenCV inpainting for thin ones.',
  params: {
    mask_data_url: maskParam(
      true,
      'The area to remove, as a base64 data: URL of an image (data:image/png;base64,…): white = remove, black = keep. A mask of another size is scaled to the photo.',
    ),
  },
  models: [],
  // `null` passes the parameter's own check (it means "not given"), but this one is required.
  check: (params) =>
    params.mask_data_url === null
      ? 'mask_data_url is required (a data:image/png;base64,… URL)'
      : null,
  tag: () => 'remove-object',
};
