import type { ModelEntry } from '@models/manifest.ts';
import type { ModelCatalogue } from '@/inference/models.ts';
import { COLORIZE } from './meta.ts';

/** A colorisation model in the manifest: one the user added ("bring your own model"). */
export function colorizationModel(catalogue: ModelCatalogue): ModelEntry | undefined {
  return catalogue.models.find((m) => m.operations.includes(COLORIZE) && m.scale === 1);
}
