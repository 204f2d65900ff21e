// Checks that models/manifest.json and the files under public/ agree, and that each model's
// tile context is wide enough for seamless tiling. The files come from `npm run models`
// (also run by postinstall), so a failure here usually means that has not run.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import type { Manifest, ModelEntry } from './manifest.ts';

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = path.join(MODELS_DIR, '../public');
const MANIFEST_PATH = path.join(MODELS_DIR, 'manifest.json');
const HINT = 'run npm run models';

// Read synchronously so describe.each can list the models when the tests are collected.
function loadManifest(): Manifest {
  if (!existsSync(MANIFEST_PATH)) throw new Error(`models/manifest.json is missing: ${HINT}`);
  return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;
}

const manifest = loadManifest();

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

it('lists models sorted by id', () => {
  expect(manifest.version).toBe(1);
  expect(manifest.models.length).toBeGreaterThan(0);
  const ids = manifest.models.map((model) => model.id);
  expect(ids).toEqual([...ids].sort());
});

describe.each(manifest.models.map((model) => [model.id, model] as const))('%s', (_id, model) => {
  it.each(model.variants.map((variant) => [variant.id, variant] as const))(
    'variant %s matches its file under public/',
    async (_variantId, variant) => {
      const filePath = path.join(PUBLIC_DIR, variant.file);
      expect(existsSync(filePath), `public/${variant.file} is missing: ${HINT}`).toBe(true);
      const bytes = await readFile(filePath);
      expect(bytes.byteLength, `public/${variant.file} has the wrong size: ${HINT}`).toBe(
        variant.bytes,
      );
      expect(sha256Hex(bytes), `public/${variant.file} has the wrong sha256: ${HINT}`).toBe(
        variant.sha256,
      );
    },
  );

  it('has a tile context wide enough that tiled output matches a whole-image run', async () => {
    const [variant] = model.variants;
    if (!variant) throw new Error(`${model.id} has no variants`);
    const session = await ort.InferenceSession.create(
      await readFile(path.join(PUBLIC_DIR, variant.file)),
    );
    try {
      // The smallest allowed tile on a 96 px image gives the most seams per pixel.
      const maxDiff = await maxTiledVsWholeDifference(session, model, 96, model.tile.min);
      expect(maxDiff).toBeLessThanOrEqual(1.0);
    } finally {
      await session.release();
    }
  });
});

/** Runs the model on size×size whole and as tiles with model.tile.context of margin. */
async function maxTiledVsWholeDifference(
  session: ort.InferenceSession,
  model: ModelEntry,
  size: number,
  tileSize: number,
): Promise<number> {
  const image = testImageNchw(size);
  const run = async (y0: number, y1: number, x0: number, x1: number) => {
    const height = y1 - y0;
    const width = x1 - x0;
    const crop = new Float32Array(3 * height * width);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        const from = (c * size + y + y0) * size + x0;
        crop.set(image.subarray(from, from + width), (c * height + y) * width);
      }
    }
    const feeds = { [model.input.name]: new ort.Tensor('float32', crop, [1, 3, height, width]) };
    const output = (await session.run(feeds))[model.output.name];
    if (!output) throw new Error(`${model.id} produced no '${model.output.name}'`);
    return output.data as Float32Array;
  };

  const { scale, tile } = model;
  const outSize = size * scale;
  const whole = await run(0, size, 0, size);
  let maxDiff = 0;
  for (let tileY = 0; tileY < size; tileY += tileSize) {
    for (let tileX = 0; tileX < size; tileX += tileSize) {
      // Context is clamped at the image edge, where the model's own zero padding takes over.
      const y0 = Math.max(0, tileY - tile.context);
      const y1 = Math.min(size, tileY + tileSize + tile.context);
      const x0 = Math.max(0, tileX - tile.context);
      const x1 = Math.min(size, tileX + tileSize + tile.context);
      const tiled = await run(y0, y1, x0, x1);
      const tiledWidth = (x1 - x0) * scale;
      const tiledHeight = (y1 - y0) * scale;
      const yEnd = Math.min(size, tileY + tileSize) * scale;
      const xEnd = Math.min(size, tileX + tileSize) * scale;
      for (let c = 0; c < 3; c++) {
        for (let y = tileY * scale; y < yEnd; y++) {
          for (let x = tileX * scale; x < xEnd; x++) {
            const tiledValue =
              tiled[(c * tiledHeight + y - y0 * scale) * tiledWidth + x - x0 * scale];
            const wholeValue = whole[(c * outSize + y) * outSize + x];
            maxDiff = Math.max(maxDiff, Math.abs((tiledValue as number) - (wholeValue as number)));
          }
        }
      }
    }
  }
  console.log(`${model.id}: tiled (${tileSize} px + ${tile.context} context) vs whole ${maxDiff}`);
  return maxDiff;
}

/** Smooth structure plus deterministic noise, 0..255, NCHW. */
function testImageNchw(size: number): Float32Array {
  const image = new Float32Array(3 * size * size);
  let state = 99;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        const noise = 60 * (state / 2147483648 - 0.5);
        const smooth = 128 + 80 * Math.sin((x + 7 * c) / 6) * Math.cos(y / 9);
        image[(c * size + y) * size + x] = Math.min(255, Math.max(0, smooth + noise));
      }
    }
  }
  return image;
}
