/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { BackendPreference } from '@/ops/operation.ts';
import { runOf } from '@/ops/runs.ts';
import { storedCatalogue } from '@/inference/own-models.ts';
import { postDownloads } from '@/inference/download-progress.ts';
import { loadModel } from '@/inference/model-store.ts';
import { explainOffline } from '@/inference/runtime-files.ts';
import { photoModel } from '@/ops/enhance/run.ts';
import type { EngineRecord } from '@/jobs/job.ts';
import { type PreviewBand, shrinkBand } from '@/inference/preview.ts';
import { decodeImage } from '@/media/codecs/decode.ts';
import { carryMetadata } from '@/media/metadata.ts';
import { CanceledError, ModelRuntime } from '@/inference/runtime.ts';
import type { RgbaImage } from '@/media/image.ts';

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
  onPreview?: (band: PreviewBand) => void,
): Promise<RunResult> {
  const { runId } = request;
  const worker = runOf(request.operation);
  if (!worker) throw new Error(`This version of Kintsugi cannot run "${request.operation}"`);
  try {
    await runtime.backend(request.backend);
    runtime.onBand = onPreview ? previewBands(onPreview) : null;
    runtime.catalogue = await storedCatalogue();
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
        const { backend, reason, threads } = runtime.engineRecord();
        engine = { ...engine, ...record, backend, reason, threads };
        onEngine(engine);
      },
    });
    // The codecs write pixels only: the input's EXIF (made upright) and ICC profile go back in.
    const blob = await carryMetadata(request.input, output.blob, output);
    // The backend the run ended on wins: WebGPU may have been given up mid-run.
    const { backend, reason, threads } = runtime.engineRecord();
    return { ...output, blob, engine: { ...engine, backend, reason, threads } };
  } catch (error) {
    // Offline, a part the operation loads on demand (OpenCV.js, an encoder) may be missing:
    // said in plain words rather than as a failed module fetch.
    throw await explainOffline(error, request.operation);
  } finally {
    runtime.onBand = null;
    canceled.delete(runId);
  }
}

/** Sends each finished band, shrunk to preview size; a run of another size starts over. */
function previewBands(send: (band: PreviewBand) => void): NonNullable<ModelRuntime['onBand']> {
  let top = 0;
  let size = '';
  return (band, rows, width, height) => {
    if (`${width}x${height}` !== size || top >= height) [top, size] = [0, `${width}x${height}`];
    send(shrinkBand(band, rows, top, width, height));
    top += rows;
  };
}

/**
 * What the first (default) job needs, fetched once and kept while the person looks at the page:
 * the onnxruntime-web build for this device and the default upscaler (×4, chosen for it). A job
 * started meanwhile shares the same downloads.
 */
async function prepare(backend: BackendPreference): Promise<void> {
  await runtime.backend(backend);
  runtime.catalogue = await storedCatalogue();
  const model = photoModel(runtime.catalogue, 'auto', 4, runtime.onHardwareGpu());
  if (model) await loadModel(runtime.variant(model), postDownloads(runtime.variant(model)));
}

const api = {
  run,
  prepare,
  cancel(runId: string): void {
    canceled.add(runId);
  },
};

export type InferenceApi = typeof api;

Comlink.expose(api);
/** Tells the page the script loaded (src/engine/inference-client.ts): Comlink ignores it. */
const WORKER_READY = 'kintsugi-inference-ready';
self.postMessage(WORKER_READY);
