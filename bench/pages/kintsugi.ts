/// <reference types="@webgpu/types" />
// The page side of the Kintsugi bench: the runner (bench/run.ts) drives it through window.bench.
import * as Comlink from 'comlink';
import { InferenceClient } from '../../src/engine/inference-client.ts';
import { loadModel } from '../../src/inference/model-store.ts';
import { manifest } from '../../src/inference/models.ts';
import type { EngineRecord } from '../../src/jobs/job.ts';
import { checkPng, type PngCheck } from './png-check.ts';
import { photo } from './photo.ts';
import type { KintsugiBenchWorker } from './kintsugi-worker.ts';

/** Starts the engine before a cold start is timed: a model no bench row measures. */
const WARM_MODEL = 'realesr-animevideov3-x2';

const workers = new Map<number, Comlink.Remote<KintsugiBenchWorker>>();
let nextId = 1;

function workerApi(id: number): Comlink.Remote<KintsugiBenchWorker> {
  const api = workers.get(id);
  if (!api) throw new Error(`No bench worker ${id}`);
  return api;
}

export interface EngineJobResult {
  ms: number;
  engine: EngineRecord | null;
  png: PngCheck;
}

const bench = {
  async adapter() {
    if (!navigator.gpu) return null;
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
    return {
      vendor,
      architecture,
      device,
      description,
      isFallbackAdapter,
      shaderF16: adapter.features.has('shader-f16'),
    };
  },

  /** Fetches, checks and keeps the fp32-compute variant, so later session starts read the cache. */
  async cache(modelId: string, variantId?: string): Promise<void> {
    const model = manifest.models.find((m) => m.id === modelId);
    const variant = model?.variants.find((v) =>
      variantId ? v.id === variantId : v.compute === 'float32',
    );
    if (!variant) throw new Error(`No model ${modelId}`);
    await loadModel(variant);
  },

  /** A worker with onnxruntime-web started on WARM_MODEL (see the worker's configure). */
  async startWorker(threads: number, backend: 'wasm' | 'webgpu') {
    await bench.cache(WARM_MODEL);
    const worker = new Worker(new URL('./kintsugi-worker.ts', import.meta.url), { type: 'module' });
    const api = Comlink.wrap<KintsugiBenchWorker>(worker);
    const id = nextId++;
    workers.set(id, api);
    return { id, ...(await api.configure(threads, backend, WARM_MODEL)) };
  },

  async coldStart(id: number, modelId: string, size: number) {
    return workerApi(id).coldStart(modelId, await photo(size, size));
  },

  async speed(
    id: number,
    modelId: string,
    width: number,
    height: number,
    budgetMs: number,
    variantId?: string,
  ) {
    return workerApi(id).speed(modelId, await photo(width, height), budgetMs, variantId);
  },

  /** A whole job through the app's inference client and worker: decode, tiles, PNG stream. */
  async engineJob(url: string, scale: number): Promise<EngineJobResult> {
    const input = await (await fetch(url)).blob();
    const client = new InferenceClient();
    let engine: EngineRecord | null = null;
    const started = performance.now();
    const result = await client.run(
      { operation: 'enhance', params: { scale }, input, backend: 'wasm' },
      new AbortController().signal,
      () => {},
      (record) => (engine = record),
    );
    const ms = performance.now() - started;
    return { ms, engine: result.engine ?? engine, png: await checkPng(result.blob) };
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}

window.bench = bench;
document.body.dataset.ready = String(self.crossOriginIsolated);
