import type { RgbaImage } from '@/media/image.ts';
import type { RunContext } from '../../operation.ts';
import { estimateForeground, rgbPlanes } from './compose.ts';
import { computeMatte } from './matte.ts';

/** The photo split into subject colour and opacity, what the background operations start from. */
export interface Subject {
  image: RgbaImage;
  /** The photo's RGB, 0..1 interleaved. */
  rgb: Float32Array;
  /** Subject opacity 0..1 (soft, never thresholded). */
  alpha: Float32Array;
  /** The subject's own colour, 0..1 interleaved (edges cleaned of the old background). */
  fg: Float32Array;
  /** How the matte and colours were made, for the engine record. */
  method: string;
}

/** Seconds ISNet took on one WASM thread here (10–17 s): the ETA shown while it runs. */
const MATTE_SECONDS_GUESS = 15;

/**
 * Runs the matting model once on the photo and estimates the subject's colours; reports
 * progress up to `share` of the operation and records the model on the job.
 */
export async function cutOutSubject(ctx: RunContext, share = 0.8): Promise<Subject> {
  const image = await ctx.image();
  ctx.progress(0.02, MATTE_SECONDS_GUESS);
  const matte = await computeMatte(image, ctx.models, (f) => ctx.progress(f * share * 0.9, null));
  const method = [...matte.steps, 'foreground colours by blur-fusion (Forte & Pitié 2021)'].join(
    '; ',
  );
  ctx.engine({ model: matte.model, variant: matte.variant, method });
  ctx.throwIfCanceled();
  const rgb = rgbPlanes(image);
  const fg = estimateForeground(rgb, matte.alpha, image.width, image.height);
  ctx.progress(share, null);
  return { image, rgb, alpha: matte.alpha, fg, method };
}
