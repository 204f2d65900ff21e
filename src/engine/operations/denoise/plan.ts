import { type NlmOptions, nlmParameters } from './non-local-means.ts';

/**
 * Which denoiser runs, and how hard, for an image whose white-noise σ was measured
 * (noise-estimate.ts) and the `enhancement_level` asked (0..1).
 *
 * Measured on 128 px pictures (the photo fixture, a generated photo-like picture, a flat-colour
 * cartoon) through the app, with the engine not chosen run beside it
 * (e2e/ops-restore-models.spec.ts prints every number):
 * - White (Gaussian, sensor-like) noise σ 15: non-local means 29.89 / 30.98 / 35.45 dB against
 *   CUnet's best level (noise3) 29.87 / 31.12 / 30.90, and its other levels 25-27 dB. CUnet was
 *   trained on JPEG noise of anime-style art; only its strongest level copes with white noise,
 *   and then only on photos. At 256 px non-local means also leads on the photo-like picture
 *   (32.5 vs 30.8 dB), and at σ 5 to 25 on all three.
 * - JPEG artefacts (quality 30, Chromium's encoder): CUnet noise2 gives 27.30 / 28.96 / 36.76 dB
 *   from 25.26 / 28.42 / 26.74; non-local means, seeing almost no white noise, changes nothing.
 * So the kind of noise decides, not the kind of picture: a measured white-noise σ of at least
 * NLM_MIN_SIGMA levels means non-local means, anything less (JPEG blocking and ringing, light
 * noise, a clean image) means CUnet. Clean photos read σ 1.5 to 3.2 (texture), JPEG q30 1.0 to
 * 1.5, and σ 5 noise 5.2 to 6.7. The Real-CUGAN ×2 denoisers were measured too (upscaled, then
 * box-downscaled back): below CUnet on JPEG (photo 26.9 vs 27.2 dB) and 22 dB on the photo-like
 * picture, so they are not used.
 *
 * The level maps to strength:
 * - CUnet: the noise level it was trained for, floor(4 × level) capped at 3: [0, 0.25) → 0,
 *   [0.25, 0.5) → 1, [0.5, 0.75) → 2 (the default 0.5; within 0.15 dB of the best on JPEG q30),
 *   [0.75, 1] → 3. The model's output is used whole: blending it back with the input was
 *   measured (α 0.5, 0.75, 1 on the three JPEG images) and never gained more than 0.02 dB,
 *   while α 0.5 lost up to 4 dB, so the level picks the model and does not dilute it.
 * - Non-local means: h = (0.3 + 0.5 × level) × σ, so the default 0.5 gives IPOL's 0.55σ;
 *   PSNR moves by under 1 dB from 0.3σ to 0.8σ on photos (σ 3 to 25), and a cartoon's flat areas like
 *   the strong end. Patch and window sizes follow IPOL's table for the measured σ.
 */

export const NLM_MIN_SIGMA = 4;

export type DenoisePlan =
  { kind: 'non-local-means'; options: NlmOptions } | { kind: 'model'; noiseLevel: number };

export function cunetNoiseLevel(level: number): number {
  return Math.min(3, Math.max(0, Math.floor(4 * level)));
}

export function nlmStrength(level: number): number {
  return 0.3 + 0.5 * Math.min(1, Math.max(0, level));
}

export function planDenoise(level: number, noiseSigma: number): DenoisePlan {
  if (noiseSigma >= NLM_MIN_SIGMA) {
    const options = nlmParameters(noiseSigma);
    return { kind: 'non-local-means', options: { ...options, h: nlmStrength(level) * noiseSigma } };
  }
  return { kind: 'model', noiseLevel: cunetNoiseLevel(level) };
}
