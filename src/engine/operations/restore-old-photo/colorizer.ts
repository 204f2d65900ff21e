import type { ModelEntry } from '../../../../models/manifest.ts';
import { manifest } from '../../models.ts';

/**
 * The manifest operation name a colorisation model lists. No colorisation network is published
 * on npm (DeOldify, DDColor and the like ship only as PyTorch or hub downloads), so none is in
 * this build's manifest; a user who adds one ("bring your own model": an ONNX file taking RGB and
 * giving RGB at scale 1, with a manifest entry whose operations include this name) gets it used.
 */
export const COLORIZE = 'colorize';

export function colorizationModel(): ModelEntry | undefined {
  return manifest.models.find((m) => m.operations.includes(COLORIZE) && m.scale === 1);
}

/** Said at validation (400) and, should a job get past that, when it runs (failed, with this). */
export const noColorizationModel =
  'enable_colorization needs a colorization model, and none is installed: no model in models/manifest.json lists the "colorize" operation (no colorization network is available on npm). Send enable_colorization: false, or add a colorization model (Settings → Optional models: DDColor or DeOldify)';
