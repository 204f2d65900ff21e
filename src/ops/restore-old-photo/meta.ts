import { hasHints, hintsParam } from '../common/colorize/hints-param.ts';
import type { OperationMeta } from '../operation.ts';

/**
 * The operation name a colorisation model lists (in the manifest, or an optional model's
 * catalogue entry). No colorisation network is published on npm (DeOldify, DDColor and the like
 * ship only as PyTorch or hub downloads), so this build has none of its own.
 */
export const COLORIZE = 'colorize';

/** Said at validation (400) and, should a job get past that, when it runs (failed, with this). */
export const noColorizationModel =
  'enable_colorization needs a colorization model, and none is installed: no model in models/manifest.json lists the "colorize" operation (no colorization network is available on npm). Send enable_colorization: false, or add a colorization model (Settings → Optional models: DDColor or DeOldify)';

export const meta: OperationMeta = {
  name: 'restore-old-photo',
  label: 'Restore old photo',
  description:
    'Finds scratches and dust specks and fills them in from the picture around them, leaving every other pixel as it was. Brings back the contrast and colour balance of a faded or yellowed print (a photo that is not faded stays as it is), removes noise only when the photo is noisy, restores faces, and can add colour: colorisation needs a colorisation model, or colour hints painted in the app (color_hints_data_url), which are spread over the photo (Levin et al. 2004).',
  params: {
    face_enhancement_level: {
      type: 'number',
      label: 'Face restoration',
      help: 'How strongly faces are restored, 0 (not at all) to 1. Needs the enhance-face operation in this build.',
      default: 0.5,
      min: 0,
      max: 1,
    },
    auto_repair_damage: {
      type: 'boolean',
      label: 'Repair scratches and dust',
      help: 'Find thin scratches and dust specks and fill them from what surrounds them. Nothing else in the photo changes.',
      default: true,
    },
    color_boost: {
      type: 'number',
      label: 'Colour boost',
      help: 'Multiplies colour saturation (OKLCH chroma), 1.0 (unchanged) to 2.0, softly limited at the edge of what a screen shows.',
      default: 1,
      min: 1,
      max: 2,
    },
    enable_colorization: {
      type: 'boolean',
      label: 'Colorize',
      help: 'Add colour to a black-and-white photo. Needs a colorization model: add DDColor or DeOldify in Settings → Optional models.',
      default: false,
    },
    colorization_strength: {
      type: 'number',
      label: 'Colorization strength',
      help: 'How much of the colorization to apply, 0 to 1 (the photo’s own tones are always kept).',
      default: 1,
      min: 0,
      max: 1,
    },
    color_hints_data_url: hintsParam,
  },
  models: [],
  check: (params, installed) =>
    params.enable_colorization === true &&
    !hasHints(params) &&
    installed !== undefined &&
    !installed.operations.has(COLORIZE)
      ? noColorizationModel
      : null,
  tag: () => 'restored',
};
