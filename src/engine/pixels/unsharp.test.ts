import { describe, expect, it } from 'vitest';
import { unsharpMask } from './unsharp.ts';

describe('unsharp mask', () => {
  it('leaves flat areas and alpha alone and steepens an edge', () => {
    const width = 16;
    const data = new Uint8ClampedArray(width * 4);
    for (let x = 0; x < width; x++) {
      const v = x < 8 ? 100 : 160;
      data.set([v, v, v, 200], x * 4);
    }
    const out = unsharpMask({ width, height: 1, data }, 1, 0.5).data;
    expect(out[0]).toBe(100);
    expect(out[15 * 4]).toBe(160);
    expect(out[7 * 4]!).toBeLessThan(100); // undershoot on the dark side
    expect(out[8 * 4]!).toBeGreaterThan(160); // overshoot on the bright side
    for (let x = 0; x < width; x++) expect(out[x * 4 + 3]).toBe(200);
  });
});
