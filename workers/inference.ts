/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
import type { ModelEntry, ModelVariant } from '../models/manifest.ts';
import type { BackendPreference } from '../src/engine/operation.ts';
import type { EngineRecord } from '../src/jobs/job.ts';
import { type BackendChoice, chooseBackend, wasmThreads } from './backend.ts';
import { decodeImage } from './decode.ts';
import { PngStreamWriter } from './png-stream.ts';
import {
  bandHeight,
  bandTiles,
  hasTransparency,
  planTiles,
  readTile,
  upscaleAlphaIntoBand,
  writeTile,
} from './tiler.ts';

export interface UpscaleRequest {
  runId: string;
  input: Blob;
  model: ModelEntry;
  variant: ModelVariant;
  backend: BackendPreference;
}

export interface UpscaleProgress {
  done: number;
  total: number;
  etaSeconds: number | null;
}

export interface UpscaleResult {
  blob: Blob;
  width: number;
  height: number;
  engine: EngineRecord;
}

export class CanceledError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'CanceledError';
  }
}

ort.env.wasm.numThreads = wasmThreads();
ort.env.wasm.proxy = false;

const sessions = new Map<string, Promise<ort.InferenceSession>>();
const canceled = new Set<string>();

async function fetchVerified(variant: ModelVariant): Promise<Uint8Array> {
  const response = await fetch(new URL(`/${variant.file}`, self.location.origin));
  if (!response.ok)
    throw new Error(`The model file ${variant.file} could not be loaded (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== variant.sha256) {
    throw new Error(`The model file ${variant.file} is damaged (sha256 mismatch); it was not run`);
  }
  return bytes;
}

function getSession(variant: ModelVariant, choice: BackendChoice): Promise<ort.InferenceSession> {
  const key = `${variant.file}|${choice.backend}`;
  let session = sessions.get(key);
  if (!session) {
    session = fetchVerified(variant).then((bytes) =>
      ort.InferenceSession.create(bytes, {
        executionProviders: [choice.backend],
        graphOptimizationLevel: 'all',
      }),
    );
    // A failed load must not poison the cache: the next job tries again.
    session.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}

/** Lets queued messages (a cancel) in between tiles; session.run alone may never yield. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Tile edge for this image: the model's size, or smaller when the whole image fits in one. */
function tileSizeFor(model: ModelEntry, width: number, height: number): number {
  const { size, context, min } = model.tile;
  const fit = Math.ceil((Math.max(width, height) + 2 * context) / 8) * 8;
  return Math.max(min, Math.min(size, fit));
}

async function upscale(
  request: UpscaleRequest,
  onProgress: (p: UpscaleProgress) => void,
  onEngine: (e: EngineRecord) => void,
): Promise<UpscaleResult> {
  const { runId, model, variant } = request;
  try {
    const image = await decodeImage(request.input);
    let choice = await chooseBackend(request.backend);
    let session: ort.InferenceSession;
    try {
      session = await getSession(variant, choice);
    } catch (error) {
      if (choice.backend !== 'webgpu') throw error;
      choice = {
        backend: 'wasm',
        shaderF16: false,
        reason: `WASM: WebGPU failed to start (${String(error)})`,
      };
      session = await getSession(variant, choice);
    }
    const scale = model.scale;
    const grid = planTiles(
      image.width,
      image.height,
      tileSizeFor(model, image.width, image.height),
      model.tile.context,
    );
    const engine: EngineRecord = {
      backend: choice.backend,
      reason: choice.reason,
      model: model.id,
      variant: variant.id,
      threads: choice.backend === 'wasm' ? ort.env.wasm.numThreads : undefined,
      tiles: grid.count,
    };
    onEngine(engine);

    const outWidth = image.width * scale;
    const outHeight = image.height * scale;
    const alpha = hasTransparency(image);
    const parts: Uint8Array[] = [];
    const png = new PngStreamWriter(outWidth, outHeight, alpha ? 4 : 3, (bytes) =>
      parts.push(bytes),
    );
    const tileSide = grid.tileSize;
    const inputData = new Float32Array(3 * tileSide * tileSide);
    const band = new Uint8Array(outWidth * grid.stride * scale * 4);
    const started = performance.now();
    let done = 0;

    for (let row = 0; row < grid.rows; row++) {
      for (const tile of bandTiles(grid, row)) {
        if (canceled.has(runId)) throw new CanceledError();
        readTile(image, grid, tile, model.input.range, inputData);
        const feeds = {
          [model.input.name]: new ort.Tensor('float32', inputData, [1, 3, tileSide, tileSide]),
        };
        const results = await session.run(feeds);
        const output = results[model.output.name];
        if (!output) throw new Error(`The model gave no output named ${model.output.name}`);
        writeTile(
          (await output.getData()) as Float32Array,
          scale,
          grid,
          tile,
          model.output.range,
          band,
        );
        output.dispose();
        done++;
        const elapsed = (performance.now() - started) / 1000;
        onProgress({ done, total: grid.count, etaSeconds: (elapsed / done) * (grid.count - done) });
        await yieldToMessages();
      }
      if (alpha) upscaleAlphaIntoBand(image, scale, grid, row, band);
      png.writeRows(band, bandHeight(grid, row) * scale);
    }
    png.finish();
    return {
      blob: new Blob(parts as BlobPart[], { type: 'image/png' }),
      width: outWidth,
      height: outHeight,
      engine,
    };
  } finally {
    canceled.delete(runId);
  }
}

const api = {
  upscale,
  cancel(runId: string): void {
    canceled.add(runId);
  },
};

export type InferenceApi = typeof api;

Comlink.expose(api);
