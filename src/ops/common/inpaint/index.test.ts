import { describe, expect, it, vi } from 'vitest';
import { inpaint, splitByThickness } from './index.ts';
import { dilateMask, emptyMask, ringAround } from './mask.ts';

// Vitest's module runner never finishes importing the 10.8 MB OpenCV.js file (it hangs, busy);
// Node's own require loads it in half a second, so the test hands that to the loader.
vi.mock('../opencv-module.ts', () => {
  const node = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } })
    .process;
  const { createRequire } = node.getBuiltinModule('node:module') as {
    createRequire(from: string): (id: string) => unknown;
  };
  const cv = createRequire(import.meta.url)('@techstark/opencv-js');
  return { openCvModule: () => cv };
});

/** A smooth diagonal gradient, opaque. */
function gradient(w: number, h: number) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      data.set([60 + x, 90 + y / 2, 180 - x / 2, 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}

describe('splitByThickness', () => {
  it('sends a 2-px scratch to diffusion and a 20-px disc to the exemplar fill', () => {
    const m = emptyMask(64, 64);
    for (let x = 2; x < 60; x++) m.data[5 * 64 + x] = m.data[6 * 64 + x] = 1;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) if (Math.hypot(x - 40, y - 40) <= 10) m.data[y * 64 + x] = 1;
    }
    const split = splitByThickness(m, 3);
    expect(split.thinRegions).toBe(1);
    expect(split.largeRegions).toHaveLength(1);
    expect(split.thin.data[5 * 64 + 30]).toBe(1);
    expect(split.large.data[40 * 64 + 40]).toBe(1);
  });
});

describe('inpaint', () => {
  it('removes an object from a smooth background: the fill matches its surround, the rest is untouched', async () => {
    const clean = gradient(96, 96);
    const image = { ...clean, data: clean.data.slice() };
    const object = emptyMask(96, 96);
    for (let y = 0; y < 96; y++) {
      for (let x = 0; x < 96; x++) {
        if (Math.hypot(x - 50, y - 44) <= 14) {
          object.data[y * 96 + x] = 1;
          image.data.set([250, 20, 20, 255], (y * 96 + x) * 4);
        }
      }
    }
    const mask = dilateMask(object, 2);
    const before = image.data.slice();
    const report = await inpaint(image, mask);
    expect(report.method).toMatch(/exemplar fill/);
    let worst = 0;
    for (let i = 0; i < 96 * 96; i++) {
      if (mask.data[i]) {
        for (let c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(image.data[i * 4 + c]! - clean.data[i * 4 + c]!));
        }
      } else {
        for (let c = 0; c < 4; c++) expect(image.data[i * 4 + c]).toBe(before[i * 4 + c]);
      }
    }
    console.log(`object on a gradient: worst |fill − clean| ${worst} levels; ${report.method}`);
    expect(worst).toBeLessThan(40);
    const ring = ringAround(mask, 0, 4);
    const mean = (where: Uint8Array) => {
      const sum = [0, 0, 0];
      let n = 0;
      for (let i = 0; i < where.length; i++) {
        if (!where[i]) continue;
        for (let c = 0; c < 3; c++) sum[c]! += image.data[i * 4 + c]!;
        n++;
      }
      return sum.map((v) => v / n);
    };
    const inside = mean(mask.data);
    const around = mean(ring.data);
    const distance = Math.hypot(...inside.map((v, c) => v - around[c]!));
    expect(distance).toBeLessThan(8);
  });

  it('fills a thin scratch with OpenCV Telea', async () => {
    const clean = gradient(64, 48);
    const image = { ...clean, data: clean.data.slice() };
    const mask = emptyMask(64, 48);
    for (let x = 4; x < 60; x++) {
      mask.data[20 * 64 + x] = 1;
      image.data.set([255, 255, 255, 255], (20 * 64 + x) * 4);
    }
    const report = await inpaint(image, mask);
    expect(report.method).toMatch(/OpenCV\.js 4\.12\.0 cv\.inpaint \(Telea, radius 3\)/);
    let worst = 0;
    for (let x = 4; x < 60; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (20 * 64 + x) * 4 + c;
        worst = Math.max(worst, Math.abs(image.data[i]! - clean.data[i]!));
      }
    }
    expect(worst).toBeLessThanOrEqual(3);
  });
});
