import type { ModelEntry } from '../../../../models/manifest.ts';
import { manifest } from '../../models.ts';
import { COLORIZE } from './meta.ts';

/** A colorisation model in the manifest: one the user added ("bring your own model"). */
export function colorizationModel(): ModelEntry | undefined {
  return manifest.models.find((m) => m.operations.includes(COLORIZE) && m.scale === 1);
}
