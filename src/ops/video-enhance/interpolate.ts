// Frame interpolation with RIFE 4.6: the picture between two frames, at any time between them.
// The model's contract (input names, value range, size multiple) comes from the manifest entry.

import type { InterpolationModelEntry } from '@models/manifest.ts';
import { manifest } from '@/inference/models.ts';
import type { ModelRuntime } from '@/inference/runtime.ts';

/** An RGBA frame, row-major, 4 bytes per pixel. */
export interface Frame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The manifest's interpolation model; a test may hand in another entry. */
export function interpolationModel(): InterpolationModelEntry {
  const entry = manifest.interpolation.find((model) => model.operations.includes('interpolate'));
  if (!entry) throw new Error('This version of Kintsugi has no frame interpolation model');
  return entry;
}

/**
 * The frame at time `t` between `a` (t = 0) and `b` (t = 1), the same size as both (RGBA in and
 * out; alpha is blended linearly, RIFE sees only RGB). The network wants sides that are a
 * multiple of 32, so the frames are padded (edge pixels repeated) and the result cropped back.
 * RIFE 4.6 takes the time as an input, so any `t` in [0, 1] works, not only the middle.
 * The session comes from `runtime` (its backend, its cache), for the manifest's variant.
 */
export async function interpolateFrame(
  runtime: Pick<ModelRuntime, 'runWhole' | 'variant'>,
  a: Frame,
  b: Frame,
  t = 0.5,
  model: InterpolationModelEntry = interpolationModel(),
): Promise<Frame> {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(
      `Frames differ in size: ${a.width}×${a.height} and ${b.width}×${b.height}`,
    );
  }
  if (!(t >= 0 && t <= 1)) throw new RangeError(`t must be between 0 and 1, got ${t}`);
  const { width, height } = a;
  if (width < 1 || height < 1) throw new RangeError('Frames must not be empty');
  const multiple = model.input.sizeMultiple;
  const paddedWidth = Math.ceil(width / multiple) * multiple;
  const paddedHeight = Math.ceil(height / multiple) * multiple;
  const dims = [1, 3, paddedHeight, paddedWidth];
  const range = model.input.range;
  const [frame0, frame1] = model.input.frames;
  const outputs = await runtime.runWhole(
    runtime.variant(model),
    {
      [frame0]: { data: toPlanes(a, paddedWidth, paddedHeight, range), dims },
      [frame1]: { data: toPlanes(b, paddedWidth, paddedHeight, range), dims },
      [model.input.time]: {
        data: new Float32Array(paddedWidth * paddedHeight).fill(t),
        dims: [1, 1, paddedHeight, paddedWidth],
      },
    },
    [model.output.name],
  );
  const output = outputs[model.output.name];
  if (!output) throw new Error(`The model gave no output named ${model.output.name}`);
  return fromPlanes(output.data, paddedWidth, paddedHeight, a, b, t, model.output.range);
}

/** RGB planes of the frame in `range`, padded right and bottom by repeating the edge pixels. */
function toPlanes(
  frame: Frame,
  paddedWidth: number,
  paddedHeight: number,
  [low, high]: readonly [number, number],
): Float32Array {
  const plane = paddedWidth * paddedHeight;
  const planes = new Float32Array(3 * plane);
  const step = (high - low) / 255;
  for (let y = 0; y < paddedHeight; y++) {
    const row = Math.min(y, frame.height - 1) * frame.width;
    for (let x = 0; x < paddedWidth; x++) {
      const from = (row + Math.min(x, frame.width - 1)) * 4;
      const to = y * paddedWidth + x;
      planes[to] = low + (frame.data[from] as number) * step;
      planes[plane + to] = low + (frame.data[from + 1] as number) * step;
      planes[2 * plane + to] = low + (frame.data[from + 2] as number) * step;
    }
  }
  return planes;
}

/** The top-left width × height of the output as RGBA, alpha blended from the two frames. */
function fromPlanes(
  planes: Float32Array,
  paddedWidth: number,
  paddedHeight: number,
  a: Frame,
  b: Frame,
  t: number,
  [low, high]: readonly [number, number],
): Frame {
  const { width, height } = a;
  const plane = paddedWidth * paddedHeight;
  const data = new Uint8ClampedArray(width * height * 4);
  const scale = 255 / (high - low);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = y * paddedWidth + x;
      const to = (y * width + x) * 4;
      // Uint8ClampedArray clamps and rounds (half to even) on its own.
      data[to] = ((planes[from] as number) - low) * scale;
      data[to + 1] = ((planes[plane + from] as number) - low) * scale;
      data[to + 2] = ((planes[2 * plane + from] as number) - low) * scale;
      data[to + 3] = (a.data[to + 3] as number) * (1 - t) + (b.data[to + 3] as number) * t;
    }
  }
  return { data, width, height };
}
