// Checks that models/manifest.json and the files under public/ agree, that each model's tile
// context is wide enough for seamless tiling, and that each analysis model's file has the inputs
// and outputs its entry describes. The files come from `npm run models` (also run by
// postinstall), so a failure here usually means that has not run.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import type { AnalysisModelEntry, Manifest, ModelEntry, ModelVariant } from './manifest.ts';

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

it('lists analysis models sorted by id, each id once across all lists', () => {
  expect(Array.isArray(manifest.analysis), `models/manifest.json has no analysis: ${HINT}`).toBe(
    true,
  );
  const ids = manifest.analysis.map((model) => model.id);
  expect(ids).toEqual([...ids].sort());
  const all = [
    ...manifest.models.map((model) => model.id),
    ...ids,
    ...(manifest.interpolation ?? []).map((model) => model.id),
  ];
  expect(new Set(all).size).toBe(all.length);
});

async function expectMatchesFile(variant: ModelVariant): Promise<void> {
  const filePath = path.join(PUBLIC_DIR, variant.file);
  expect(existsSync(filePath), `public/${variant.file} is missing: ${HINT}`).toBe(true);
  const bytes = await readFile(filePath);
  expect(bytes.byteLength, `public/${variant.file} has the wrong size: ${HINT}`).toBe(
    variant.bytes,
  );
  expect(sha256Hex(bytes), `public/${variant.file} has the wrong sha256: ${HINT}`).toBe(
    variant.sha256,
  );
}

const variantCases = (variants: readonly ModelVariant[]) =>
  variants.map((variant) => [variant.id, variant] as const);

describe.each(manifest.models.map((model) => [model.id, model] as const))('%s', (_id, model) => {
  it.each(variantCases(model.variants))(
    'variant %s matches its file under public/',
    async (_variantId, variant) => expectMatchesFile(variant),
  );

  it('has a tile context wide enough that tiled output matches a whole-image run', async () => {
    const [variant] = model.variants;
    if (!variant) throw new Error(`${model.id} has no variants`);
    const check = tilingCheck(model);
    const session = await ort.InferenceSession.create(
      await readFile(path.join(PUBLIC_DIR, variant.file)),
    );
    try {
      const maxDiff = await maxTiledVsWholeDifference(session, model, check);
      expect(maxDiff).toBeLessThanOrEqual(check.maxLevels);
    } finally {
      await session.release();
    }
  });
});

// Analysis models are not run here (ISNet alone takes ~17 s): their outputs are tested against
// their sources in tfjs-graph-to-onnx.test.ts and onnx-sources.test.ts. This checks that the
// shipped files take and give what the manifest tells the app (loading ISNet takes ~1.5 s).
describe.each((manifest.interpolation ?? []).map((model) => [model.id, model] as const))(
  '%s',
  (_id, model) => {
    it('lists a smallest float32-compute variant first, each with its PSNR against fp32', () => {
      const first = model.variants[0];
      expect(first?.compute).toBe('float32');
      const float32Compute = model.variants.filter((v) => v.compute === 'float32');
      for (const variant of float32Compute)
        expect(variant.bytes).toBeGreaterThanOrEqual(first!.bytes);
      for (const variant of model.variants) {
        if (variant.id !== 'fp32') expect(variant.psnr === null || variant.psnr! > 0).toBe(true);
      }
    });

    it.each(variantCases(model.variants))(
      'variant %s matches its file under public/ and its inputs and outputs',
      async (_variantId, variant) => {
        await expectMatchesFile(variant);
        const session = await ort.InferenceSession.create(
          new Uint8Array(await readFile(path.join(PUBLIC_DIR, variant.file))),
        );
        try {
          expect([...session.inputNames].sort()).toEqual(
            [...model.input.frames, model.input.time].sort(),
          );
          expect(session.outputNames).toEqual([model.output.name]);
        } finally {
          await session.release();
        }
      },
    );
  },
);

describe.each((manifest.analysis ?? []).map((model) => [model.id, model] as const))(
  'analysis %s',
  (_id, model) => {
    it('has a variant, the fp16w one first where there is one', () => {
      expect(model.variants.length).toBeGreaterThan(0);
      const fp16w = model.variants.findIndex((variant) => variant.id === 'fp16w');
      expect(fp16w).toBeLessThanOrEqual(0);
    });

    it.each(variantCases(model.variants))(
      'variant %s matches its file under public/ and its inputs and outputs',
      async (_variantId, variant) => {
        await expectMatchesFile(variant);
        const session = await ort.InferenceSession.create(
          await readFile(path.join(PUBLIC_DIR, variant.file)),
        );
        try {
          expectInputsAndOutputs(session, model);
        } finally {
          await session.release();
        }
      },
    );
  },
);

/** Names, float32 and shapes; a named (runtime) size need only be symbolic in the file too. */
function expectInputsAndOutputs(session: ort.InferenceSession, model: AnalysisModelEntry): void {
  const expectTensor = (
    metadata: ort.InferenceSession.ValueMetadata | undefined,
    dims: readonly (number | string)[],
  ) => {
    if (!metadata?.isTensor) throw new Error(`${model.id}: not a tensor`);
    expect(metadata.type).toBe('float32');
    const shape = (dim: number | string) => (typeof dim === 'number' ? dim : 'symbolic');
    expect(metadata.shape.map(shape), `${model.id} '${metadata.name}'`).toEqual(dims.map(shape));
  };
  expect(session.inputNames).toEqual([model.input.name]);
  expect(model.input.dims[1]).toBe(3);
  expectTensor(session.inputMetadata[0], model.input.dims);
  for (const output of model.outputs) {
    expectTensor(
      session.outputMetadata.find((value) => value.name === output.name),
      output.dims,
    );
  }
}

interface TilingCheck {
  /** The test image, in input pixels. */
  height: number;
  width: number;
  /** Tile core size; each tile also gets model.tile.context of margin. */
  tile: number;
  /** The largest tiled-vs-whole difference allowed, in 8-bit levels. */
  maxLevels: number;
}

/**
 * By default the smallest allowed tile on a 96 px image (the most seams per pixel), within one
 * 8-bit level. The exceptions, matched on the model id:
 */
const TILING_EXCEPTIONS: readonly [RegExp, Partial<TilingCheck>][] = [
  // 64 px still leaves every tile a seam with 16 px of context, in half the time.
  [/^(esrgan-medium-x[38]|realesr-animevideov3-)/, { height: 64, width: 64 }],
  // Most ncnn models' smallest tiles (96-112 px) would leave no seam in these small test images:
  // cut 32 px cores instead.
  [/^(realesr|realcugan|waifu2x)/, { tile: 32 }],
  // RRDB is 10× slower per pixel than the others: a 16-row strip keeps this to a few seconds and
  // still has two seams between columns.
  [/^realesrgan-x4plus-anime$/, { height: 16, width: 96 }],
  // x4plus has 23 RRDB blocks to the anime model's 6 (4× the time): 16×80 still has two column
  // seams. Its reach is wider too: 48 px of context leaves at most 1.3 levels (16 px: 20).
  [/^realesrgan-x4plus$/, { height: 16, width: 80, maxLevels: 1.5 }],
  // Squeeze-excitation blocks scale every channel by a function of its average over the whole
  // tile, so a tile never matches a whole-image run however wide its context; Real-CUGAN's own
  // ncnn tool tiles the same way unless its 'syncgap' pass shares the averages between tiles.
  // The bounds are ~1.3× what the shipped contexts give on this strip of the noisy image (worst
  // of the family: Real-CUGAN denoise3 40 levels, CUnet noise1 13), where the 32 px cores make
  // the averages far less stable than the app's 192 px ones.
  [/^realcugan-/, { height: 24, width: 96, maxLevels: 55 }],
  [/^waifu2x-cunet-/, { height: 24, width: 96, maxLevels: 17 }],
];

function tilingCheck(model: ModelEntry): TilingCheck {
  let check: TilingCheck = { height: 96, width: 96, tile: model.tile.min, maxLevels: 1 };
  for (const [pattern, change] of TILING_EXCEPTIONS) {
    if (pattern.test(model.id)) check = { ...check, ...change };
  }
  return check;
}

/**
 * Runs the model on the test image whole and as tiles with model.tile.context of margin, and
 * returns the largest difference between the two, in 8-bit levels of the output range.
 */
async function maxTiledVsWholeDifference(
  session: ort.InferenceSession,
  model: ModelEntry,
  check: TilingCheck,
): Promise<number> {
  const { height: imageHeight, width: imageWidth, tile: tileSize } = check;
  const [lo, hi] = model.input.range;
  const image = testImageNchw(imageHeight, imageWidth).map((v) => lo + (v / 255) * (hi - lo));
  const run = async (y0: number, y1: number, x0: number, x1: number) => {
    const height = y1 - y0;
    const width = x1 - x0;
    const crop = new Float32Array(3 * height * width);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        const from = (c * imageHeight + y + y0) * imageWidth + x0;
        crop.set(image.subarray(from, from + width), (c * height + y) * width);
      }
    }
    const feeds = { [model.input.name]: new ort.Tensor('float32', crop, [1, 3, height, width]) };
    const output = (await session.run(feeds))[model.output.name];
    if (!output) throw new Error(`${model.id} produced no '${model.output.name}'`);
    return output.data as Float32Array;
  };

  const { scale, tile } = model;
  const [outLo, outHi] = model.output.range;
  const toLevels = 255 / (outHi - outLo);
  const outWidth = imageWidth * scale;
  const whole = await run(0, imageHeight, 0, imageWidth);
  let maxDiff = 0;
  for (let tileY = 0; tileY < imageHeight; tileY += tileSize) {
    for (let tileX = 0; tileX < imageWidth; tileX += tileSize) {
      // Context is clamped at the image edge, where the model's own padding takes over.
      const y0 = Math.max(0, tileY - tile.context);
      const y1 = Math.min(imageHeight, tileY + tileSize + tile.context);
      const x0 = Math.max(0, tileX - tile.context);
      const x1 = Math.min(imageWidth, tileX + tileSize + tile.context);
      const tiled = await run(y0, y1, x0, x1);
      const tiledWidth = (x1 - x0) * scale;
      const tiledHeight = (y1 - y0) * scale;
      const yEnd = Math.min(imageHeight, tileY + tileSize) * scale;
      const xEnd = Math.min(imageWidth, tileX + tileSize) * scale;
      for (let c = 0; c < 3; c++) {
        for (let y = tileY * scale; y < yEnd; y++) {
          for (let x = tileX * scale; x < xEnd; x++) {
            const tiledValue =
              tiled[(c * tiledHeight + y - y0 * scale) * tiledWidth + x - x0 * scale];
            const wholeValue = whole[(c * imageHeight * scale + y) * outWidth + x];
            const diff = Math.abs((tiledValue as number) - (wholeValue as number)) * toLevels;
            maxDiff = Math.max(maxDiff, diff);
          }
        }
      }
    }
  }
  console.log(
    `${model.id}: tiled (${tileSize} px + ${tile.context} context) vs whole on ` +
      `${imageHeight}×${imageWidth}: ${maxDiff} levels`,
  );
  return maxDiff;
}

/** Smooth structure plus deterministic noise, 0..255, NCHW. */
function testImageNchw(height: number, width: number): Float32Array {
  const image = new Float32Array(3 * height * width);
  let state = 99;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        const noise = 60 * (state / 2147483648 - 0.5);
        const smooth = 128 + 80 * Math.sin((x + 7 * c) / 6) * Math.cos(y / 9);
        image[(c * height + y) * width + x] = Math.min(255, Math.max(0, smooth + noise));
      }
    }
  }
  return image;
}
