/// <reference lib="webworker" />
// One bench configuration (backend + thread count) per worker: onnxruntime-web fixes its thread
// pool when the first session starts, so "1 thread" and "all threads" cannot share a worker.
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
import { manifest } from '../../src/inference/models.ts';
import { CanceledError, ModelRuntime } from '../../src/inference/runtime.ts';
import type { RgbaImage } from '../../src/media/image.ts';
import type { ModelEntry, ModelVariant } from '../../models/manifest.ts';
import type { ColdStart, SpeedResult } from '../lib/report.ts';

let runtime = new ModelRuntime();
let backend: 'wasm' | 'webgpu' = 'wasm';

function find(modelId: string, variantId?: string): { model: ModelEntry; variant: ModelVariant } {
  const model = manifest.models.find((m) => m.id === modelId);
  if (!model) throw new Error(`No model ${modelId} in the manifest`);
  const variant = variantId
    ? model.variants.find((v) => v.id === variantId)
    : model.variants.find((v) => v.compute === 'float32');
  if (!variant)
    throw new Error(`The model ${modelId} has no variant ${variantId ?? 'fp32 compute'}`);
  return { model, variant };
}

async function timedRun(
  modelId: string,
  image: RgbaImage,
  budgetMs: number,
  stopAfterTiles = Infinity,
  variantId?: string,
): Promise<SpeedResult & { firstTileMs: number }> {
  const { model, variant } = find(modelId, variantId);
  const started = performance.now();
  let firstTileMs = 0;
  let tilesDone = 0;
  let tiles = 0;
  let lastAt = started;
  try {
    const out = await runtime.runTiled({
      model,
      variant,
      image,
      sink: () => {},
      onProgress: (p) => {
        lastAt = performance.now();
        if (p.done === 1) firstTileMs = lastAt - started;
        tilesDone = p.done;
        tiles = p.total;
      },
      isCanceled: () =>
        tilesDone >= stopAfterTiles || (budgetMs > 0 && performance.now() - started > budgetMs),
    });
    tiles = out.tiles;
  } catch (error) {
    if (!(error instanceof CanceledError)) throw error;
  }
  const elapsed = lastAt - started;
  const complete = tilesDone === tiles;
  const outMp = (image.width * image.height * model.scale * model.scale) / 1e6;
  return {
    mpPerSecond: ((tilesDone / tiles) * outMp) / (elapsed / 1000),
    latencyMs: complete ? elapsed : (elapsed / tilesDone) * tiles,
    complete,
    tilesDone,
    tiles,
    firstTileMs,
  };
}

const api = {
  /**
   * Must come first: sets the thread count, then starts onnxruntime-web (its WASM module and
   * thread pool, or its WebGPU device) with one session of `warmModel`, which is then dropped:
   * engineMs, kept apart from the cold start of the model measured after it.
   */
  async configure(threads: number, preference: 'wasm' | 'webgpu', warmModel: string) {
    ort.env.wasm.numThreads = threads;
    backend = preference;
    const choice = await runtime.backend(preference);
    const started = performance.now();
    await (await runtime.session(find(warmModel).variant)).release();
    const engineMs = performance.now() - started;
    runtime = new ModelRuntime();
    await runtime.backend(preference);
    return {
      engineMs,
      crossOriginIsolated: self.crossOriginIsolated,
      threads: ort.env.wasm.numThreads,
      backend: choice.backend,
      reason: choice.reason,
      shaderF16: choice.shaderF16,
    };
  },

  /**
   * Session creation (from the model cache: the page fetched it before) plus the first finished
   * tile of a photo, in a runtime with no session yet, on an engine configure() started.
   */
  async coldStart(modelId: string, image: RgbaImage): Promise<ColdStart> {
    runtime = new ModelRuntime();
    await runtime.backend(backend);
    const { variant } = find(modelId);
    const started = performance.now();
    await runtime.session(variant);
    const sessionMs = performance.now() - started;
    const run = await timedRun(modelId, image, 0, 1);
    return { sessionMs, firstTileMs: run.firstTileMs, totalMs: sessionMs + run.firstTileMs };
  },

  async speed(
    modelId: string,
    image: RgbaImage,
    budgetMs: number,
    variantId?: string,
  ): Promise<SpeedResult> {
    await timedRun(modelId, image, 0, 1, variantId); // the warm tile: this shape, this session
    const { firstTileMs: _, ...result } = await timedRun(
      modelId,
      image,
      budgetMs,
      Infinity,
      variantId,
    );
    return result;
  },

  backendRecord() {
    return runtime.engineRecord();
  },
};

export type KintsugiBenchWorker = typeof api;
Comlink.expose(api);
