import { describe, expect, it } from 'vitest';
import { labToLinear, labToSrgb8, srgbToLab } from './lab.ts';

const lab = (r: number, g: number, b: number) => {
  const out = new Float64Array(3);
  srgbToLab(r, g, b, out);
  return [...out];
};

describe('CIE Lab (D65)', () => {
  it('matches reference values', () => {
    const [L, a, b] = lab(255, 255, 255);
    expect(L).toBeCloseTo(100, 2);
    expect(Math.abs(a!) + Math.abs(b!)).toBeLessThan(0.01);
    const red = lab(255, 0, 0);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
    expect(lab(0, 0, 0)[0]).toBeCloseTo(0, 6);
    expect(lab(119, 119, 119)[0]).toBeCloseTo(50, 0);
  });

  it('goes there and back to the same 8-bit colour', () => {
    const px = new Uint8ClampedArray(4);
    for (const c of [
      [12, 200, 77],
      [250, 3, 128],
      [90, 90, 91],
      [0, 0, 255],
    ]) {
      const [L, a, b] = lab(c[0]!, c[1]!, c[2]!);
      labToSrgb8(L!, a!, b!, px, 0);
      expect([...px.subarray(0, 3)]).toEqual(c);
    }
  });

  it('keeps the lightness when a colour is out of gamut, giving up chroma instead', () => {
    const px = new Uint8ClampedArray(4);
    const rgb = new Float64Array(3);
    labToLinear(60, 120, -120, rgb);
    expect(Math.max(...rgb) > 1 || Math.min(...rgb) < 0).toBe(true);
    labToSrgb8(60, 120, -120, px, 0);
    const [L, a] = lab(px[0]!, px[1]!, px[2]!);
    expect(L).toBeCloseTo(60, 0);
    expect(a).toBeGreaterThan(20);
  });
});
