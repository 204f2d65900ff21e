import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '@/media/image.ts';
import { fft1d, fft2d } from './fft.ts';
import { saliencyMap } from './saliency.ts';
import { ASPECT_RATIOS } from '../../smart-crop/meta.ts';
import {
  type Box,
  chooseCrop,
  cropPixels,
  cropSize,
  faceRegion,
  parseRatio,
} from './smart-crop.ts';

describe('FFT', () => {
  it('matches a direct DFT and inverts exactly', () => {
    const n = 16;
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + (i % 3));
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const [r0, i0] = [Float64Array.from(re), Float64Array.from(im)];
    fft1d(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += r0[t]! * Math.cos(a) - i0[t]! * Math.sin(a);
        si += r0[t]! * Math.sin(a) + i0[t]! * Math.cos(a);
      }
      expect(re[k]).toBeCloseTo(sr, 9);
      expect(im[k]).toBeCloseTo(si, 9);
    }
    fft1d(re, im, true);
    for (let t = 0; t < n; t++) expect(re[t]).toBeCloseTo(r0[t]!, 12);
  });

  it('2-D round trip', () => {
    const size = 8;
    const re = Float64Array.from({ length: 64 }, (_, i) => (i * 37) % 11);
    const im = new Float64Array(64);
    const copy = Float64Array.from(re);
    fft2d(re, im, size);
    expect(re[0]).toBeCloseTo(
      copy.reduce((s, v) => s + v, 0),
      9,
    ); // DC = sum
    fft2d(re, im, size, true);
    for (let i = 0; i < 64; i++) expect(re[i]).toBeCloseTo(copy[i]!, 10);
  });
});

describe('crop size', () => {
  it('is the largest window of exactly the ratio, to within a pixel', () => {
    for (const ratio of ASPECT_RATIOS) {
      const [rw, rh] = parseRatio(ratio);
      for (const [w, h] of [
        [256, 160],
        [160, 256],
        [1000, 1000],
        [333, 777],
        [4032, 3024],
        [7, 5],
      ] as const) {
        const s = cropSize(w, h, [rw, rh]);
        expect(s.width).toBeLessThanOrEqual(w);
        expect(s.height).toBeLessThanOrEqual(h);
        expect(Number.isInteger(s.width) && Number.isInteger(s.height)).toBe(true);
        // One side is the image's own; the other is off the exact ratio by at most half a pixel.
        expect(s.width === w || s.height === h).toBe(true);
        if (s.width === w) expect(Math.abs(s.height - (w * rh) / rw)).toBeLessThanOrEqual(0.5);
        else expect(Math.abs(s.width - (h * rw) / rh)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('refuses a malformed ratio', () => {
    expect(() => parseRatio('4x3')).toThrow(/aspect ratio/);
    expect(() => parseRatio('0:3')).toThrow(/aspect ratio/);
  });
});

/** Flat grey with a bright, detailed (checkered) patch at (px, py). */
function patchImage(width: number, height: number, patch: Box): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const inside =
        x >= patch.x && x < patch.x + patch.width && y >= patch.y && y < patch.y + patch.height;
      const v = inside ? (((x >> 1) + (y >> 1)) % 2 ? 255 : 150) : 90;
      data[o] = v;
      data[o + 1] = inside ? 200 : 90;
      data[o + 2] = v;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

describe('saliency and the chosen crop', () => {
  const patch = { x: 196, y: 60, width: 40, height: 40 };
  const image = patchImage(256, 160, patch);

  it('spectral residual peaks on the detailed patch', () => {
    const s = saliencyMap(image, 128, 80);
    let best = 0;
    let at = 0;
    s.map.forEach((v, i) => {
      if (v > best) [best, at] = [v, i];
    });
    const x = (at % 128) * 2;
    const y = Math.floor(at / 128) * 2;
    expect(x).toBeGreaterThanOrEqual(patch.x - 12);
    expect(x).toBeLessThan(patch.x + patch.width + 12);
    expect(y).toBeGreaterThanOrEqual(patch.y - 12);
    expect(y).toBeLessThan(patch.y + patch.height + 12);
  });

  it('slides a 1:1 crop over the off-centre patch', () => {
    const crop = chooseCrop({
      width: 256,
      height: 160,
      ratio: [1, 1],
      paddingPercent: 10,
      saliency: saliencyMap(image, 128, 80),
      faces: [],
    });
    expect(crop).toMatchObject({ width: 160, height: 160, y: 0, faces: 'none found' });
    expect(crop.x).toBeLessThanOrEqual(patch.x);
    expect(crop.x + crop.width).toBeGreaterThanOrEqual(patch.x + patch.width);
  });

  it('keeps faces (with their padding) in the crop even against the saliency', () => {
    const face = { x: 20, y: 50, width: 40, height: 40 };
    const crop = chooseCrop({
      width: 256,
      height: 160,
      ratio: [1, 1],
      paddingPercent: 10,
      saliency: saliencyMap(image, 128, 80),
      faces: [face],
    });
    const region = faceRegion(face, 10);
    expect(crop.faces).toBe('padded');
    expect(crop.x).toBeLessThanOrEqual(Math.max(0, region.x));
    expect(crop.x + crop.width).toBeGreaterThanOrEqual(region.x + region.width);
  });

  it('falls back to the best face when all faces do not fit', () => {
    const faces = [
      { x: 10, y: 40, width: 40, height: 40 },
      { x: 200, y: 40, width: 40, height: 40 },
    ];
    const crop = chooseCrop({
      width: 256,
      height: 160,
      ratio: [9, 16],
      paddingPercent: 0,
      saliency: saliencyMap(image, 128, 80),
      faces,
    });
    expect(crop.width).toBe(90);
    expect(crop.faces).toBe('best face');
    expect(crop.x).toBeLessThanOrEqual(10);
  });

  it('copies the crop out', () => {
    const data = Uint8ClampedArray.from({ length: 4 * 4 * 4 }, (_, i) => i);
    const out = cropPixels(data, 4, { x: 1, y: 2, width: 2, height: 1 });
    expect(Array.from(out)).toEqual([36, 37, 38, 39, 40, 41, 42, 43]);
  });
});
