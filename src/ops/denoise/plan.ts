/**
 * Which denoiser runs, and how hard, for an image whose white-noise σ was measured
 * (noise-estimate.ts) and the `enhancement_level` asked (0..1).
 *
 * White (Gaussian, sensor-like) noise goes to CBM3D (bm3d.ts). On eight real photos
 * (bench/denoise-quality.ts --full-size: portrait, food, pet, machines, building, nature,
 * sport; 481×321 crops, 8-bit noisy copies, σ measured as here, level 0.5), mean RGB PSNR / SSIM
 * (bench/results/denoise-quality.md has every photo):
 *
 * | σ  | noisy         | non-local means (before) | CBM3D         |
 * |----|---------------|--------------------------|---------------|
 * | 15 | 24.91 / 0.679 | 31.91 / 0.910            | 34.03 / 0.935 |
 * | 25 | 20.71 / 0.501 | 28.95 / 0.852            | 30.97 / 0.898 |
 * | 50 | 15.19 / 0.283 | 24.46 / 0.733            | 26.27 / 0.814 |
 *
 * CBM3D led on every photo at every σ, by 1.0 to 3.3 dB, and keeps fine texture (fur, whiskers)
 * that non-local means smeared into flat patches; 3.4 to 7.1 CPU seconds a photo on one thread
 * of this 2-core machine while it was shared (load 4 to 6). With the noise of published
 * benchmarks (unclipped floats, σ given) it reaches 31.73 dB at σ 25 on these photos, where
 * CBM3D publishes 30.71 on CBSD68 (denoise-quality-float.md). Through the app on the 128 px
 * pictures of e2e/ops-restore-models.spec.ts at σ 15 (photo, photo-like, cartoon): 30.48 /
 * 33.04 / 36.93 dB, where non-local means gave 29.89 / 30.98 / 35.45 and CUnet's best level
 * 29.80 / 30.89 / 30.80.
 *
 * Earlier measurements on 128 px pictures (e2e/ops-restore-models.spec.ts prints every number)
 * set the split: CUnet was trained on JPEG noise of anime-style art; only its strongest level
 * copes with white noise, and then only on photos (29.87 / 31.12 / 30.90 dB at σ 15, where
 * non-local means already gave 29.89 / 30.98 / 35.45). On JPEG artefacts (quality 30) CUnet
 * noise2 gives 27.30 / 28.96 / 36.76 dB from 25.26 / 28.42 / 26.74, while a white-noise filter,
 * seeing almost no white noise, changes little. So the kind of noise decides, not the kind of
 * picture: a measured white-noise σ of at least WHITE_NOISE_MIN_SIGMA levels means CBM3D,
 * anything less (JPEG blocking and ringing, light noise, a clean image) means CUnet. Clean photos
 * read σ 1.5 to 3.2 (texture), JPEG q30 1.0 to 1.5, and σ 5 noise 5.2 to 6.7. The Real-CUGAN ×2
 * denoisers were measured too (upscaled, then box-downscaled back): below CUnet on JPEG (photo
 * 26.9 vs 27.2 dB) and 22 dB on the photo-like picture, so they are not used.
 *
 * The level maps to strength:
 * - CUnet: the noise level it was trained for, floor(4 × level) capped at 3: [0, 0.25) → 0,
 *   [0.25, 0.5) → 1, [0.5, 0.75) → 2 (the default 0.5; within 0.15 dB of the best on JPEG q30),
 *   [0.75, 1] → 3. The model's output is used whole: blending it back with the input was
 *   measured (α 0.5, 0.75, 1 on the three JPEG images) and never gained more than 0.02 dB,
 *   while α 0.5 lost up to 4 dB, so the level picks the model and does not dilute it.
 * - CBM3D: the σ it is told, (0.6 + 0.8 × level) × the measured σ, so the default 0.5 tells it
 *   the measured σ. That was the best scale on four of the photos (shrunk 2×) at σ 15, 25 and
 *   50 (0.9× ties at σ 15 and loses 0.25 dB at σ 25; 1.1× loses 0.04 to 0.26 dB, 1.2× 0.16 to
 *   0.6 dB), so the middle of the range is the accurate setting and the ends trade grain for
 *   smoothness.
 */

export const WHITE_NOISE_MIN_SIGMA = 4;

export type DenoisePlan =
  { kind: 'bm3d'; measuredSigma: number; sigma: number } | { kind: 'model'; noiseLevel: number };

export function cunetNoiseLevel(level: number): number {
  return Math.min(3, Math.max(0, Math.floor(4 * level)));
}

/** The σ CBM3D is told: the measured σ scaled by the level, the measured σ itself at 0.5. */
export function assumedSigma(measured: number, level: number): number {
  return measured * (0.6 + 0.8 * Math.min(1, Math.max(0, level)));
}

export function planDenoise(level: number, noiseSigma: number): DenoisePlan {
  if (noiseSigma >= WHITE_NOISE_MIN_SIGMA) {
    return { kind: 'bm3d', measuredSigma: noiseSigma, sigma: assumedSigma(noiseSigma, level) };
  }
  return { kind: 'model', noiseLevel: cunetNoiseLevel(level) };
}
