import { describe, expect, it } from 'vitest';
import { catalog } from '@models/catalog.ts';
import type { RgbaImage } from '@/media/image.ts';
import { type ColorizeRunner, colorizeWithModel, labPlanes } from './model.ts';

/** A gray photo with detail finer than the model's 256² grid. */
function grayPhoto(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 60 + ((x * 7 + y * 3) % 120) + ((x + y) % 2) * 20;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** The stand-ins' transforms: constant a*b* (DDColor) or a sepia tone of the input (DeOldify). */
function runner(id: string, seen: number[][] = []): ColorizeRunner {
  const entry = catalog.find((e) => e.id === id)!;
  return {
    entry,
    run: async ([feed]) => {
      seen.push([...feed!.dims]);
      const input = feed!.data as Float32Array;
      const n = input.length / 3;
      if (entry.output.kind === 'ab') {
        const out = new Float32Array(2 * n);
        out.fill(30, 0, n).fill(-20, n);
        return { data: out, dims: [1, 2, 256, 256] };
      }
      const out = new Float32Array(3 * n);
      for (let i = 0; i < n; i++) {
        out[i] = input[i]!;
        out[n + i] = 0.85 * input[i]!;
        out[2 * n + i] = 0.6 * input[i]!;
      }
      return { data: out, dims: [1, 3, 256, 256] };
    },
  };
}

describe('colorization with a model', () => {
  for (const id of ['ddcolor-tiny', 'deoldify-quant']) {
    it(`${id}: runs at its size, keeps the photo's own luminance, adds the model's colour`, async () => {
      const image = grayPhoto(300, 180);
      const [L0] = labPlanes(image);
      const seen: number[][] = [];
      await colorizeWithModel(image, runner(id, seen), 1);
      expect(seen).toEqual([[1, 3, 256, 256]]);
      const [L1, a, b] = labPlanes(image);
      let worstL = 0;
      let sumA = 0;
      let sumB = 0;
      for (let i = 0; i < L0!.length; i++) {
        worstL = Math.max(worstL, Math.abs(L1![i]! - L0![i]!));
        sumA += a![i]!;
        sumB += b![i]!;
      }
      const n = L0!.length;
      console.log(
        `${id}: worst |ΔL| ${worstL.toFixed(3)}, mean a* ${(sumA / n).toFixed(1)} b* ${(sumB / n).toFixed(1)}`,
      );
      expect(worstL).toBeLessThan(0.7);
      if (id === 'ddcolor-tiny') {
        expect(sumA / n).toBeGreaterThan(20);
        expect(sumB / n).toBeLessThan(-12);
      } else {
        expect(sumB / n).toBeGreaterThan(10); // sepia: yellow-orange, b* > 0
      }
    });
  }

  it('strength scales the colour; 0 leaves the photo as it was', async () => {
    const image = grayPhoto(64, 64);
    const before = new Uint8ClampedArray(image.data);
    await colorizeWithModel(image, runner('ddcolor-tiny'), 0);
    expect(Math.max(...image.data.map((v, i) => Math.abs(v - before[i]!)))).toBeLessThanOrEqual(1);
    const half = grayPhoto(64, 64);
    await colorizeWithModel(half, runner('ddcolor-tiny'), 0.5);
    const [, a] = labPlanes(half);
    const mean = a!.reduce((s, v) => s + v, 0) / a!.length;
    expect(mean).toBeGreaterThan(13);
    expect(mean).toBeLessThan(17);
  });
});
