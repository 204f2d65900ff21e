import type { BlurEstimate } from './blur-estimate.ts';
import { wienerLambda } from './wiener.ts';

/**
 * How deblur undoes the blur it measured: the Gaussian PSF width is the blur the edges show
 * beyond what sharp images show (blur-estimate.ts), times `strength` (0.5..1.5, 1 = exactly
 * what was measured; less is gentler, more goes further than the measurement).
 *
 * An excess under MIN_EXCESS is within what sharp pictures read (0.5 to 0.88 px, by where their
 * edges fall in the pixel grid and how fine their texture is), so it is not taken as blur at
 * any strength and the picture is passed through untouched: sharpening a sharp picture is how
 * deconvolution rings. Strength scales a blur that was found; it does not invent one.
 */

/** Measured excess blur below this is sharp-picture variation, px. */
export const MIN_EXCESS = 0.5;
/** A PSF narrower than this (after strength) has nothing worth inverting, px. */
export const MIN_PSF_SIGMA = 0.3;
/** Beyond this a Gaussian deconvolution has nothing left to recover; wider reads are capped. */
export const MAX_PSF_SIGMA = 6;

export interface DeblurPlan {
  /** Gaussian PSF standard deviation, px. */
  sigma: number;
  /** Wiener regularisation for the measured noise. */
  lambda: number;
}

export function planDeblur(
  strength: number,
  blur: BlurEstimate,
  noiseSigma: number,
): DeblurPlan | null {
  if (!(blur.excess >= MIN_EXCESS)) return null;
  const sigma = Math.min(MAX_PSF_SIGMA, strength * blur.excess);
  if (!(sigma >= MIN_PSF_SIGMA)) return null;
  return { sigma, lambda: wienerLambda(noiseSigma) };
}

/**
 * Context around each FFT tile, px: the regularised inverse of a Gaussian of σ falls below
 * 1e-4 of its peak within 16σ + 8 px (its impulse response at λ 0.002: 2.5e-6 at 32 px for
 * σ 1.5, 1e-4 at 88 px for σ 5), so a tile's wrap-around edge cannot reach its core.
 */
export function deblurContext(sigma: number): number {
  return Math.ceil((16 * sigma + 8) / 8) * 8;
}
