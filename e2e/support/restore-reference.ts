// The engines the restoration operations did NOT choose, run here in Node on the same input,
// so a test can show the choice was the better one: a waifu2x CUnet level through
// onnxruntime-web's WASM backend (the same model file the app serves), and CBM3D through the
// app's own kernel.

import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-web';
import manifest from '../../models/manifest.json' with { type: 'json' };
import type { ModelEntry } from '../../models/manifest.ts';
import { estimateNoiseSigma } from '../../src/ops/denoise/noise-estimate.ts';
import { bm3d } from '../../src/ops/denoise/bm3d.ts';
import { assumedSigma } from '../../src/ops/denoise/plan.ts';
import { createImage, type RgbaImage, type RgbaImageLike } from './images.ts';

ort.env.wasm.numThreads = 1;

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function cunetEntry(noiseLevel: number): ModelEntry {
  const entry = (manifest.models as ModelEntry[]).find(
    (m) => m.operations.includes('denoise') && m.scale === 1 && m.noiseLevel === noiseLevel,
  );
  if (!entry) throw new Error(`no ×1 denoise model for noise level ${noiseLevel}`);
  return entry;
}

/** The CUnet denoiser of a noise level on a whole (small) image, as the app's tiles would. */
export async function runCunet(noiseLevel: number, img: RgbaImageLike): Promise<RgbaImage> {
  const entry = cunetEntry(noiseLevel);
  const variant = entry.variants.find((v) => v.compute === 'float32') ?? entry.variants[0]!;
  let session = sessions.get(variant.file);
  if (!session) {
    session = readFile(`public/${variant.file}`).then((bytes) =>
      ort.InferenceSession.create(new Uint8Array(bytes)),
    );
    sessions.set(variant.file, session);
  }
  const [lo, hi] = entry.input.range;
  const plane = img.width * img.height;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++)
      input[c * plane + i] = lo + (img.data[i * 4 + c]! / 255) * (hi - lo);
  }
  const results = await (
    await session
  ).run({
    [entry.input.name]: new ort.Tensor('float32', input, [1, 3, img.height, img.width]),
  });
  const output = results[entry.output.name]!.data as Float32Array;
  const [olo, ohi] = entry.output.range;
  const out = createImage(img.width, img.height);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = ((output[c * plane + i]! - olo) / (ohi - olo)) * 255;
      out.data[i * 4 + c] = Math.round(Math.min(255, Math.max(0, v)));
    }
    out.data[i * 4 + 3] = img.data[i * 4 + 3]!;
  }
  return out;
}

/**
 * CBM3D as the denoise operation would run it at `level` on this image: its white noise
 * measured the same way and scaled by the level (plan.ts), on the whole image at once.
 */
export function runBm3d(img: RgbaImageLike, level: number): RgbaImage {
  const sigma = assumedSigma(Math.max(estimateNoiseSigma(img), 0.5), level);
  const plane = img.width * img.height;
  const rgb = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = img.data[i * 4 + c]!;
  }
  const filtered = bm3d(rgb, img.width, img.height, sigma);
  const out = createImage(img.width, img.height);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      out.data[i * 4 + c] = Math.round(Math.min(255, Math.max(0, filtered[i * 3 + c]!)));
    }
    out.data[i * 4 + 3] = img.data[i * 4 + 3]!;
  }
  return out;
}
