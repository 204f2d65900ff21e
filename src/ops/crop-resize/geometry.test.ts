import { describe, expect, it } from 'vitest';
import { restorationSpec } from '@/api/restorations.ts';
import { ParamError, resolveParams } from '../operation.ts';
import { meta as removeFrame } from '../remove-frame/meta.ts';
import { cropProblem, cropRect, resizeProblem, resizeSize } from './geometry.ts';
import { meta } from './meta.ts';

describe('crop validation', () => {
  it('takes pixels or percentage, exactly one', () => {
    expect(cropProblem({ pixels: [0, 0, 10, 10] })).toBeNull();
    expect(cropProblem({ percentage: [10, 20, 50.5, 30] })).toBeNull();
    expect(cropProblem({ pixels: [0, 0, 1, 1], percentage: [0, 0, 1, 1] })).toMatch(/exactly one/);
    expect(cropProblem({})).toMatch(/exactly one/);
    expect(cropProblem([0, 0, 1, 1])).toMatch(/must be/);
    expect(cropProblem({ pixels: [0, 0, 1, 1], x: 1 })).toMatch(/no field "x"/);
  });

  it('refuses malformed and empty rectangles', () => {
    expect(cropProblem({ pixels: [0, 0, 10] })).toMatch(/four numbers/);
    expect(cropProblem({ pixels: [0, 0, '10', 10] })).toMatch(/four numbers/);
    expect(cropProblem({ pixels: [0.5, 0, 10, 10] })).toMatch(/whole numbers/);
    expect(cropProblem({ pixels: [-1, 0, 10, 10] })).toMatch(/0 or more/);
    expect(cropProblem({ pixels: [0, 0, 0, 10] })).toMatch(/at least 1/);
    expect(cropProblem({ percentage: [0, 0, 0, 10] })).toMatch(/more than 0/);
    expect(cropProblem({ percentage: [60, 0, 50, 10] })).toMatch(/inside the image/);
    expect(cropProblem({ percentage: [33.3, 0, 66.7, 100] })).toBeNull();
  });
});

describe('resize validation', () => {
  it('needs a side, whole pixels in range, and a boolean aspect flag', () => {
    expect(resizeProblem({ width: 100 })).toBeNull();
    expect(resizeProblem({ width: 100, height: 50, maintain_aspect: false })).toBeNull();
    expect(resizeProblem({ maintain_aspect: true })).toMatch(/a width, a height, or both/);
    expect(resizeProblem({ width: 0 })).toMatch(/from 1 to 16384/);
    expect(resizeProblem({ width: 20_000 })).toMatch(/from 1 to 16384/);
    expect(resizeProblem({ width: 10.5 })).toMatch(/whole number/);
    expect(resizeProblem({ width: 10, maintain_aspect: 'yes' })).toMatch(/true or false/);
    expect(resizeProblem({ width: 10, scale: 2 })).toMatch(/no field "scale"/);
  });
});

describe('the crop-resize meta', () => {
  it('refuses neither crop nor resize, and accepts either or both', () => {
    expect(() => resolveParams(meta, {})).toThrow(/needs crop, resize, or both/);
    expect(() => resolveParams(meta, { crop: null, resize: null })).toThrow(ParamError);
    expect(resolveParams(meta, { resize: { width: 10 } })).toEqual({
      crop: null,
      resize: { width: 10 },
    });
    const both = { crop: { pixels: [1, 2, 3, 4] }, resize: { height: 8 } };
    expect(resolveParams(meta, both)).toEqual(both);
    // Re-resolving what was resolved (the engine does) changes nothing.
    expect(resolveParams(meta, resolveParams(meta, both))).toEqual(both);
  });

  it('names the field in its messages', () => {
    expect(() => resolveParams(meta, { crop: { pixels: [0, 0, 0, 1] } })).toThrow(
      'crop-resize.crop .pixels width and height must be at least 1',
    );
    expect(() => resolveParams(meta, { resize: 5 })).toThrow(/crop-resize.resize must be/);
  });

  it('tags the output name with what was done', () => {
    expect(meta.tag({ crop: { pixels: [0, 0, 1, 1] }, resize: null })).toBe('crop');
    expect(meta.tag({ crop: null, resize: { width: 1024, height: 1024 } })).toBe(
      'resize-1024x1024',
    );
    expect(meta.tag({ crop: { pixels: [0, 0, 1, 1] }, resize: { width: 64 } })).toBe(
      'crop-resize-64xauto',
    );
  });
});

describe('cropRect', () => {
  it('keeps a pixel crop inside the image, or says how it is not', () => {
    expect(cropRect({ pixels: [10, 20, 30, 40] }, 300, 200)).toEqual({
      x: 10,
      y: 20,
      width: 30,
      height: 40,
    });
    expect(cropRect({ pixels: [0, 0, 300, 200] }, 300, 200)).toMatchObject({ width: 300 });
    expect(() => cropRect({ pixels: [290, 0, 11, 10] }, 300, 200)).toThrow(
      /reaches outside the 300×200 image/,
    );
  });

  it('rounds percentages to pixel edges so neighbouring crops tile', () => {
    expect(cropRect({ percentage: [25, 10, 50, 80] }, 300, 200)).toEqual({
      x: 75,
      y: 20,
      width: 150,
      height: 160,
    });
    const left = cropRect({ percentage: [0, 0, 33.3, 100] }, 101, 10);
    const right = cropRect({ percentage: [33.3, 0, 66.7, 100] }, 101, 10);
    expect(left.x + left.width).toBe(right.x);
    expect(right.x + right.width).toBe(101);
    expect(cropRect({ percentage: [99.9, 99.9, 0.01, 0.01] }, 50, 50)).toEqual({
      x: 49,
      y: 49,
      width: 1,
      height: 1,
    });
  });
});

describe('resizeSize', () => {
  it('fits inside both sides when the aspect is kept (larger or smaller)', () => {
    expect(resizeSize({ width: 1024, height: 1024, maintain_aspect: true }, 300, 200)).toEqual({
      width: 1024,
      height: 683,
    });
    expect(resizeSize({ width: 100, height: 100 }, 300, 200)).toEqual({ width: 100, height: 67 });
    expect(resizeSize({ width: 100, height: 10 }, 300, 200)).toEqual({ width: 15, height: 10 });
  });

  it('stretches to exactly both sides when told not to keep the aspect', () => {
    expect(resizeSize({ width: 77, height: 33, maintain_aspect: false }, 300, 200)).toEqual({
      width: 77,
      height: 33,
    });
  });

  it('derives the other side from one, or leaves it when the aspect is not kept', () => {
    expect(resizeSize({ width: 150 }, 300, 200)).toEqual({ width: 150, height: 100 });
    expect(resizeSize({ height: 50 }, 300, 200)).toEqual({ width: 75, height: 50 });
    expect(resizeSize({ width: 150, maintain_aspect: false }, 300, 200)).toEqual({
      width: 150,
      height: 200,
    });
    expect(resizeSize({ width: 1 }, 300, 2)).toEqual({ width: 1, height: 1 });
  });
});

describe('what the restorations dialect emits', () => {
  it('resolves remove-frame first and the final long-edge resize, for every resolution', () => {
    for (const [resolution, edge] of [
      ['1k', 1024],
      ['2k', 2048],
      ['4k', 4096],
    ] as const) {
      const { operations } = restorationSpec({
        preset: 'standard',
        resolution,
        remove_frame: true,
        colorize: false,
      });
      expect(operations[0]?.type).toBe('remove-frame');
      expect(resolveParams(removeFrame, operations[0]!.params)).toEqual({});
      const last = operations.at(-1)!;
      expect(last.type).toBe('crop-resize');
      const params = resolveParams(meta, last.params);
      // A 300×200 photo's long edge becomes the resolution's, the aspect kept.
      expect(resizeSize(params.resize as object, 300, 200)).toEqual({
        width: edge,
        height: Math.round((edge * 2) / 3),
      });
    }
  });
});
