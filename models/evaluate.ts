// Running a converted model on a real picture and scoring the result, shared by the build (which
// keeps a float16-weight variant only when it is close enough to float32) and the tests.

import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-web';
import { decodePng, type RgbaImageLike } from './lib/png.ts';

/** RGB planes, NCHW with N = 1, in a model's value range. */
export interface NchwImage {
  data: Float32Array;
  height: number;
  width: number;
}

export async function readPngAsNchw(
  filePath: string,
  range: readonly [number, number],
): Promise<NchwImage> {
  return rgbaToNchw(decodePng(new Uint8Array(await readFile(filePath))), range);
}

export function rgbaToNchw(img: RgbaImageLike, range: readonly [number, number]): NchwImage {
  const [lo, hi] = range;
  const planeSize = img.width * img.height;
  const data = new Float32Array(3 * planeSize);
  for (let i = 0; i < planeSize; i++) {
    for (let c = 0; c < 3; c++) {
      data[c * planeSize + i] = lo + ((img.data[i * 4 + c] as number) / 255) * (hi - lo);
    }
  }
  return { data, height: img.height, width: img.width };
}

/** Back to 8-bit RGBA the way the app writes tiles: clamp to the range, round. */
export function nchwToRgba(image: NchwImage, range: readonly [number, number]) {
  const [lo, hi] = range;
  const planeSize = image.width * image.height;
  const data = new Uint8Array(planeSize * 4);
  for (let i = 0; i < planeSize; i++) {
    for (let c = 0; c < 3; c++) {
      const value = (((image.data[c * planeSize + i] as number) - lo) / (hi - lo)) * 255;
      data[i * 4 + c] = Math.round(Math.min(255, Math.max(0, value)));
    }
    data[i * 4 + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}

export interface ModelIo {
  inputName: string;
  outputName: string;
}

export async function runOnnx(
  model: Uint8Array | ort.InferenceSession,
  io: ModelIo,
  input: NchwImage,
): Promise<NchwImage> {
  const session = model instanceof Uint8Array ? await ort.InferenceSession.create(model) : model;
  try {
    const feeds = {
      [io.inputName]: new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]),
    };
    const output = (await session.run(feeds))[io.outputName];
    if (!output) throw new Error(`The model gave no output named ${io.outputName}`);
    const [, channels, height, width] = output.dims;
    if (channels !== 3 || height === undefined || width === undefined) {
      throw new Error(`Unexpected output shape [${output.dims}]`);
    }
    return { data: output.data as Float32Array, height, width };
  } finally {
    if (model instanceof Uint8Array) await session.release();
  }
}

/**
 * PSNR in dB of `b` against `a` on the 0..255 scale, before any rounding to 8 bits, with both
 * clamped to the range first (as the app clamps what it writes).
 */
export function psnrNchw(a: NchwImage, b: NchwImage, range: readonly [number, number]): number {
  if (a.data.length !== b.data.length) throw new Error('PSNR of different-sized images');
  const [lo, hi] = range;
  const to255 = (value: number) => ((Math.min(hi, Math.max(lo, value)) - lo) / (hi - lo)) * 255;
  let squaredError = 0;
  for (let i = 0; i < a.data.length; i++) {
    const diff = to255(a.data[i] as number) - to255(b.data[i] as number);
    squaredError += diff * diff;
  }
  const mse = squaredError / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** How far float16 weights move a model's output: PSNR of the fp16w output against fp32's. */
export async function float16WeightPsnr(
  fp32: Uint8Array,
  fp16w: Uint8Array,
  io: ModelIo,
  range: readonly [number, number],
  input: NchwImage,
): Promise<number> {
  const reference = await runOnnx(fp32, io, input);
  const candidate = await runOnnx(fp16w, io, input);
  return psnrNchw(reference, candidate, range);
}
