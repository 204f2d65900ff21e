import manifestJson from '../../models/manifest.json';
import type { Manifest, ModelEntry, ModelVariant } from '../../models/manifest.ts';

export const manifest = manifestJson as Manifest;

const builtInModels = [...manifest.models];

/**
 * Models added in Settings (own-models.ts) take the place of the built-in models of their
 * operation and scale, in this thread's manifest; an empty list restores the built-ins.
 */
export function applyOwnModels(own: readonly ModelEntry[]): void {
  const replaced = (model: ModelEntry) =>
    own.some(
      (o) => o.scale === model.scale && o.operations.some((op) => model.operations.includes(op)),
    );
  manifest.models = [...own, ...builtInModels.filter((model) => !replaced(model))];
}

/** Whether a model was added in Settings (own-models.ts) rather than built. */
export function isOwnModel(model: ModelEntry): boolean {
  return !builtInModels.includes(model);
}

export function findModel(operation: string, scale: number): ModelEntry | undefined {
  return manifest.models.find((m) => m.operations.includes(operation) && m.scale === scale);
}

let float16Compute = false;

/**
 * Set by the inference worker's runtime once it has chosen the backend: true on WebGPU with an
 * adapter that has shader-f16, where models with a float16-compute variant run that one.
 */
export function useFloat16Compute(enabled: boolean): void {
  float16Compute = enabled;
}

/** The variant this backend should run: fp16 compute only where the GPU has shader-f16. */
export function pickVariant(model: Pick<ModelEntry, 'id' | 'variants'>): ModelVariant {
  const wanted = float16Compute ? 'float16' : 'float32';
  const variant =
    model.variants.find((v) => v.compute === wanted) ??
    model.variants.find((v) => v.compute === 'float32') ??
    model.variants[0];
  if (!variant) throw new Error(`The model ${model.id} has no files`);
  return variant;
}
