import { describe, expect, it } from 'vitest';
import { cropProblem, cropRect } from '@/ops/crop-resize/geometry.ts';
import { clampRect, cropOf, fitRatio, rectOf, spanRect } from './crop-geometry.ts';

const photo = { width: 300, height: 200 };

describe('crop geometry', () => {
  it('a pixel box goes to the engine as percentages that cut exactly those pixels', () => {
    for (const rect of [
      { x: 0, y: 0, width: 300, height: 200 },
      { x: 17, y: 3, width: 101, height: 197 },
      { x: 299, y: 199, width: 1, height: 1 },
    ]) {
      const crop = cropOf(rect, photo);
      expect(cropProblem(crop)).toBeNull();
      expect(cropRect(crop, photo.width, photo.height)).toEqual(rect);
      expect(rectOf(crop, photo)).toEqual(rect);
    }
    // Odd sizes too, where a percentage has no short decimal form.
    const odd = { width: 4679, height: 3307 };
    const rect = { x: 1234, y: 1111, width: 2345, height: 2196 };
    expect(cropRect(cropOf(rect, odd), odd.width, odd.height)).toEqual(rect);
  });

  it('an aspect chip fits the largest box of that shape, centred', () => {
    expect(fitRatio({ x: 0, y: 0, ...photo }, 1)).toEqual({ x: 50, y: 0, width: 200, height: 200 });
    expect(fitRatio({ x: 0, y: 0, ...photo }, 16 / 9)).toEqual({
      x: 0,
      y: 15,
      width: 300,
      height: 169,
    });
  });

  it('a drag spans a box inside the photo, keeping the chosen shape', () => {
    expect(spanRect({ x: 10, y: 10 }, { x: 400, y: 50 }, photo, null)).toEqual({
      x: 10,
      y: 10,
      width: 290,
      height: 40,
    });
    const square = spanRect({ x: 250, y: 20 }, { x: 100, y: 60 }, photo, 1);
    expect(square).toEqual({ x: 100, y: 20, width: 150, height: 150 });
    // Limited by the photo's bottom edge: still square.
    expect(spanRect({ x: 0, y: 150 }, { x: 200, y: 200 }, photo, 1)).toEqual({
      x: 0,
      y: 150,
      width: 50,
      height: 50,
    });
  });

  it('a moved box stays whole and inside', () => {
    expect(clampRect({ x: 280, y: -5, width: 50, height: 20.4 }, photo)).toEqual({
      x: 250,
      y: 0,
      width: 50,
      height: 20,
    });
  });
});
