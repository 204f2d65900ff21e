import { describe, expect, it, vi } from 'vitest';
import photoDataUrl from '../../../e2e/fixtures/photo-original-128.png?inline';
import { decodePng, psnr, resizeBicubic } from '../../../e2e/support/images.ts';
import { damageRandomly } from './old-photo-fixture.ts';
import { repairScratches } from './repair.ts';
import { inStep } from './step.ts';

// As in inpaint/index.test.ts: Vitest's module runner hangs on the 10.8 MB OpenCV.js file, Node's
// own require loads it.
vi.mock('../common/opencv-module.ts', () => {
  const node = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } })
    .process;
  const { createRequire } = node.getBuiltinModule('node:module') as {
    createRequire(from: string): (id: string) => unknown;
  };
  const cv = createRequire(import.meta.url)('@techstark/opencv-js');
  return { openCvModule: () => cv };
});

function photo(size: number) {
  const base64 = photoDataUrl.slice(photoDataUrl.indexOf(',') + 1);
  const png = decodePng(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  const image = resizeBicubic(png, size, size);
  return { width: size, height: size, data: new Uint8Array(image.data) };
}

describe('repairScratches', () => {
  it('fills only the pixels it marked, and brings the photo closer to the undamaged one', async () => {
    const clean = photo(256);
    const { rgba } = damageRandomly(clean.data, 256, 256, { seed: 21 });
    const damaged = { width: 256, height: 256, data: rgba };
    const image = { width: 256, height: 256, data: new Uint8Array(rgba) };
    const repair = await repairScratches(image);
    let changedOutside = 0;
    for (let i = 0; i < 256 * 256; i++) {
      if (repair.mask.data[i]) continue;
      for (let c = 0; c < 4; c++) if (image.data[i * 4 + c] !== rgba[i * 4 + c]) changedOutside++;
    }
    expect(changedOutside).toBe(0);
    const before = psnr(damaged, clean);
    const after = psnr(image, clean);
    console.log(`repair: ${before.toFixed(2)} → ${after.toFixed(2)} dB; ${repair.note}`);
    expect(after).toBeGreaterThan(before + 1);
  });

  it('moves a filled pixel only against its mark: a white mark darker, a black one lighter', async () => {
    const clean = photo(256);
    const { rgba } = damageRandomly(clean.data, 256, 256, { seed: 22 });
    const image = { width: 256, height: 256, data: new Uint8Array(rgba) };
    const repair = await repairScratches(image);
    let wrongWay = 0;
    let filled = 0;
    for (let i = 0; i < 256 * 256; i++) {
      const p = repair.defects.polarity[i]!;
      if (!repair.mask.data[i] || p === 0) continue;
      filled++;
      for (let c = 0; c < 3; c++) {
        const moved = image.data[i * 4 + c]! - rgba[i * 4 + c]!;
        if (p * moved > 0) wrongWay++;
      }
    }
    expect(filled).toBeGreaterThan(100);
    expect(wrongWay).toBe(0);
  });

  it('gives a clean photo back byte for byte', async () => {
    const clean = photo(256);
    const image = { ...clean, data: new Uint8Array(clean.data) };
    const repair = await repairScratches(image);
    let changed = 0;
    for (let i = 0; i < image.data.length; i++) if (image.data[i] !== clean.data[i]) changed++;
    expect(changed / image.data.length).toBeLessThan(0.002);
    expect(repair.note).toMatch(/^repair: /);
  });
});

describe('inStep', () => {
  it('names the step in an error, and lets a cancel through as it is', async () => {
    await expect(
      inStep('Restoring faces', () => Promise.reject(new Error('This file could not be read'))),
    ).rejects.toThrow('Restoring faces failed: This file could not be read');
    const cancel = Object.assign(new Error('canceled'), { name: 'CanceledError' });
    await expect(inStep('Removing noise', () => Promise.reject(cancel))).rejects.toBe(cancel);
  });
});
