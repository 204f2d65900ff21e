import { describe, expect, it } from 'vitest';
import { guidedFilter, lumaPlane } from './guided-filter.ts';

describe('guided filter', () => {
  it('keeps a flat input flat', () => {
    const guide = Float32Array.from({ length: 20 * 20 }, (_, i) => (i % 7) / 7);
    const out = guidedFilter(guide, new Float32Array(400).fill(1), 20, 20, 3, 1e-3);
    for (const v of out) expect(v).toBeCloseTo(1, 5);
  });

  it('snaps a blurred step to the guide edge, keeping soft values soft', () => {
    const w = 40;
    const h = 4;
    const guide = new Float32Array(w * h);
    const soft = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        guide[y * w + x] = x < 20 ? 0.1 : 0.9; // sharp edge at x = 20
        soft[y * w + x] = Math.min(1, Math.max(0, (x - 14) / 12)); // ramp over 14..26
      }
    }
    const out = guidedFilter(guide, soft, w, h, 4, 1e-4);
    const row = Array.from(out.subarray(0, w));
    // Left of the edge pulled down towards 0, right of it up towards 1.
    expect(row[17]!).toBeLessThan(soft[17]!);
    expect(row[22]!).toBeGreaterThan(soft[22]!);
    expect(row[22]! - row[17]!).toBeGreaterThan(soft[22]! - soft[17]!);
    // Far from the edge it stays what it was.
    expect(row[2]!).toBeCloseTo(0, 2);
    expect(row[37]!).toBeCloseTo(1, 2);
  });

  it('luma of RGBA bytes', () => {
    const data = Uint8ClampedArray.from([255, 255, 255, 255, 255, 0, 0, 255]);
    const l = lumaPlane(data, 2);
    expect(l[0]).toBeCloseTo(1, 5);
    expect(l[1]).toBeCloseTo(0.299, 5);
  });
});
