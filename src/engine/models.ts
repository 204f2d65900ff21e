import manifestJson from '../../models/manifest.json';
import type { Manifest, ModelEntry, ModelVariant } from '../../models/manifest.ts';

export const manifest = manifestJson as Manifest;

export function findModel(operation: string, scale: number): ModelEntry | undefined {
  return manifest.models.find((m) => m.operations.includes(operation) && m.scale === scale);
}

/** The variant this backend should run: fp16 compute only where the GPU has shader-f16. */
export function pickVariant(model: ModelEntry): ModelVariant {
  const variant = model.variants.find((v) => v.compute === 'float32') ?? model.variants[0];
  if (!variant) throw new Error(`The model ${model.id} has no files`);
  return variant;
}
