import { describe, expect, it } from 'vitest';
import { gaussianBlur } from '@/media/pixels/blur.ts';
import {
  blurBehindSubject,
  composite,
  estimateForeground,
  parseHexColor,
  rgbPlanes,
} from './compose.ts';

/** A red disk (soft edge) over a blue/green checker: image, its true alpha and foreground. */
function scene(size: number) {
  const n = size * size;
  const alpha = new Float32Array(n);
  const image = new Float32Array(n * 3);
  const fg: [number, number, number] = [0.9, 0.15, 0.1];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const d = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2);
      const a = Math.min(1, Math.max(0, (size * 0.3 - d) / 3 + 0.5));
      alpha[i] = a;
      const check = ((x >> 3) + (y >> 3)) % 2;
      const bg = check ? [0.1, 0.7, 0.2] : [0.1, 0.2, 0.8];
      for (let c = 0; c < 3; c++) image[i * 3 + c] = a * fg[c]! + (1 - a) * bg[c]!;
    }
  }
  return { image, alpha, fg };
}

describe('foreground estimation and compositing', () => {
  it('recovers the subject colour at soft edges, where the photo mixes in the background', () => {
    const size = 64;
    const { image, alpha, fg } = scene(size);
    const est = estimateForeground(image, alpha, size, size);
    let photoError = 0;
    let estError = 0;
    let edge = 0;
    for (let i = 0; i < size * size; i++) {
      const a = alpha[i]!;
      if (a <= 0.2 || a >= 0.8) continue;
      edge++;
      for (let c = 0; c < 3; c++) {
        photoError += Math.abs(image[i * 3 + c]! - fg[c]!);
        estError += Math.abs(est[i * 3 + c]! - fg[c]!);
      }
    }
    expect(edge).toBeGreaterThan(50);
    // The raw photo at the edge is far from the subject colour (L1 0.745 over RGB); the estimate
    // is close to it (0.151: blur-fusion assumes a locally smooth background, the checker is not).
    expect(estError / edge).toBeLessThan((photoError / edge) * 0.25);
  });

  it('puts the colour where alpha is 0 and the subject where it is 1', () => {
    const fg = Float32Array.from([0.2, 0.4, 0.6, 0.2, 0.4, 0.6, 0.2, 0.4, 0.6]);
    const alpha = Float32Array.from([0, 1, 0.5]);
    const out = composite(fg, alpha, { color: parseHexColor('#FF8000') });
    expect(Array.from(out)).toEqual([255, 128, 0, 255, 51, 102, 153, 255, 153, 115, 77, 255]);
    const cut = composite(fg, alpha, null);
    expect(Array.from(cut.subarray(8, 12))).toEqual([51, 102, 153, 128]);
  });

  it('blurs the background without the subject bleeding into it', () => {
    const size = 64;
    const { image, alpha } = scene(size);
    const fg = estimateForeground(image, alpha, size, size);
    const behind = blurBehindSubject(image, fg, alpha, size, size, 8);
    const plain = gaussianBlur(image, size, size, 8, 3);
    // Outside the disk the background's red is 0.1; a plain blur is stained by the red subject
    // (0.38 at worst), this one is not (0.101).
    let maxRed = 0;
    let maxPlainRed = 0;
    for (let i = 0; i < size * size; i++) {
      if (alpha[i]! > 0) continue;
      maxRed = Math.max(maxRed, behind[i * 3]!);
      maxPlainRed = Math.max(maxPlainRed, plain[i * 3]!);
    }
    expect(maxPlainRed).toBeGreaterThan(0.3);
    expect(maxRed).toBeLessThan(0.12);
  });

  it('reads bytes and colours', () => {
    const planes = rgbPlanes({
      width: 1,
      height: 1,
      data: Uint8ClampedArray.from([255, 0, 51, 7]),
    });
    expect(Array.from(planes)).toEqual([1, 0, 0.2].map(Math.fround));
    expect(() => parseHexColor('red')).toThrow(/#RRGGBB/);
  });
});
