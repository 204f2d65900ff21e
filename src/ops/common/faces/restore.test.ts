import { describe, expect, it } from 'vitest';
import { MAX_FACE_SIDE, MAX_WORK_SIDE, keepLowFrequencies, planFace } from './restore.ts';

describe('planning a face restoration', () => {
  it('works at the face’s own size up to MAX_WORK_SIDE, and skips faces too small', () => {
    expect(planFace(10)).toBeNull();
    expect(planFace(Number.NaN)).toBeNull();
    expect(planFace(24)).toEqual({ side: 24, workSide: 24 });
    expect(planFace(191.4)).toEqual({ side: 191, workSide: 191 });
    expect(planFace(600)).toEqual({ side: 600, workSide: MAX_WORK_SIDE });
    expect(planFace(5000)).toEqual({ side: MAX_FACE_SIDE, workSide: MAX_WORK_SIDE });
    // The ×4 network's output always covers the face.
    for (const side of [24, 100, 300, 1024]) {
      const plan = planFace(side)!;
      expect(plan.workSide * 4).toBeGreaterThanOrEqual(plan.side);
    }
  });
});

describe('keepLowFrequencies', () => {
  const size = 32;
  const image = (value: (x: number, y: number) => number) => {
    const data = new Uint8ClampedArray(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        data.fill(value(x, y), (y * size + x) * 4, (y * size + x) * 4 + 3);
        data[(y * size + x) * 4 + 3] = 255;
      }
    }
    return { width: size, height: size, data };
  };

  it('takes the input’s tone and the restored image’s fine detail', () => {
    // The network made the face 20 levels darker and drew a fine checker on it.
    const input = image(() => 140);
    const restored = image((x, y) => 120 + ((x + y) % 2 ? 10 : -10));
    const out = keepLowFrequencies(restored, input, 1.5);
    let mean = 0;
    let detail = 0;
    for (let y = 8; y < 24; y++) {
      for (let x = 8; x < 24; x++) {
        const v = out.data[(y * size + x) * 4]!;
        mean += v / 256;
        detail += Math.abs(v - out.data[(y * size + x + 1) * 4]!) / 256;
      }
    }
    expect(mean).toBeCloseTo(140, 0);
    expect(detail).toBeGreaterThan(15);
  });
});
