import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TensorContract, catalog } from '../../models/catalog.ts';
import { standInModel } from './stand-in-models.ts';

// The stand-ins must be what the browser test says they are: the real model's signature exactly
// (names, element types, shapes; runtime sizes where the real one takes any), and the transform
// their header describes.

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

const SIDE = 8;
const dimsOf = (t: TensorContract) => t.dims.map((d) => (typeof d === 'number' ? d : SIDE));

function tensor(t: TensorContract, value: number): ort.Tensor {
  const dims = dimsOf(t);
  const n = dims.reduce((a, b) => a * b, 1);
  if (t.type === 'uint8') return new ort.Tensor('uint8', new Uint8Array(n).fill(value), dims);
  if (t.type === 'float64') return new ort.Tensor('float64', new Float64Array(n).fill(value), dims);
  return new ort.Tensor('float32', new Float32Array(n).fill(value), dims);
}

describe('stand-in optional models', () => {
  for (const entry of catalog) {
    it(`${entry.id}: the real signature and the documented transform`, async () => {
      const session = await ort.InferenceSession.create(standInModel(entry));
      const declared = [entry.input.image, entry.input.mask, entry.input.weight].filter(
        (t) => t !== undefined,
      );
      expect([...session.inputNames].sort()).toEqual(declared.map((t) => t.name).sort());
      expect(session.outputNames).toEqual([entry.output.tensor.name]);
      const raw8 = entry.input.image.type === 'uint8';
      const feeds: Record<string, ort.Tensor> = {
        [entry.input.image.name]: tensor(entry.input.image, raw8 ? 40 : 0.25),
      };
      if (entry.input.mask) feeds[entry.input.mask.name] = tensor(entry.input.mask, 1);
      if (entry.input.weight) feeds[entry.input.weight.name] = tensor(entry.input.weight, 0.5);
      const out = (await session.run(feeds))[entry.output.tensor.name]!;
      expect(out.type).toBe(entry.output.tensor.type);
      expect(out.dims).toEqual(dimsOf(entry.output.tensor));
      const first = Number(out.data[0]);
      const last = Number(out.data[out.data.length - 1]);
      if (entry.operation === 'face-restore') expect(first).toBeCloseTo(-0.25, 6);
      else if (entry.operation === 'inpaint') expect(first).toBeCloseTo(raw8 ? 215 : 191.25, 3);
      else if (entry.output.kind === 'ab') expect([first, last]).toEqual([30, -20]);
      else expect([first, last]).toEqual([0.25, 0.25 * 0.6].map((v) => Math.fround(v)));
    });
  }
});
