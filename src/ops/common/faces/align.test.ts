import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '@/media/image.ts';
import {
  CANONICAL_FACE,
  type Similarity,
  alignFace,
  applySimilarity,
  estimateSimilarity,
  featherWeight,
  invertSimilarity,
  nativeFaceSize,
  pasteCrop,
  similarityScale,
  warpToCrop,
} from './align.ts';

const rotateScale = (angle: number, scale: number, tx: number, ty: number): Similarity => ({
  a: scale * Math.cos(angle),
  b: scale * Math.sin(angle),
  tx,
  ty,
});

describe('similarity transforms', () => {
  it('a transform and its inverse round-trip any point', () => {
    const t = rotateScale(0.7, 2.5, -31, 12.25);
    const inv = invertSimilarity(t);
    for (const p of [
      { x: 0, y: 0 },
      { x: 123.5, y: -7 },
      { x: -1e3, y: 4e3 },
    ]) {
      const there = applySimilarity(t, p);
      const back = applySimilarity(inv, there);
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
      const other = applySimilarity(t, applySimilarity(inv, p));
      expect(other.x).toBeCloseTo(p.x, 9);
    }
    expect(similarityScale(inv)).toBeCloseTo(1 / 2.5, 12);
  });

  it('least squares recovers an exact similarity from four points', () => {
    const t = rotateScale(-0.3, 0.8, 40, -5);
    const from = [
      { x: 10, y: 20 },
      { x: 50, y: 22 },
      { x: 31, y: 44 },
      { x: 30, y: 61 },
    ];
    const fit = estimateSimilarity(
      from,
      from.map((p) => applySimilarity(t, p)),
    );
    expect(fit.a).toBeCloseTo(t.a, 10);
    expect(fit.b).toBeCloseTo(t.b, 10);
    expect(fit.tx).toBeCloseTo(t.tx, 8);
    expect(fit.ty).toBeCloseTo(t.ty, 8);
  });

  it('never mirrors: swapped eyes do not fit', () => {
    const template = CANONICAL_FACE.map((p) => ({ x: p.x * 100, y: p.y * 100 }));
    const mirrored = template.map((p) => ({ x: 100 - p.x, y: p.y }));
    const fit = estimateSimilarity(mirrored, template);
    const residual = mirrored
      .map((p, i) => {
        const q = applySimilarity(fit, p);
        return Math.hypot(q.x - template[i]!.x, q.y - template[i]!.y);
      })
      .reduce((s, d) => s + d, 0);
    expect(residual).toBeGreaterThan(20);
  });

  it('aligns a rotated, scaled face to the template and knows its native size', () => {
    const photo = rotateScale(0.25, 3, 200, 90); // template (side 1) → a face of side 3
    const keypoints = CANONICAL_FACE.map((p) => applySimilarity(photo, p));
    expect(nativeFaceSize(keypoints)).toBeCloseTo(3, 9);
    const toCrop = alignFace(keypoints, 256);
    for (const [i, p] of keypoints.entries()) {
      const q = applySimilarity(toCrop, p);
      expect(q.x).toBeCloseTo(CANONICAL_FACE[i]!.x * 256, 8);
      expect(q.y).toBeCloseTo(CANONICAL_FACE[i]!.y * 256, 8);
    }
  });
});

/** A smooth test photo: gradients and a soft ripple, so bilinear resampling is nearly exact. */
function smoothImage(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data[o] = 40 + x;
      data[o + 1] = 60 + y;
      data[o + 2] = 128 + 60 * Math.sin(x / 9) * Math.cos(y / 11);
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

describe('warp and paste back', () => {
  const toCrop = rotateScale(0.35, 1.4, -60, -20);
  const size = 96;

  it('pasting an unmodified crop back changes no pixel outside the feathered mask', () => {
    const original = smoothImage(160, 140);
    const crop = warpToCrop(original, toCrop, size);
    const pasted = { ...original, data: new Uint8ClampedArray(original.data) };
    const written = pasteCrop(pasted, crop, toCrop, 1);
    expect(written).toBeGreaterThan(1000);
    let outside = 0;
    let inside = 0;
    let maxInside = 0;
    for (let y = 0; y < original.height; y++) {
      for (let x = 0; x < original.width; x++) {
        const q = applySimilarity(toCrop, { x: x + 0.5, y: y + 0.5 });
        const w = featherWeight(q.x, q.y, size, 0.12);
        for (let c = 0; c < 4; c++) {
          const o = (y * original.width + x) * 4 + c;
          const d = Math.abs(pasted.data[o]! - original.data[o]!);
          if (w === 0) {
            expect(d).toBe(0);
            outside++;
          } else {
            maxInside = Math.max(maxInside, d);
            inside++;
          }
        }
      }
    }
    expect(outside).toBeGreaterThan(0);
    expect(inside).toBeGreaterThan(0);
    // Two bilinear resamplings of a smooth image: a level or two at most.
    expect(maxInside).toBeLessThanOrEqual(3);
  });

  it('strength 0 writes nothing; a changed crop shows only where the mask reaches', () => {
    const original = smoothImage(160, 140);
    const crop = warpToCrop(original, toCrop, size);
    const untouched = { ...original, data: new Uint8ClampedArray(original.data) };
    expect(pasteCrop(untouched, crop, toCrop, 0)).toBe(0);
    expect(untouched.data).toEqual(original.data);

    const white = { ...crop, data: new Uint8ClampedArray(crop.data.length).fill(255) };
    const half = { ...original, data: new Uint8ClampedArray(original.data) };
    pasteCrop(half, white, toCrop, 0.5);
    // The crop centre maps back to a pixel that moves halfway to white.
    const centre = applySimilarity(invertSimilarity(toCrop), { x: size / 2, y: size / 2 });
    const o = (Math.floor(centre.y) * original.width + Math.floor(centre.x)) * 4;
    const expected = original.data[o]! + (255 - original.data[o]!) * 0.5;
    expect(Math.abs(half.data[o]! - expected)).toBeLessThanOrEqual(1);
    expect(half.data[o + 3]).toBe(255);
  });

  it('the feather is 1 inside, 0 at the edge and smooth between', () => {
    expect(featherWeight(50, 50, 100, 0.1)).toBe(1);
    expect(featherWeight(0, 50, 100, 0.1)).toBe(0);
    expect(featherWeight(-3, 50, 100, 0.1)).toBe(0);
    expect(featherWeight(5, 50, 100, 0.1)).toBeCloseTo(0.5, 12);
    expect(featherWeight(100, 50, 100, 0.1)).toBe(0);
  });
});
