import { describe, expect, it } from 'vitest';
import { createImage, edgeSharpness, type RgbaImage } from './images.ts';
import { gaussianBlur } from './restore-images.ts';

/** A dark square on a light ground: edges on four sides. */
function square(size: number): RgbaImage {
  const img = createImage(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = x >= size / 4 && x < (3 * size) / 4 && y >= size / 4 && y < (3 * size) / 4;
      const v = inside ? 40 : 220;
      img.data.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  return img;
}

describe('edgeSharpness', () => {
  it('is 1 for the reference itself and falls as the image is blurred', () => {
    const reference = square(48);
    expect(edgeSharpness(reference, reference)).toBeCloseTo(1, 12);
    const soft = edgeSharpness(gaussianBlur(reference, 1), reference);
    const softer = edgeSharpness(gaussianBlur(reference, 2), reference);
    expect(soft).toBeLessThan(0.9);
    expect(softer).toBeLessThan(soft);
  });

  it('does not depend on the edges’ contrast', () => {
    const reference = square(48);
    const faded = createImage(48, 48);
    for (let i = 0; i < faded.data.length; i++) {
      faded.data[i] = i % 4 === 3 ? 255 : Math.round(130 + (reference.data[i]! - 130) / 2);
    }
    expect(edgeSharpness(gaussianBlur(faded, 1), faded)).toBeCloseTo(
      edgeSharpness(gaussianBlur(reference, 1), reference),
      1,
    );
  });

  it('refuses images of different sizes and a reference without edges', () => {
    expect(() => edgeSharpness(square(48), square(40))).toThrow(/size mismatch/);
    const flat = createImage(32, 32).data.fill(255);
    const plain = { width: 32, height: 32, data: flat };
    expect(() => edgeSharpness(plain, plain)).toThrow(/no edges/);
  });
});
