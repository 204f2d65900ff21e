import { describe, expect, it } from 'vitest';
import { countMask, maskBounds } from '../common/inpaint/mask.ts';
import { dbTextMask, detectorSize, detectorTensor, textMaskForImage } from './text-mask.ts';

describe('detectorSize', () => {
  it('keeps small pictures, rounds to 32 and shrinks the long side to 960', () => {
    expect(detectorSize(256, 192)).toEqual({ width: 256, height: 192 });
    expect(detectorSize(300, 200)).toEqual({ width: 288, height: 192 });
    expect(detectorSize(20, 10)).toEqual({ width: 32, height: 32 });
    expect(detectorSize(4000, 3000)).toEqual({ width: 960, height: 736 });
  });
});

describe('detectorTensor', () => {
  it('feeds BGR, normalised by the contract, planar', () => {
    const rgba = Uint8Array.of(255, 128, 0, 255);
    const t = detectorTensor(
      rgba,
      1,
      1,
      { width: 2, height: 1 },
      {
        channelOrder: 'BGR',
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      },
    );
    expect(t).toHaveLength(6);
    expect(t[0]).toBeCloseTo((0 - 0.485) / 0.229, 5); // blue first
    expect(t[2]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
    expect(t[4]).toBeCloseTo((1 - 0.406) / 0.225, 5);
    expect(t[1]).toBe(t[0]);
  });
  it('resizes bilinearly with pixel centres aligned', () => {
    const rgba = Uint8Array.of(0, 0, 0, 255, 255, 255, 255, 255);
    const t = detectorTensor(
      rgba,
      2,
      1,
      { width: 4, height: 1 },
      {
        channelOrder: 'RGB',
        mean: [0, 0, 0],
        std: [1, 1, 1],
      },
    );
    expect(Array.from(t.subarray(0, 4), (v) => Math.round(v * 255))).toEqual([0, 64, 191, 255]);
  });
});

describe('dbTextMask', () => {
  function map(w: number, h: number, boxes: [number, number, number, number, number][]) {
    const prob = new Float32Array(w * h);
    for (const [x0, y0, x1, y1, p] of boxes) {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * w + x] = p;
    }
    return prob;
  }
  it('keeps confident regions, grown back by area × 1.5 / perimeter', () => {
    // A shrunk 40×6 text line at 0.9; a faint one (0.5 mean) and a 2-px speck are dropped.
    const prob = map(96, 64, [
      [20, 20, 60, 26, 0.9],
      [20, 40, 60, 46, 0.5],
      [80, 55, 82, 57, 0.95],
    ]);
    const db = dbTextMask(prob, 96, 64);
    expect(db.regions).toBe(1);
    // D = 240 · 1.5 / 88 ≈ 4.1 px each side.
    expect(maskBounds(db.mask)).toEqual({ x0: 16, y0: 16, x1: 64, y1: 30 });
    expect(db.mask.data[43 * 96 + 40]).toBe(0);
  });
  it('scales the mask to the photo and adds the margin', () => {
    const db = dbTextMask(map(32, 32, [[8, 8, 24, 12, 0.9]]), 32, 32);
    const mask = textMaskForImage(db, 64, 64, 3);
    const box = maskBounds(mask)!;
    expect(box.x1 - box.x0).toBeGreaterThan(2 * (24 - 8));
    expect(countMask(mask)).toBeGreaterThan(4 * countMask(db.mask));
  });
});
