/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { BackendPreference } from '../src/engine/operation.ts';
import { operationWorkers } from '../src/engine/operations/workers.ts';
import type { EngineRecord } from '../src/jobs/job.ts';
import { decodeImage } from './decode.ts';
import { CanceledError, ModelRuntime } from './runtime.ts';
import type { RgbaImage } from './tiler.ts';

export interface RunRequest {
  runId: string;
  operation: string;
  params: Record<string, unknown>;
  input: Blob;
  backend: BackendPreference;
}

export interface RunResult {
  blob: Blob;
  width: number;
  height: number;
  engine: EngineRecord;
}

const runtime = new ModelRuntime();
const canceled = new Set<string>();

/** Runs one operation of a job on its input, here, off the page's thread. */
async function run(
  request: RunRequest,
  onProgress: (fraction: number, etaSeconds: number | null) => void,
  onEngine: (engine: EngineRecord) => void,
): Promise<RunResult> {
  const { runId } = request;
  const worker = operationWorkers[request.operation];
  if (!worker) throw new Error(`This version of Kintsugi cannot run "${request.operation}"`);
  try {
    await runtime.backend(request.backend);
    let engine = runtime.engineRecord();
    let decoded: Promise<RgbaImage> | null = null;
    const output = await worker(request.params, {
      input: request.input,
      image: () => (decoded ??= decodeImage(request.input)),
      models: runtime,
      progress: onProgress,
      isCanceled: () => canceled.has(runId),
      throwIfCanceled: () => {
        if (canceled.has(runId)) throw new CanceledError();
      },
      engine: (record) => {
        // The backend may have changed under the operation (WebGPU fell back to WASM).
        engine = { ...runtime.engineRecord(), ...engine, ...record };
        onEngine(engine);
      },
    });
    return { ...output, engine: { ...runtime.engineRecord(), ...engine } };
  } finally {
    canceled.delete(runId);
  }
}

const api = {
  run,
  cancel(runId: string): void {
    canceled.add(runId);
  },
};

export type InferenceApi = typeof api;

Comlink.expose(api);
