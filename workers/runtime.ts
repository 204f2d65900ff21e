import * as ort from 'onnxruntime-web';
import type { ModelEntry, ModelVariant } from '../models/manifest.ts';
import type { BackendPreference } from '../src/engine/operation.ts';
import { loadModel } from '../src/engine/model-store.ts';
import type { EngineRecord } from '../src/jobs/job.ts';
import { type BackendChoice, chooseBackend, wasmThreads } from './backend.ts';
import {
  type RgbaImage,
  bandHeight,
  bandTiles,
  hasTransparency,
  planTiles,
  readTile,
  upscaleAlphaIntoBand,
  writeTile,
} from './tiler.ts';

ort.env.wasm.numThreads = wasmThreads();
ort.env.wasm.proxy = false;

export class CanceledError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'CanceledError';
  }
}

export interface TileProgress {
  done: number;
  total: number;
  etaSeconds: number | null;
}

/** Receives finished output rows, top to bottom: a PNG stream, or an image in memory. */
export type BandSink = (rgba: Uint8Array, rows: number) => void;

export interface TiledRun {
  model: ModelEntry;
  variant: ModelVariant;
  image: RgbaImage;
  sink: BandSink;
  onProgress(progress: TileProgress): void;
  isCanceled(): boolean;
}

/** Lets queued messages (a cancel) in between tiles; session.run alone may never yield. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Owns the ONNX sessions of this worker and the backend they run on. Sessions are cached per
 * model file and backend; the backend is chosen once per preference, with its reason.
 */
export class ModelRuntime {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private choice: BackendChoice | null = null;
  private preference: BackendPreference | null = null;

  async backend(preference: BackendPreference): Promise<BackendChoice> {
    if (!this.choice || this.preference !== preference) {
      this.choice = await chooseBackend(preference);
      this.preference = preference;
    }
    return this.choice;
  }

  engineRecord(extra: Partial<EngineRecord> = {}): EngineRecord {
    const choice = this.choice ?? { backend: 'wasm', reason: 'WASM', shaderF16: false };
    return {
      backend: choice.backend,
      reason: choice.reason,
      threads: choice.backend === 'wasm' ? ort.env.wasm.numThreads : undefined,
      ...extra,
    };
  }

  /** A session on the chosen backend; if WebGPU cannot start it, WASM does, and says why. */
  async session(variant: ModelVariant): Promise<ort.InferenceSession> {
    const choice = this.choice ?? (await this.backend('auto'));
    try {
      return await this.cachedSession(variant, choice.backend);
    } catch (error) {
      if (choice.backend !== 'webgpu') throw error;
      this.choice = {
        backend: 'wasm',
        shaderF16: false,
        reason: `WASM: WebGPU failed to start the model (${String(error)})`,
      };
      return this.cachedSession(variant, 'wasm');
    }
  }

  private cachedSession(variant: ModelVariant, backend: EngineRecord['backend']) {
    const key = `${variant.file}|${backend}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = loadModel(variant).then((bytes) =>
        ort.InferenceSession.create(bytes, {
          executionProviders: [backend],
          graphOptimizationLevel: 'all',
        }),
      );
      // A failed load must not poison the cache: the next job tries again.
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session;
  }

  /**
   * Runs an image-to-image model over the image in fixed-shape tiles with mirrored context,
   * handing each finished band of output rows to `sink`, so memory holds a band, not the image.
   */
  async runTiled(run: TiledRun): Promise<{ width: number; height: number; tiles: number }> {
    const { model, variant, image } = run;
    const session = await this.session(variant);
    const scale = model.scale;
    const grid = planTiles(
      image.width,
      image.height,
      tileSizeFor(model, image),
      model.tile.context,
    );
    const outWidth = image.width * scale;
    const alpha = hasTransparency(image);
    const side = grid.tileSize;
    const inputData = new Float32Array(3 * side * side);
    const band = new Uint8Array(outWidth * grid.stride * scale * 4);
    const started = performance.now();
    let done = 0;
    for (let row = 0; row < grid.rows; row++) {
      for (const tile of bandTiles(grid, row)) {
        if (run.isCanceled()) throw new CanceledError();
        readTile(image, grid, tile, model.input.range, inputData);
        const feeds = {
          [model.input.name]: new ort.Tensor('float32', inputData, [1, 3, side, side]),
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
        for (const tensor of Object.values(results)) tensor.dispose();
        done++;
        const elapsed = (performance.now() - started) / 1000;
        run.onProgress({
          done,
          total: grid.count,
          etaSeconds: (elapsed / done) * (grid.count - done),
        });
        await yieldToMessages();
      }
      if (alpha) upscaleAlphaIntoBand(image, scale, grid, row, band);
      run.sink(band, bandHeight(grid, row) * scale);
    }
    return { width: outWidth, height: image.height * scale, tiles: grid.count };
  }

  /**
   * Runs a model once on whole inputs (detectors, segmenters) and returns every output, or only
   * the ones named in `outputs` (ISNet has eleven large side outputs nobody reads).
   */
  async runWhole(
    variant: ModelVariant,
    feeds: Record<string, { data: Float32Array; dims: readonly number[] }>,
    outputs?: readonly string[],
  ): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
    const session = await this.session(variant);
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]),
    );
    const results = outputs ? await session.run(tensors, [...outputs]) : await session.run(tensors);
    const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [name, tensor] of Object.entries(results)) {
      out[name] = { data: (await tensor.getData()) as Float32Array, dims: tensor.dims };
      tensor.dispose();
    }
    return out;
  }
}

/** Tile edge for this image: the model's size, or smaller when the whole image fits in one. */
function tileSizeFor(model: ModelEntry, image: RgbaImage): number {
  const { size, context, min } = model.tile;
  const fit = Math.ceil((Math.max(image.width, image.height) + 2 * context) / 8) * 8;
  return Math.max(min, Math.min(size, fit));
}
