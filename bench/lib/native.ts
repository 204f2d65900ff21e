// The same models, tiles and pixel conversion as the browser, run by onnxruntime-node on this
// machine's CPU: the ceiling the WASM path is compared to, and the engine of the quality scores.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { ModelEntry, ModelVariant } from '../../models/manifest.ts';
import {
  bandTiles,
  planTiles,
  readTile,
  tileSizeFor,
  writeTile,
} from '../../src/inference/tiler.ts';
import { cropOutput, readPadded, runsWhole } from '../../src/inference/whole-image.ts';
import type { RgbaImage } from '../../e2e/support/images.ts';
import type { SpeedResult } from './report.ts';

const root = new URL('../../public/', import.meta.url);

export async function nativeSession(
  variant: ModelVariant,
  threads: number,
): Promise<ort.InferenceSession> {
  const bytes = await readFile(new URL(variant.file, root));
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}

export interface NativeRun {
  /** The upscaled image, or null when the run was cut short by its time budget. */
  image: RgbaImage | null;
  speed: SpeedResult;
}

async function runOnce(
  session: ort.InferenceSession,
  model: ModelEntry,
  input: Float32Array,
  width: number,
  height: number,
): Promise<Float32Array> {
  const results = await session.run({
    [model.input.name]: new ort.Tensor('float32', input, [1, 3, height, width]),
  });
  const output = results[model.output.name];
  if (!output) throw new Error(`${model.id} gave no output named ${model.output.name}`);
  return output.data as Float32Array;
}

/**
 * Runs `image` through `session` exactly as src/inference/runtime.ts does: in one piece when
 * runsWhole says so, else in the planner's tiles.
 */
export async function runNative(
  session: ort.InferenceSession,
  model: ModelEntry,
  image: RgbaImage,
  budgetMs = 0,
): Promise<NativeRun> {
  const scale = model.scale;
  const outMp = (image.width * image.height * scale * scale) / 1e6;
  if (runsWhole(model.tile, image.width, image.height)) {
    const started = performance.now();
    const padded = readPadded(image, model.tile.context, model.input.range);
    const output = await runOnce(session, model, padded.data, padded.width, padded.height);
    const data = cropOutput(output, image, model.tile.context, scale, model.output.range);
    const elapsed = performance.now() - started;
    return {
      image: { width: image.width * scale, height: image.height * scale, data },
      speed: {
        mpPerSecond: outMp / (elapsed / 1000),
        latencyMs: elapsed,
        complete: true,
        tilesDone: 1,
        tiles: 1,
      },
    };
  }
  const grid = planTiles(
    image.width,
    image.height,
    tileSizeFor(model.tile, image.width, image.height),
    model.tile.context,
  );
  const side = grid.tileSize;
  const input = new Float32Array(3 * side * side);
  const outWidth = image.width * scale;
  const out = new Uint8Array(outWidth * image.height * scale * 4);
  const started = performance.now();
  let done = 0;
  rows: for (let row = 0; row < grid.rows; row++) {
    const band = out.subarray(row * grid.stride * scale * outWidth * 4);
    for (const tile of bandTiles(grid, row)) {
      if (budgetMs > 0 && done > 0 && performance.now() - started > budgetMs) break rows;
      readTile(image, grid, tile, model.input.range, input);
      const output = await runOnce(session, model, input, side, side);
      writeTile(output, scale, grid, tile, model.output.range, band);
      done++;
    }
  }
  const elapsed = performance.now() - started;
  const complete = done === grid.count;
  return {
    image: complete ? { width: outWidth, height: image.height * scale, data: out } : null,
    speed: {
      mpPerSecond: ((done / grid.count) * outMp) / (elapsed / 1000),
      latencyMs: complete ? elapsed : (elapsed / done) * grid.count,
      complete,
      tilesDone: done,
      tiles: grid.count,
    },
  };
}
