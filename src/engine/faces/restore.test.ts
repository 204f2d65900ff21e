import { describe, expect, it } from 'vitest';
import { MAX_FACE_SIDE, planFace } from './restore.ts';

describe('planning a face restoration', () => {
  it('shrinks by the model factor and rebuilds to a side divisible by it', () => {
    expect(planFace(10)).toBeNull();
    expect(planFace(Number.NaN)).toBeNull();
    expect(planFace(24)).toEqual({ side: 24, factor: 2, workSide: 12 });
    expect(planFace(101)).toEqual({ side: 102, factor: 2, workSide: 51 });
    expect(planFace(191.4)).toEqual({ side: 192, factor: 2, workSide: 96 });
    expect(planFace(300)).toEqual({ side: 300, factor: 4, workSide: 75 });
    expect(planFace(5000)).toEqual({ side: MAX_FACE_SIDE, factor: 4, workSide: 256 });
  });
});
