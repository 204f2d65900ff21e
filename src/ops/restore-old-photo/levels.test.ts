import { describe, expect, it } from 'vitest';
import photoDataUrl from '../../../e2e/fixtures/photo-original-128.png?inline';
import { decodePng, psnr } from '../../../e2e/support/images.ts';
import { FADED_RANGE, correctFading, measureFading, needsCorrection } from './levels.ts';

function photo() {
  const base64 = photoDataUrl.slice(photoDataUrl.indexOf(',') + 1);
  const png = decodePng(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** Contrast squeezed to about 40..200 with a warm (yellow) cast, as an aged print. */
function fade(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data);
  const squeeze = [
    [52, 206],
    [44, 196],
    [30, 170],
  ] as const;
  for (let i = 0; i < out.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const [lo, hi] = squeeze[c]!;
      out[i + c] = Math.round(lo + (out[i + c]! * (hi - lo)) / 255);
    }
  }
  return out;
}

describe('the levels step', () => {
  it('brings a faded, yellowed print back close to the original', () => {
    const original = photo();
    const faded = { ...original, data: fade(original.data) };
    const fading = measureFading(faded.data, faded.width, faded.height);
    expect(fading.faded).toBe(true);
    expect(fading.tinted).toBe(true);
    const corrected = { ...faded, data: new Uint8Array(faded.data) };
    correctFading(corrected.data, fading);
    const before = psnr(faded, original);
    const after = psnr(corrected, original);
    console.log(`faded print: ${before.toFixed(2)} → ${after.toFixed(2)} dB; ${fading.reason}`);
    expect(after).toBeGreaterThan(before + 4);
  });

  it('leaves a well-exposed photo exactly as it is', () => {
    const original = photo();
    const fading = measureFading(original.data, original.width, original.height);
    expect(needsCorrection(fading)).toBe(false);
    const copy = new Uint8Array(original.data);
    correctFading(copy, fading);
    expect(copy).toEqual(original.data);
  });

  it('stretches a faded neutral print with one curve, keeping its colour balance', () => {
    const original = photo();
    const faded = new Uint8Array(original.data);
    for (let i = 0; i < faded.length; i += 4) {
      for (let c = 0; c < 3; c++) faded[i + c] = Math.round(45 + (faded[i + c]! * 150) / 255);
    }
    const fading = measureFading(faded, original.width, original.height);
    expect(fading.faded).toBe(true);
    expect(fading.tinted).toBe(false);
    correctFading(faded, fading);
    expect(psnr({ ...original, data: faded }, original)).toBeGreaterThan(28);
  });
});

/** The photo darkened as an under-exposed shot is (gamma 1.8, whites at 190): blacks stay black. */
function darken(data: Uint8Array): Uint8Array {
  return data.map((v, i) => (i % 4 === 3 ? v : Math.round(190 * (v / 255) ** 1.8)));
}

/** A warm scene (a ginger cat, lamplight): blue and green held down, blacks still black. */
function warmScene(data: Uint8Array): Uint8Array {
  const scale = [1, 0.85, 0.7, 1];
  return data.map((v, i) => Math.round(v * scale[i % 4]!));
}

/** Mean absolute difference of each channel's mean: how far the overall colour moved. */
function colourShift(a: Uint8Array, b: Uint8Array): number {
  const sum = [0, 0, 0];
  for (let i = 0; i < a.length; i += 4)
    for (let c = 0; c < 3; c++) sum[c]! += a[i + c]! - b[i + c]!;
  return sum.reduce((s, v) => s + Math.abs(v), 0) / 3 / (a.length / 4);
}

describe('the levels step never leaves a photo worse than its faded print', () => {
  it('leaves a dark photo that still reaches black alone: dull whites are not a fade', () => {
    const original = photo();
    const dark = darken(original.data);
    const fading = measureFading(dark, original.width, original.height);
    expect(fading.lumaHigh - fading.lumaLow).toBeLessThan(FADED_RANGE);
    expect(needsCorrection(fading)).toBe(false);
    expect(fading.reason).toMatch(/^not faded/);
  });

  for (const [name, scene] of [
    ['a dark photo', darken],
    ['a warm scene', warmScene],
  ] as const) {
    it(`brings ${name}, faded, closer to it: no stretch past what the fade explains`, () => {
      const base = photo();
      const original = { ...base, data: scene(base.data) };
      const faded = { ...original, data: fade(original.data) };
      const fading = measureFading(faded.data, faded.width, faded.height);
      expect(needsCorrection(fading)).toBe(true);
      const corrected = { ...faded, data: new Uint8Array(faded.data) };
      correctFading(corrected.data, fading);
      const before = psnr(faded, original);
      const after = psnr(corrected, original);
      console.log(
        `${name}, faded: ${before.toFixed(2)} → ${after.toFixed(2)} dB; ${fading.reason}`,
      );
      expect(after).toBeGreaterThan(before + 4);
      expect(colourShift(corrected.data, original.data)).toBeLessThan(
        colourShift(faded.data, original.data),
      );
    });
  }
});
