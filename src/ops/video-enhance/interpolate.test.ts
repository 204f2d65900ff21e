// interpolateFrame on the built RIFE 4.6 file, run by onnxruntime-node (CPU) behind the same
// runWhole contract the worker's ModelRuntime offers.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelEntry, ModelVariant } from '@models/manifest.ts';
import { pickVariant } from '@/inference/models.ts';
import { type Frame, interpolateFrame, interpolationModel } from './interpolate.ts';
import type { ModelRuntime } from '@/inference/runtime.ts';

const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../public');

/** runWhole as ModelRuntime does it, on onnxruntime-node, reading the file the variant names. */
class NodeRuntime implements Pick<ModelRuntime, 'runWhole' | 'variant'> {
  readonly ran: string[] = [];

  /** A processor's file, as ModelRuntime picks on WASM. */
  variant(model: Pick<ModelEntry, 'id' | 'variants'>): ModelVariant {
    return pickVariant(model, { float16: false });
  }
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  async runWhole(
    variant: ModelVariant,
    feeds: Record<string, { data: Float32Array; dims: readonly number[] }>,
    outputs?: readonly string[],
  ) {
    this.ran.push(variant.id);
    let session = this.sessions.get(variant.file);
    if (!session) {
      session = readFile(path.join(PUBLIC, variant.file)).then((bytes) =>
        ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 }),
      );
      this.sessions.set(variant.file, session);
    }
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]),
    );
    const ready = await session;
    const results = outputs ? await ready.run(tensors, [...outputs]) : await ready.run(tensors);
    return Object.fromEntries(
      Object.entries(results).map(([name, tensor]) => [
        name,
        { data: tensor.data as Float32Array, dims: tensor.dims },
      ]),
    );
  }
}

/** A light square on a darker, gently shaded background, with its left edge at `left`. */
function squareFrame(width: number, height: number, left: number, top = 14, side = 16): Frame {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= left && x < left + side && y >= top && y < top + side;
      const i = (y * width + x) * 4;
      const shade = 40 + ((x * 3 + y * 2) % 20);
      data.set(inside ? [230, 200, 90, 255] : [shade, shade + 10, shade + 20, 255], i);
    }
  }
  return { data, width, height };
}

/** The mean x and y of the pixels that look like the square (red channel above the middle). */
function squareCentre(frame: Frame) {
  let [sumX, sumY, count] = [0, 0, 0];
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      if ((frame.data[(y * frame.width + x) * 4] as number) > 135) {
        sumX += x;
        sumY += y;
        count++;
      }
    }
  }
  return { x: sumX / count, y: sumY / count, count };
}

let runtime: NodeRuntime;

beforeAll(() => {
  runtime = new NodeRuntime();
});

describe('interpolateFrame (RIFE 4.6)', () => {
  // 72 × 50: neither side a multiple of 32, so padding and the crop back are exercised.
  const [width, height] = [72, 50];
  const a = squareFrame(width, height, 20);
  const b = squareFrame(width, height, 28);

  it('puts a square that moved 8 px at 4 px in the middle frame, within 1 px', async () => {
    const middle = await interpolateFrame(runtime, a, b);
    expect([middle.width, middle.height]).toEqual([width, height]);
    const centre = squareCentre(middle);
    const start = squareCentre(a);
    console.log(`square centre: frame a x=${start.x}, middle x=${centre.x.toFixed(2)}`);
    expect(Math.abs(centre.x - (start.x + 4))).toBeLessThanOrEqual(1);
    expect(Math.abs(centre.y - start.y)).toBeLessThanOrEqual(1);
    // Moved, not cross-faded: a blend would show two half-bright squares, none above 135.
    expect(centre.count).toBeGreaterThan(0.8 * start.count);
    expect(middle.data[3]).toBe(255);
  });

  it('takes the time as an input: t = 0.25 is a quarter of the way', async () => {
    const quarter = squareCentre(await interpolateFrame(runtime, a, b, 0.25));
    const start = squareCentre(a);
    console.log(`square centre at t = 0.25: x=${quarter.x.toFixed(2)}`);
    expect(Math.abs(quarter.x - (start.x + 2))).toBeLessThanOrEqual(1);
  });

  it('runs the manifest’s default variant', () => {
    const model = interpolationModel();
    expect(runtime.ran.length).toBeGreaterThan(0);
    expect(runtime.ran.every((id) => id === model.variants[0]?.id)).toBe(true);
  });

  it('refuses frames of different sizes and a time outside 0..1', async () => {
    await expect(interpolateFrame(runtime, a, squareFrame(64, 50, 20))).rejects.toThrow(
      /differ in size/,
    );
    await expect(interpolateFrame(runtime, a, b, 1.5)).rejects.toThrow(/between 0 and 1/);
  });
});
