import { describe, expect, it } from 'vitest';
import { catalog } from '@models/catalog.ts';
import type { RgbaImage } from '@/media/image.ts';
import { emptyMask } from './mask.ts';
import { type InpaintModelRunner, inpaintWithModel, planPasses } from './model.ts';

function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data.set([(x * 3) % 256, (y * 5) % 256, 90, 255], o);
    }
  }
  return { width, height, data };
}

/** The stand-in: the picture inverted, in the model's own tensor types and ranges. */
function invertingRunner(id: string): InpaintModelRunner & { holes: number[] } {
  const entry = catalog.find((e) => e.id === id)!;
  const holes: number[] = [];
  return {
    entry,
    holes,
    run: async (feeds) => {
      const [image, mask] = feeds;
      holes.push(Array.from(mask!.data).filter((v) => v === entry.input.mask!.fill).length);
      const data = Float32Array.from(image!.data, (v) =>
        entry.input.raw8 ? 255 - v : (1 - v) * 255,
      );
      return { data, dims: image!.dims };
    },
  };
}

describe('inpainting with a model', () => {
  for (const id of ['lama', 'mi-gan']) {
    it(`${id}: writes only inside the mask, and fills it from the model`, async () => {
      const image = gradient(300, 200);
      const before = new Uint8ClampedArray(image.data);
      const mask = emptyMask(300, 200);
      for (let y = 60; y < 110; y++) for (let x = 120; x < 200; x++) mask.data[y * 300 + x] = 1;
      const runner = invertingRunner(id);
      const done = await inpaintWithModel(image, mask, runner);
      expect(done).toEqual({ passes: 1, pixels: 50 * 80 });
      expect(runner.holes[0]).toBeGreaterThan(0);
      let outside = 0;
      let inverted = 0;
      for (let i = 0; i < 300 * 200; i++) {
        const same = [0, 1, 2, 3].every((c) => image.data[i * 4 + c] === before[i * 4 + c]);
        if (!mask.data[i] && !same) outside++;
        // Deep inside (away from the feathered rim and the resampling at the hole's edge).
        const x = i % 300;
        const y = Math.floor(i / 300);
        if (x >= 130 && x < 190 && y >= 70 && y < 100) {
          const want = 255 - before[i * 4 + 2]!;
          if (Math.abs(image.data[i * 4 + 2]! - want) <= 2) inverted++;
        }
      }
      expect(outside).toBe(0);
      expect(inverted).toBe(60 * 30);
    });
  }

  it('a region wider than two model windows is filled in passes, all of it, nothing else', async () => {
    const image = gradient(1200, 400);
    const before = new Uint8ClampedArray(image.data);
    const mask = emptyMask(1200, 400);
    for (let y = 100; y < 300; y++) for (let x = 50; x < 1150; x++) mask.data[y * 1200 + x] = 1;
    const runner = invertingRunner('lama');
    const done = await inpaintWithModel(image, mask, runner);
    expect(done).toEqual({ passes: 3, pixels: 1100 * 200 });
    // Later passes see earlier ones as context: each hole is smaller than the last.
    expect(runner.holes[1]).toBeLessThan(runner.holes[0]!);
    let outside = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const same = [0, 1, 2].every((c) => image.data[i * 4 + c] === before[i * 4 + c]);
      if (!mask.data[i] && !same) outside++;
    }
    expect(outside).toBe(0);
  });

  it('a region larger than twice the model side is filled in several passes', async () => {
    const mask = emptyMask(1400, 700);
    for (let y = 50; y < 650; y++) for (let x = 100; x < 1300; x++) mask.data[y * 1400 + x] = 1;
    const { passes } = planPasses(mask, 512);
    expect(passes.length).toBe(6);
    let covered = 0;
    for (const p of passes) {
      expect(p.window.x1 - p.window.x0).toBeLessThanOrEqual(1024);
      expect(p.window.y1 - p.window.y0).toBeLessThanOrEqual(1024);
      expect(p.window.x0).toBeLessThanOrEqual(p.cell.x0);
      expect(p.window.x1).toBeGreaterThanOrEqual(p.cell.x1);
      covered += (p.cell.x1 - p.cell.x0) * (p.cell.y1 - p.cell.y0);
    }
    expect(covered).toBe(1200 * 600);
    const small = emptyMask(400, 300);
    small.data[150 * 400 + 200] = 1;
    small.data[20 * 400 + 20] = 1;
    expect(planPasses(small, 512).passes).toHaveLength(2);
  });
});
