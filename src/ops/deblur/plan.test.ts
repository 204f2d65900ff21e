import { describe, expect, it } from 'vitest';
import { MAX_PSF_SIGMA, MIN_EXCESS, deblurContext, planDeblur } from './plan.ts';
import { wienerLambda } from './wiener.ts';

describe('the deblur plan', () => {
  it('scales the measured excess blur by strength', () => {
    const blur = { sigma: 1.6, excess: 1.5, edges: 500 };
    expect(planDeblur(1, blur, 2)).toEqual({ sigma: 1.5, lambda: wienerLambda(2) });
    expect(planDeblur(0.5, blur, 0)!.sigma).toBeCloseTo(0.75);
    expect(planDeblur(1.5, blur, 0)!.sigma).toBeCloseTo(2.25);
  });

  it('leaves a sharp picture alone, whatever the strength', () => {
    const sharp = { sigma: 0.88, excess: 0.37, edges: 500 };
    expect(planDeblur(1.5, sharp, 0)).toBeNull();
    const justBlurred = { sigma: 0.95, excess: MIN_EXCESS, edges: 500 };
    expect(planDeblur(1, justBlurred, 0)!.sigma).toBe(MIN_EXCESS);
    expect(planDeblur(0.5, justBlurred, 0)).toBeNull(); // 0.25 px: below MIN_PSF_SIGMA
    expect(planDeblur(1, { sigma: 0, excess: 0, edges: 3 }, 0)).toBeNull();
  });
});

describe('deblurContext', () => {
  it('grows with the PSF and stays a multiple of 8', () => {
    expect(deblurContext(1.5)).toBe(32);
    expect(deblurContext(MAX_PSF_SIGMA) % 8).toBe(0);
    expect(deblurContext(3)).toBeGreaterThan(deblurContext(1.5));
  });

  it('caps the PSF width', () => {
    expect(planDeblur(1.5, { sigma: 9, excess: 8, edges: 60 }, 0)!.sigma).toBe(MAX_PSF_SIGMA);
  });
});
