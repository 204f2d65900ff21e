import { describe, expect, it } from 'vitest';
import {
  blendColor,
  boostSaturation,
  boostedChroma,
  maxChroma,
  meanChroma,
  oklabToSrgb8,
  srgb8ToOklab,
} from './color.ts';

describe('Oklab', () => {
  it('matches the reference values (white, red) and round-trips 8-bit sRGB exactly', () => {
    const [L, a, b] = srgb8ToOklab(255, 255, 255);
    expect(L).toBeCloseTo(1, 4);
    expect(Math.abs(a) + Math.abs(b)).toBeLessThan(1e-4);
    const red = srgb8ToOklab(255, 0, 0);
    expect(red[0]).toBeCloseTo(0.62796, 4);
    expect(red[1]).toBeCloseTo(0.22486, 4);
    expect(red[2]).toBeCloseTo(0.12585, 4);
    for (let v = 0; v < 256; v += 5) {
      for (const rgb of [
        [v, 255 - v, 128],
        [v, v, v],
        [17, v, 230],
      ] as const) {
        const [L, a, b] = srgb8ToOklab(rgb[0], rgb[1], rgb[2]);
        expect(oklabToSrgb8(L, a, b)).toEqual([...rgb]);
      }
    }
  });
  it('finds the gamut edge: pure red is at its hue’s limit', () => {
    const [L, a, b] = srgb8ToOklab(255, 0, 0);
    const c = Math.hypot(a, b);
    expect(maxChroma(L, a / c, b / c, new Float64Array(3))).toBeCloseTo(c, 3);
  });
});

describe('boostedChroma', () => {
  it('is the plain product well inside the gamut, never above the limit, and increasing', () => {
    expect(boostedChroma(0.05, 1.5, 0.3)).toBeCloseTo(0.075, 10);
    let last = 0;
    for (let boost = 1; boost <= 2; boost += 0.05) {
      const c = boostedChroma(0.2, boost, 0.25);
      expect(c).toBeLessThanOrEqual(0.25);
      expect(c).toBeGreaterThanOrEqual(last);
      last = c;
    }
    expect(boostedChroma(0.24, 1, 0.25)).toBe(0.24);
  });
});

describe('boostSaturation', () => {
  it('leaves pixels alone at 1.0, keeps greys grey, and raises a faded picture’s mean chroma ×1.5', () => {
    const px = new Uint8Array(64 * 4);
    for (let i = 0; i < 64; i++) {
      // Muted colours all around the hue circle, as a faded print has.
      const h = (i / 64) * 2 * Math.PI;
      px.set(
        [128 + 30 * Math.cos(h), 128 + 30 * Math.cos(h + 2.1), 128 + 30 * Math.cos(h + 4.2), 255],
        i * 4,
      );
    }
    px.set([90, 90, 90, 255], 0);
    const same = px.slice();
    boostSaturation(same, 1);
    expect(same).toEqual(px);
    const boosted = px.slice();
    boostSaturation(boosted, 1.5);
    expect([...boosted.subarray(0, 4)]).toEqual([90, 90, 90, 255]);
    const ratio = meanChroma(boosted) / meanChroma(px);
    expect(ratio).toBeGreaterThan(1.45);
    expect(ratio).toBeLessThan(1.55);
    // Lightness stays: Oklab L moves by well under 1 %.
    for (let i = 0; i < 64; i++) {
      const p = i * 4;
      const before = srgb8ToOklab(px[p]!, px[p + 1]!, px[p + 2]!)[0];
      const after = srgb8ToOklab(boosted[p]!, boosted[p + 1]!, boosted[p + 2]!)[0];
      expect(Math.abs(after - before)).toBeLessThan(0.01);
    }
  });
  it('compresses saturated colours softly instead of clipping them to one value', () => {
    const px = Uint8Array.of(230, 40, 40, 255, 240, 30, 30, 255);
    boostSaturation(px, 2);
    expect([...px.subarray(0, 3)]).not.toEqual([...px.subarray(4, 7)]);
  });
});

describe('blendColor', () => {
  it('keeps the original lightness and takes the colour by strength', () => {
    const grey = Uint8Array.of(120, 120, 120, 255);
    const colored = Uint8Array.of(200, 80, 60, 255);
    const none = grey.slice();
    blendColor(none, colored, 0);
    expect([...none]).toEqual([120, 120, 120, 255]);
    const full = grey.slice();
    blendColor(full, colored, 1);
    const L0 = srgb8ToOklab(120, 120, 120)[0];
    const L1 = srgb8ToOklab(full[0]!, full[1]!, full[2]!)[0];
    expect(Math.abs(L1 - L0)).toBeLessThan(0.01);
    expect(full[0]! - full[2]!).toBeGreaterThan(40);
  });
});
