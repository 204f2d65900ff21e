import { checkImageDataUrl } from '@/media/data-url.ts';
import type { ParamSpec } from '../../operation.ts';

/**
 * The painted colour hints of hint-guided colorization (a Kintsugi extra of restore-old-photo):
 * a picture as a data: URL, as remove-object's mask travels. Plain data, so the metas, the API
 * validators and the UI read it without loading the solver.
 */
export const HINTS_PARAM = 'color_hints_data_url';

export const hintsParam: ParamSpec = {
  type: 'json',
  label: 'Colour hints',
  help: 'Strokes of colour painted over the photo, as a base64 data: URL of a PNG (data:image/png;base64,…): a pixel with alpha ≥ 128 gives its colour to what looks like it, transparent pixels give none. Any size: it is scaled to the photo. Colorizes without a model (Levin et al. 2004); the app paints it for you.',
  default: null,
  schema: {
    type: 'string',
    pattern: '^data:image/[A-Za-z0-9.+-]+(;[^,]*)?;base64,',
    contentEncoding: 'base64',
    examples: ['data:image/png;base64,iVBORw0KGgo…'],
  },
  validate: checkImageDataUrl,
};

export function hasHints(params: Record<string, unknown>): boolean {
  return typeof params[HINTS_PARAM] === 'string' && params[HINTS_PARAM] !== '';
}
