import { describe, expect, it } from 'vitest';
import { NLM_MIN_SIGMA, cunetNoiseLevel, nlmStrength, planDenoise } from './plan.ts';

describe('the denoise plan', () => {
  it('maps the level to the CUnet noise level in quarters', () => {
    expect([0, 0.24, 0.25, 0.49, 0.5, 0.74, 0.75, 1].map(cunetNoiseLevel)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3,
    ]);
  });

  it('maps the level to non-local means strength, 0.55σ at the default', () => {
    expect(nlmStrength(0)).toBeCloseTo(0.3);
    expect(nlmStrength(0.5)).toBeCloseTo(0.55);
    expect(nlmStrength(1)).toBeCloseTo(0.8);
  });

  it('sends white noise to non-local means and the rest to the model', () => {
    expect(planDenoise(0.5, 1.2)).toEqual({ kind: 'model', noiseLevel: 2 });
    expect(planDenoise(0.9, NLM_MIN_SIGMA - 0.1)).toEqual({ kind: 'model', noiseLevel: 3 });
    const plan = planDenoise(0.5, 15);
    expect(plan.kind).toBe('non-local-means');
    if (plan.kind === 'non-local-means') {
      expect(plan.options).toMatchObject({ sigma: 15, patchRadius: 1, searchRadius: 10 });
      expect(plan.options.h).toBeCloseTo(0.55 * 15);
    }
  });
});
