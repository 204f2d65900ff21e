// Squeeze-excitation models tiled and whole: the difference measured on the built Real-CUGAN and
// waifu2x CUnet files with onnxruntime-node (CPU), and the whole-image path's pixel plumbing.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodePng, psnr } from '../../e2e/support/images.ts';
import type { ModelEntry } from '@models/manifest.ts';
import manifest from '@models/manifest.json' with { type: 'json' };
import type { RgbaImage } from '@/media/image.ts';
import {
  bandHeight,
  bandTiles,
  TILE_CAP,
  planTiles,
  readTile,
  tileSizeFor,
  writeTile,
} from './tiler.ts';
import { WHOLE_MAX_PIXELS, cropOutput, readPadded, runsWhole } from './whole-image.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('whole-image plumbing', () => {
  const image: RgbaImage = { data: new Uint8Array(5 * 3 * 4), width: 5, height: 3 };
  for (let i = 0; i < 15; i++) image.data.set([i * 10, i * 10 + 1, i * 10 + 2, 255], i * 4);

  it('pads with mirrored context (reflect101) and crops it off again, at any scale', () => {
    const padded = readPadded(image, 2, [0, 255]);
    expect([padded.width, padded.height]).toEqual([9, 7]);
    // Row 0 of the padded input is image row 2 (two up from row 0, mirrored), column 0 is column 2.
    expect(padded.data[0]).toBe((2 * 5 + 2) * 10);
    expect(Array.from(cropOutput(padded.data, image, 2, 1, [0, 255]))).toEqual(
      Array.from(image.data),
    );
    // A nearest-neighbour ×2 "model": the crop gives the image ×2.
    const w2 = padded.width * 2;
    const h2 = padded.height * 2;
    const up = new Float32Array(3 * w2 * h2);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < h2; y++)
        for (let x = 0; x < w2; x++)
          up[c * w2 * h2 + y * w2 + x] =
            padded.data[c * padded.width * padded.height + (y >> 1) * padded.width + (x >> 1)]!;
    const out = cropOutput(up, image, 2, 2, [0, 255]);
    expect(out.length).toBe(10 * 6 * 4);
    expect(Array.from(out.subarray((3 * 10 + 7) * 4, (3 * 10 + 7) * 4 + 3))).toEqual(
      Array.from(image.data.subarray((1 * 5 + 3) * 4, (1 * 5 + 3) * 4 + 3)),
    );
  });

  it('runs a pooling model whole within its budget, any model within one planner tile', () => {
    const pooling = { context: 32, min: 96, max: 512, whole: true };
    expect(runsWhole(pooling, 300, 200)).toBe(true);
    expect(runsWhole(pooling, 500, 500)).toBe(true);
    const side = Math.sqrt(WHOLE_MAX_PIXELS);
    expect(runsWhole(pooling, side, side)).toBe(false);
    const plain = { context: 16, min: 32, max: 512 };
    expect(runsWhole(plain, 300, 200)).toBe(true);
    expect(runsWhole(plain, TILE_CAP - 32, TILE_CAP - 32)).toBe(true);
    expect(runsWhole(plain, TILE_CAP - 31, TILE_CAP - 32)).toBe(false);
    expect(runsWhole(plain, 480, 150)).toBe(true);
    expect(runsWhole(plain, 500, 500)).toBe(false);
    expect(runsWhole({ ...plain, max: 128 }, 100, 100)).toBe(false);
    // Below the model's smallest input, the tiler's mirrored tile of `min` pixels runs instead.
    expect(runsWhole({ ...plain, min: 48 }, 4, 4)).toBe(false);
  });
});

function crop(img: RgbaImage, x0: number, y0: number, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * img.width + x0) * 4;
    data.set(img.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { data, width, height };
}

async function session(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(await readFile(path.join(ROOT, 'public', file)), {
    intraOpNumThreads: 2,
  });
}

/** The app's tiled run (ModelRuntime.runTiled), on onnxruntime-node. */
async function runTiled(
  s: ort.InferenceSession,
  model: ModelEntry,
  image: RgbaImage,
): Promise<RgbaImage> {
  const { scale } = model;
  const grid = planTiles(
    image.width,
    image.height,
    tileSizeFor(model.tile, image.width, image.height),
    model.tile.context,
  );
  const side = grid.tileSize;
  const input = new Float32Array(3 * side * side);
  const out = new Uint8Array(image.width * scale * image.height * scale * 4);
  let offset = 0;
  for (let row = 0; row < grid.rows; row++) {
    const band = new Uint8Array(image.width * scale * grid.stride * scale * 4);
    for (const tile of bandTiles(grid, row)) {
      readTile(image, grid, tile, model.input.range, input);
      const result = await s.run({
        [model.input.name]: new ort.Tensor('float32', input, [1, 3, side, side]),
      });
      writeTile(
        result[model.output.name]!.data as Float32Array,
        scale,
        grid,
        tile,
        model.output.range,
        band,
      );
    }
    const bytes = bandHeight(grid, row) * scale * image.width * scale * 4;
    out.set(band.subarray(0, bytes), offset);
    offset += bytes;
  }
  return { data: out, width: image.width * scale, height: image.height * scale };
}

async function runWhole(
  s: ort.InferenceSession,
  model: ModelEntry,
  image: RgbaImage,
): Promise<RgbaImage> {
  const padded = readPadded(image, model.tile.context, model.input.range);
  const result = await s.run({
    [model.input.name]: new ort.Tensor('float32', padded.data, [1, 3, padded.height, padded.width]),
  });
  const data = cropOutput(
    result[model.output.name]!.data as Float32Array,
    image,
    model.tile.context,
    model.scale,
    model.output.range,
  );
  return { data, width: image.width * model.scale, height: image.height * model.scale };
}

describe('squeeze-excitation models: tiled vs whole', () => {
  // JSON imports type string unions as plain strings.
  const models = (manifest as unknown as { models: ModelEntry[] }).models;
  for (const id of ['realcugan-x2-conservative', 'waifu2x-cunet-noise1'])
    it(`${id}: tiles change the output; the whole-image path is what the app runs`, async () => {
      const model = models.find((m) => m.id === id)!;
      expect(model.tile.whole, 'the manifest marks it as pooling over its input').toBe(true);
      const variant = model.variants.find((v) => v.id === 'fp32')!;
      const s = await session(variant.file);
      // 200×136 of the photo: two 256-px tiles, or one 264×200 whole run.
      const photo = decodePng(
        new Uint8Array(await readFile(path.join(ROOT, 'e2e/fixtures/photo-wide-300x200.png'))),
      );
      const image = crop(photo, 50, 32, 200, 136);
      expect(runsWhole(model.tile, image.width, image.height)).toBe(true);
      const whole = await runWhole(s, model, image);
      const tiled = await runTiled(s, model, image);
      const difference = psnr(tiled, whole);
      console.log(
        `${id} on 200×136: tiled (${model.tile.size} px tiles) vs whole ${difference.toFixed(2)} dB PSNR`,
      );
      // The per-tile averages do change pixels (PSNR is finite: not identical), but by little:
      // the context and the large tiles already keep the output close to the whole-image run.
      expect(Number.isFinite(difference)).toBe(true);
      expect(difference).toBeGreaterThan(40);
    });
});
