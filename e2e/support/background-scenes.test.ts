import { describe, expect, it } from 'vitest';
import {
  alphaOf,
  fabric,
  laplacianEnergy,
  maskIoU,
  maskRegions,
  pasteDisk,
} from './background-scenes.ts';
import { createImage } from './images.ts';

describe('scenes with a known mask', () => {
  it('pastes an anti-aliased disk whose mask has the disk’s area', () => {
    const photo = createImage(64, 64);
    photo.data.fill(200);
    const scene = pasteDisk(photo, fabric(96, 96), {
      cx: 32,
      cy: 32,
      r: 20,
      scale: 1.5,
      px: 10,
      py: 20,
    });
    const area = scene.mask.reduce((s, v) => s + v, 0);
    expect(area).toBeCloseTo(Math.PI * 30 * 30, -1);
    // Centre of the disk: the photo's colour; far corner: the fabric.
    const centre = ((20 + 30) * 96 + 10 + 30) * 4;
    expect(scene.image.data[centre]).toBe(200);
    expect(scene.mask[(20 + 30) * 96 + 40]).toBe(1);
    expect(scene.mask[95 * 96 + 95]).toBe(0);
    expect(scene.mask.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('IoU, regions and alpha', () => {
    expect(maskIoU([1, 1, 0, 0], [1, 0, 0, 0])).toBe(0.5);
    expect(maskIoU([0, 0], [0, 0])).toBe(1);
    const mask = new Float32Array(10 * 10);
    for (let i = 0; i < 100; i++) if (i % 10 >= 5) mask[i] = 1;
    const { subject, background, edge } = maskRegions(mask, 10, 10, 1);
    expect(subject[7]).toBe(1);
    expect(background[2]).toBe(1);
    expect(edge[4]).toBe(1);
    expect(edge[5]).toBe(1);
    expect(subject[5]! + background[5]!).toBe(0);
    const img = createImage(2, 1);
    img.data.set([0, 0, 0, 255, 0, 0, 0, 51]);
    expect(Array.from(alphaOf(img))).toEqual([1, 0.2].map(Math.fround));
  });

  it('Laplacian energy is 0 on flat and linear images, high on texture', () => {
    const flat = createImage(8, 8);
    flat.data.fill(90);
    const all = new Uint8Array(64).fill(1);
    expect(laplacianEnergy(flat, all)).toBe(0);
    const ramp = createImage(8, 8);
    for (let i = 0; i < 64; i++) ramp.data.set([i % 8, i % 8, i % 8, 255], i * 4);
    expect(laplacianEnergy(ramp, all)).toBeCloseTo(0, 9);
    expect(laplacianEnergy(fabric(32, 32), new Uint8Array(32 * 32).fill(1))).toBeGreaterThan(100);
  });
});
