import { describe, expect, it } from 'vitest';
import type { ModelRuntime } from '@/inference/runtime.ts';
import type { RgbaImage } from '@/media/image.ts';
import { findAnalysisModel, fixedInputSize } from '@/inference/analysis-models.ts';
import { computeMatte } from './matte.ts';

/** A runtime that answers the matting model with a constant matte and counts its runs. */
function countingRuntime(value: number) {
  const entry = findAnalysisModel('matting')!;
  const { width, height } = fixedInputSize(entry);
  const output = entry.outputs[0]!.name;
  const runtime = {
    runs: 0,
    runWhole() {
      runtime.runs++;
      const data = new Float32Array(width * height).fill(value);
      return Promise.resolve({ [output]: { data, dims: [1, 1, height, width] } });
    },
  };
  return runtime;
}

function photo(seed: number): RgbaImage {
  const data = new Uint8ClampedArray(40 * 30 * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (i * seed) % 251;
  return { width: 40, height: 30, data };
}

describe('computeMatte', () => {
  it('runs the model once for two jobs on the same photo, and again for another photo', async () => {
    const runtime = countingRuntime(0.75);
    const asRuntime = runtime as unknown as ModelRuntime;
    const first = await computeMatte(photo(7), asRuntime);
    const again = await computeMatte(photo(7), asRuntime);
    expect(runtime.runs).toBe(1);
    expect(again.alpha).toEqual(first.alpha);
    expect(again.steps.at(-1)).toMatch(/reused/);
    expect(first.steps.join(' ')).not.toMatch(/reused/);

    // A caller may change its matte; the next reuse still gets the model's.
    first.alpha.fill(0);
    again.alpha.fill(0);
    const third = await computeMatte(photo(7), asRuntime);
    expect(third.alpha[0]).toBeCloseTo(0.75, 5);

    await computeMatte(photo(11), asRuntime);
    expect(runtime.runs).toBe(2);
  });
});
