import manifestJson from '@models/manifest.json';
import type { Manifest, ModelEntry, ModelVariant } from '@models/manifest.ts';

/** The models this build ships (models/manifest.json); never changed at run time. */
export const manifest: Readonly<Manifest> = manifestJson as Manifest;

/**
 * The models a run may use: those added in Settings (own-models.ts) first, each taking the place
 * of the built-in models of its operation and scale, then the rest of the build's. The inference
 * runtime makes one per run from what is stored then, and operations read it from their context.
 */
export class ModelCatalogue {
  readonly models: readonly ModelEntry[];
  private readonly own: ReadonlySet<ModelEntry>;

  constructor(own: readonly ModelEntry[] = []) {
    const replaced = (model: ModelEntry) =>
      own.some(
        (o) => o.scale === model.scale && o.operations.some((op) => model.operations.includes(op)),
      );
    this.own = new Set(own);
    this.models = [...own, ...manifest.models.filter((model) => !replaced(model))];
  }

  /** Whether a model was added in Settings rather than built. */
  isOwn(model: ModelEntry): boolean {
    return this.own.has(model);
  }

  byId(id: string): ModelEntry | undefined {
    return this.models.find((m) => m.id === id);
  }

  /** The first model of an operation at a scale. */
  find(operation: string, scale: number): ModelEntry | undefined {
    return this.models.find((m) => m.operations.includes(operation) && m.scale === scale);
  }
}

/** How a device computes: float16 only on WebGPU with an adapter that has shader-f16. */
export interface Compute {
  float16: boolean;
}

/** The compute of a backend choice (src/inference/backend.ts), as the runtime and the page see it. */
export function computeOf(choice: { backend: 'webgpu' | 'wasm'; shaderF16: boolean }): Compute {
  return { float16: choice.backend === 'webgpu' && choice.shaderF16 };
}

/**
 * The file a device with this compute runs: the float16-compute variant where it has one and
 * the device computes in float16, else the first float32 one. Pure: the inference runtime and
 * the page ("Make available offline") ask it the same question and get the same file.
 */
export function pickVariant(
  model: Pick<ModelEntry, 'id' | 'variants'>,
  compute: Compute,
): ModelVariant {
  const wanted = compute.float16 ? 'float16' : 'float32';
  const variant =
    model.variants.find((v) => v.compute === wanted) ??
    model.variants.find((v) => v.compute === 'float32') ??
    model.variants[0];
  if (!variant) throw new Error(`The model ${model.id} has no files`);
  return variant;
}
