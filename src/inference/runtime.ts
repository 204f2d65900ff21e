import type * as ort from 'onnxruntime-web';
import type { ModelEntry, ModelVariant } from '@models/manifest.ts';
import type { BackendPreference } from '@/ops/operation.ts';
import { postDownloads } from './download-progress.ts';
import { loadModel } from './model-store.ts';
import { ModelCatalogue, computeOf, pickVariant } from './models.ts';
import type { EngineRecord } from '@/jobs/job.ts';
import { type BackendChoice, chooseBackend, wasmThreads } from './backend.ts';
import { type OrtModule, loadOrt } from './ort-loader.ts';
import { type RgbaImage, hasTransparency } from '@/media/image.ts';
import {
  bandHeight,
  bandTiles,
  planTiles,
  readTile,
  tileSizeFor,
  uniformTileColor,
  upscaleAlphaIntoBand,
  writeTile,
} from './tiler.ts';
import { cropOutput, readPadded, runsWhole } from './whole-image.ts';

/** Flat colours whose model output a tiled run keeps (one tile's output each). */
const UNIFORM_OUTPUTS_KEPT = 4;

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
  /** The models this run may use (the build's, with those added in Settings in their place). */
  catalogue = new ModelCatalogue();
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private choice: BackendChoice | null = null;
  private preference: BackendPreference | null = null;
  /** Why the GPU device went away (lost, destroyed, out of memory), once it has. */
  private deviceLost: string | null = null;
  private watchingDevice = false;
  /** The onnxruntime-web build loaded for the backend: JSEP (WebGPU) or WASM-only. */
  private ortModule: OrtModule | null = null;

  async backend(preference: BackendPreference): Promise<BackendChoice> {
    if (!this.choice || this.preference !== preference) {
      this.choice = await chooseBackend(preference);
      this.preference = preference;
    }
    await this.loadRuntime(this.choice.backend === 'webgpu');
    return this.choice;
  }

  /**
   * Loads onnxruntime-web's JSEP build only for WebGPU (it also runs WASM, for the fallback);
   * the WASM-only build otherwise. Sessions of another build are dropped: tensors of one build
   * do not go into sessions of the other.
   */
  private async loadRuntime(webgpu: boolean): Promise<OrtModule> {
    // The JSEP build runs WASM too: once loaded, a switch to WASM keeps it (and its sessions).
    if (this.ortModule && (this.jsep || !webgpu)) return this.ortModule;
    const ort = await loadOrt(webgpu);
    if (ort !== this.ortModule) {
      for (const session of this.sessions.values())
        session.then((s) => s.release()).catch(() => {});
      this.sessions.clear();
      this.ortModule = ort;
      this.jsep = webgpu;
    }
    return ort;
  }

  /** Whether the loaded build is the JSEP (WebGPU) one. */
  private jsep = false;

  /** The loaded onnxruntime-web build (after backend()); optional models run on it too. */
  async ort(): Promise<OrtModule> {
    return this.ortModule ?? this.loadRuntime(this.choice?.backend === 'webgpu');
  }

  /** The file of a model this runtime runs now: float16 compute only on a shader-f16 GPU. */
  variant(model: Pick<ModelEntry, 'id' | 'variants'>): ModelVariant {
    return pickVariant(model, computeOf(this.choice ?? { backend: 'wasm', shaderF16: false }));
  }

  /** Whether models run on a real GPU now (WebGPU, not a software adapter, device not lost). */
  onHardwareGpu(): boolean {
    return (
      this.choice?.backend === 'webgpu' &&
      this.choice.hardwareGpu === true &&
      this.deviceLost === null
    );
  }

  engineRecord(extra: Partial<EngineRecord> = {}): EngineRecord {
    const choice = this.choice ?? { backend: 'wasm', reason: 'WASM', shaderF16: false };
    return {
      backend: choice.backend,
      reason: choice.reason,
      threads: choice.backend === 'wasm' ? wasmThreads() : undefined,
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
      // Later jobs pick float32-compute files again; this one runs what it asked for.
      return this.cachedSession(variant, 'wasm');
    }
  }

  /** Whether the next run should leave WebGPU: its device is gone. */
  private onLostGpu(): boolean {
    return this.choice?.backend === 'webgpu' && this.deviceLost !== null;
  }

  /**
   * WebGPU failed in the middle of a run (device lost, out of memory, a kernel error): its
   * sessions are dropped, WASM takes over for this worker, and the caller runs the step again
   * on the session returned. Anything else (WASM failing, a cancel) is the caller's to throw.
   */
  private async fallBackMidRun(variant: ModelVariant, error: unknown) {
    if (this.choice?.backend !== 'webgpu') throw error;
    const why = this.deviceLost
      ? `the GPU device was lost mid-job (${this.deviceLost})`
      : `WebGPU failed mid-job (${String(error)})`;
    for (const [key, session] of this.sessions) {
      if (!key.endsWith('|webgpu')) continue;
      this.sessions.delete(key);
      session.then((s) => s.release()).catch(() => {});
    }
    this.choice = {
      backend: 'wasm',
      shaderF16: false,
      reason: `WASM: ${why}, so it ran again on WASM`,
    };
    return this.cachedSession(variant, 'wasm');
  }

  /** Runs `step` on the variant's session, once more on WASM if WebGPU fails it. */
  private async withFallback<T>(
    variant: ModelVariant,
    session: ort.InferenceSession,
    step: (session: ort.InferenceSession) => Promise<T>,
  ): Promise<{ result: T; session: ort.InferenceSession }> {
    if (this.onLostGpu()) session = await this.fallBackMidRun(variant, new Error('device lost'));
    try {
      return { result: await step(session), session };
    } catch (error) {
      const wasm = await this.fallBackMidRun(variant, error);
      return { result: await step(wasm), session: wasm };
    }
  }

  /** Notes when the WebGPU device ORT runs on goes away, so no later run waits on it. */
  private watchDevice(): void {
    if (this.watchingDevice) return;
    this.watchingDevice = true;
    void this.ortModule?.env.webgpu.device
      .then((device) => device.lost)
      .then((info) => {
        this.deviceLost = info.message || info.reason || 'no reason given';
      })
      .catch(() => {});
  }

  private cachedSession(variant: ModelVariant, backend: EngineRecord['backend']) {
    const key = `${variant.file}|${backend}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = Promise.all([loadModel(variant, postDownloads(variant)), this.ort()]).then(
        ([bytes, ort]) =>
          ort.InferenceSession.create(bytes, {
            executionProviders: [backend],
            graphOptimizationLevel: 'all',
            // On WebGPU the outputs stay in GPU buffers until getData() reads them back, instead
            // of a copy to the CPU inside run() for every output (dispose() frees them).
            ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
          }),
      );
      // A failed load must not poison the cache: the next job tries again.
      session.then(
        () => backend === 'webgpu' && this.watchDevice(),
        () => this.sessions.delete(key),
      );
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Watches each finished band of a tiled run, in order (the live preview); null when unwatched. */
  onBand: ((band: Uint8Array, rows: number, width: number, height: number) => void) | null = null;

  /**
   * Runs an image-to-image model over the image in fixed-shape tiles with mirrored context,
   * handing each finished band of output rows to `sink`, so memory holds a band, not the image.
   */
  async runTiled(run: TiledRun): Promise<{ width: number; height: number; tiles: number }> {
    const { model, variant, image } = run;
    let session = await this.session(variant);
    const ort = await this.ort();
    if (runsWhole(model.tile, image.width, image.height) && model.input.layout === 'NCHW')
      return this.runWholeImage(run, session);
    const scale = model.scale;
    const grid = planTiles(
      image.width,
      image.height,
      tileSizeFor(model.tile, image.width, image.height),
      model.tile.context,
    );
    const outWidth = image.width * scale;
    const alpha = hasTransparency(image);
    const side = grid.tileSize;
    const inputData = new Float32Array(3 * side * side);
    // A model added in Settings may want pixels interleaved (NHWC); the tiler works in planes.
    const nhwcInput = model.input.layout === 'NHWC' ? new Float32Array(inputData.length) : null;
    // One input tensor for the run: its buffer is refilled in place for every tile.
    const input = nhwcInput
      ? new ort.Tensor('float32', nhwcInput, [1, side, side, 3])
      : new ort.Tensor('float32', inputData, [1, 3, side, side]);
    // A flat window (sky, a scanned margin, a padded border) is the same input every time, so
    // the model runs once per colour and its output is reused, exactly, for the others.
    const uniformOutputs = new Map<number, Float32Array>();
    const band = new Uint8Array(outWidth * grid.stride * scale * 4);
    const started = performance.now();
    let done = 0;
    for (let row = 0; row < grid.rows; row++) {
      for (const tile of bandTiles(grid, row)) {
        if (run.isCanceled()) throw new CanceledError();
        const color = uniformTileColor(image, grid, tile);
        let planes = color >= 0 ? uniformOutputs.get(color) : undefined;
        if (!planes) {
          readTile(image, grid, tile, model.input.range, inputData);
          if (nhwcInput) interleave(inputData, nhwcInput);
          // WebGPU lost mid-run: this tile and the rest run on WASM; done tiles stay.
          const ran = await this.withFallback(variant, session, (s) =>
            runTile(s, { [model.input.name]: input }, model.output.name),
          );
          session = ran.session;
          const outputData = ran.result;
          planes = model.output.layout === 'NHWC' ? deinterleave(outputData) : outputData;
          if (color >= 0 && uniformOutputs.size < UNIFORM_OUTPUTS_KEPT) {
            uniformOutputs.set(color, planes.slice());
          }
        }
        writeTile(planes, scale, grid, tile, model.output.range, band);
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
      this.onBand?.(band, bandHeight(grid, row) * scale, outWidth, image.height * scale);
    }
    return { width: outWidth, height: image.height * scale, tiles: grid.count };
  }

  /**
   * A model that averages over its whole input (manifest `tile.whole`) on the whole image with
   * mirrored context, in one run: what tiles would change (src/inference/whole-image.ts).
   */
  private async runWholeImage(
    run: TiledRun,
    session: ort.InferenceSession,
  ): Promise<{ width: number; height: number; tiles: number }> {
    const { model, image } = run;
    if (run.isCanceled()) throw new CanceledError();
    const ort = await this.ort();
    const padded = readPadded(image, model.tile.context, model.input.range);
    const feeds = {
      [model.input.name]: new ort.Tensor('float32', padded.data, [
        1,
        3,
        padded.height,
        padded.width,
      ]),
    };
    const { result } = await this.withFallback(run.variant, session, (s) =>
      runTile(s, feeds, model.output.name),
    );
    const rows = cropOutput(result, image, model.tile.context, model.scale, model.output.range);
    if (hasTransparency(image)) {
      // The tiler's alpha upscaler works per band of a grid: one band covering the image.
      const grid = planTiles(image.width, image.height, Math.max(image.width, image.height) + 2, 1);
      upscaleAlphaIntoBand(image, model.scale, grid, 0, rows);
    }
    run.onProgress({ done: 1, total: 1, etaSeconds: 0 });
    run.sink(rows, image.height * model.scale);
    this.onBand?.(
      rows,
      image.height * model.scale,
      image.width * model.scale,
      image.height * model.scale,
    );
    return { width: image.width * model.scale, height: image.height * model.scale, tiles: 1 };
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
    const ort = await this.ort();
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]),
    );
    const { result } = await this.withFallback(variant, session, async (s) => {
      const results = outputs ? await s.run(tensors, [...outputs]) : await s.run(tensors);
      const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
      try {
        for (const [name, tensor] of Object.entries(results)) {
          out[name] = { data: (await tensor.getData()) as Float32Array, dims: tensor.dims };
        }
      } finally {
        for (const tensor of Object.values(results)) tensor.dispose();
      }
      return out;
    });
    return result;
  }
}

/** One run of a fixed-input model: the named output read back to the CPU, every output freed. */
async function runTile(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  outputName: string,
): Promise<Float32Array> {
  const results = await session.run(feeds);
  try {
    const output = results[outputName];
    if (!output) throw new Error(`The model gave no output named ${outputName}`);
    return (await output.getData()) as Float32Array;
  } finally {
    for (const tensor of Object.values(results)) tensor.dispose();
  }
}

/** Planes (CHW) → interleaved pixels (HWC), into `out`. */
function interleave(planes: Float32Array, out: Float32Array): Float32Array {
  const size = planes.length / 3;
  for (let i = 0; i < size; i++) {
    out[i * 3] = planes[i] as number;
    out[i * 3 + 1] = planes[size + i] as number;
    out[i * 3 + 2] = planes[2 * size + i] as number;
  }
  return out;
}

/** Interleaved pixels (HWC) → planes (CHW). */
function deinterleave(pixels: Float32Array): Float32Array {
  const size = pixels.length / 3;
  const planes = new Float32Array(pixels.length);
  for (let i = 0; i < size; i++) {
    planes[i] = pixels[i * 3] as number;
    planes[size + i] = pixels[i * 3 + 1] as number;
    planes[2 * size + i] = pixels[i * 3 + 2] as number;
  }
  return planes;
}
