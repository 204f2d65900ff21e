import { describe, expect, it } from 'vitest';
import { estimateNoiseSigma, jpegBlockiness } from './noise-estimate.ts';

function image(width: number, height: number, value: (x: number, y: number) => number) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round(Math.min(255, Math.max(0, value(x, y))));
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

function gaussianSource(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('estimateNoiseSigma', () => {
  it('reads white noise of σ 10 as about 10, on a smooth picture', () => {
    const gaussian = gaussianSource(3);
    const noisy = image(128, 128, (x, y) => 80 + x / 2 + y / 3 + 10 * gaussian());
    expect(estimateNoiseSigma(noisy)).toBeGreaterThan(9);
    expect(estimateNoiseSigma(noisy)).toBeLessThan(11);
  });

  it('reads a clean picture with edges as nearly noiseless', () => {
    const clean = image(128, 128, (x, y) => (x > 60 ? 200 : 40) + y / 4);
    expect(estimateNoiseSigma(clean)).toBeLessThan(1);
  });
});

describe('jpegBlockiness', () => {
  it('is about 1 for a smooth picture and high for 8×8 blocks', () => {
    const smooth = image(64, 64, (x, y) => 50 + x + y);
    expect(jpegBlockiness(smooth)).toBeLessThan(1.1);
    const blocky = image(64, 64, (x, y) => 50 + 8 * (x >> 3) + 8 * (y >> 3) + ((x + y) % 3));
    expect(jpegBlockiness(blocky)).toBeGreaterThan(2);
  });
});
