import { describe, expect, it } from 'vitest';
import { WHITE_NOISE_MIN_SIGMA, assumedSigma, cunetNoiseLevel, planDenoise } from './plan.ts';

describe('the denoise plan', () => {
  it('maps the level to the CUnet noise level in quarters', () => {
    expect([0, 0.24, 0.25, 0.49, 0.5, 0.74, 0.75, 1].map(cunetNoiseLevel)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3,
    ]);
  });

  it('tells CBM3D the measured σ at the default level, 0.6σ to 1.4σ over the range', () => {
    expect(assumedSigma(20, 0)).toBeCloseTo(12);
    expect(assumedSigma(20, 0.5)).toBeCloseTo(20);
    expect(assumedSigma(20, 1)).toBeCloseTo(28);
    expect(assumedSigma(20, 7)).toBeCloseTo(28);
  });

  it('sends white noise to CBM3D and the rest to the model', () => {
    expect(planDenoise(0.5, 1.2)).toEqual({ kind: 'model', noiseLevel: 2 });
    expect(planDenoise(0.9, WHITE_NOISE_MIN_SIGMA - 0.1)).toEqual({ kind: 'model', noiseLevel: 3 });
    expect(planDenoise(0.5, 15)).toEqual({ kind: 'bm3d', measuredSigma: 15, sigma: 15 });
    expect(planDenoise(1, 15)).toMatchObject({ kind: 'bm3d', sigma: 21 });
  });
});
