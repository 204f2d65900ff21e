import { pngBlob } from '@/media/png-stream.ts';
import { pauseFor } from '../common/worker-io.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { RunContext, OperationRun } from '../operation.ts';
import { estimateNoiseSigma } from '../denoise/noise-estimate.ts';
import { blendColor, boostSaturation } from './color.ts';
import { colorizationModel } from './colorizer.ts';
import { noColorizationModel } from './meta.ts';
import {
  colorizeWithOptionalModel,
  hasOptionalColorizer,
} from '../common/colorize/use-optional.ts';
import { correctFading, measureFading, needsCorrection } from './levels.ts';
import { repairScratches } from './repair.ts';
import { runSubOperation } from './sub-operation.ts';
import { inStep } from './step.ts';
import { HINTS_PARAM, hasHints } from '../common/colorize/hints-param.ts';
import { colorizeFromHints } from '../common/colorize/hints-step.ts';

/** The denoise step is light: old photos' grain is part of them, only noise should go. */
export const LIGHT_DENOISE_LEVEL = 0.3;
/**
 * Noise (σ in levels, as the denoise operation measures it) below which a photo is left as it
 * is: clean photos read 1–4 levels from their texture alone, and grain that fine is part of an
 * old print. Above it the denoise operation runs, lightly.
 */
export const GRAIN_SIGMA = 5;

type Progress = (fraction: number) => void;

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** (d) Colorisation by a user-installed model, its colour blended onto the photo's tones. */
async function colorize(image: RgbaImage, strength: number, ctx: RunContext, progress: Progress) {
  const optional = await colorizeWithOptionalModel(image, strength, ctx);
  if (optional) return { ...optional, variant: undefined };
  const model = colorizationModel(ctx.models.catalogue);
  if (!model) throw new Error(noColorizationModel);
  const variant = ctx.models.variant(model);
  const colored = new Uint8Array(image.width * image.height * 4);
  let row = 0;
  await ctx.models.runTiled({
    model,
    variant,
    image,
    sink: (band, rows) => {
      colored.set(band.subarray(0, rows * image.width * 4), row * image.width * 4);
      row += rows;
    },
    onProgress: (p) => progress(p.done / p.total),
    isCanceled: () => ctx.isCanceled(),
  });
  blendColor(image.data, colored, strength);
  return { model: model.id, variant: variant.id, note: `colorize: ${model.id} at ${strength}` };
}

/**
 * Restores an old photo in one pass: (a) scratch and dust repair, (b) faded contrast and colour
 * balance, (c) denoise only where there is noise, (d) faces, (e) colorisation, (f) colour boost.
 * A step with nothing to do changes nothing; each says in the engine record what ran, or why
 * not, and how long it took.
 */
export const restoreOldPhoto: OperationRun = async (params, ctx) => {
  let image = await ctx.image();
  const { width, height } = image;
  const notes: string[] = [];
  let model: { model?: string; variant?: string } = {};
  const stage =
    (from: number, to: number): Progress =>
    (f) =>
      ctx.progress(from + (to - from) * Math.min(1, f), null);
  const say = () => ctx.engine({ ...model, method: notes.join('; ') });

  // Fail before any work when the colorisation asked for cannot run.
  if (
    params.enable_colorization === true &&
    !hasHints(params) &&
    !colorizationModel(ctx.models.catalogue) &&
    !(await hasOptionalColorizer())
  ) {
    throw new Error(noColorizationModel);
  }

  let repaired: Uint8Array | undefined;
  // Nothing found to repair (by a repair that ran): with no fading and no noise either, the
  // photo is clean, and nothing else (faces, grain, sharpening) touches it.
  let nothingToRepair = false;
  if (params.auto_repair_damage !== false) {
    const t = performance.now();
    const repair = await inStep('Repairing scratches and dust', () =>
      repairScratches(image, { pause: pauseFor(ctx), onProgress: stage(0, 0.3) }),
    );
    repaired = repair.mask.data;
    nothingToRepair = repair.nothingFound;
    notes.push(`${repair.note} (${seconds(t)})`);
    say();
  } else notes.push('repair: off (auto_repair_damage false)');
  ctx.throwIfCanceled();

  // Colorizing keeps the photo's own tones (colorization_strength says so), so their levels are
  // left as they are; otherwise the fill's pixels are left out of the levels: a white scratch
  // is not the paper's white.
  if (hasHints(params) || params.enable_colorization === true) {
    notes.push('levels: left as they are (colorizing keeps the photo’s own tones)');
  } else {
    const fading = measureFading(image.data, width, height, repaired);
    if (needsCorrection(fading)) nothingToRepair = false;
    correctFading(image.data, fading);
    notes.push(`levels: ${fading.reason}`);
  }
  ctx.progress(0.32, null);
  ctx.throwIfCanceled();

  const sigma = estimateNoiseSigma(image);
  if (sigma >= GRAIN_SIGMA) {
    nothingToRepair = false;
    const t = performance.now();
    const denoised = await inStep('Removing noise', () =>
      runSubOperation(
        'denoise',
        { enhancement_level: LIGHT_DENOISE_LEVEL },
        image,
        ctx,
        stage(0.32, 0.55),
      ),
    );
    if (denoised) {
      image = denoised.image;
      if (denoised.model) model = { model: denoised.model, variant: denoised.variant };
      const what = [denoised.model, denoised.method].filter(Boolean).join(': ') || 'its default';
      notes.push(
        `denoise: noise σ ${sigma.toFixed(1)} ≥ ${GRAIN_SIGMA}: the denoise operation at ${LIGHT_DENOISE_LEVEL} (${what}) (${seconds(t)})`,
      );
    } else
      notes.push(
        `denoise: skipped (noise σ ${sigma.toFixed(1)}, but no denoise operation in this build)`,
      );
  } else {
    notes.push(
      `denoise: skipped (noise σ ${sigma.toFixed(1)} < ${GRAIN_SIGMA}: no grain removal, no sharpening)`,
    );
  }
  say();
  ctx.throwIfCanceled();

  const colouring = hasHints(params) || params.enable_colorization === true;
  const boost = Number(params.color_boost);
  if (nothingToRepair) {
    notes.push(
      'faces: skipped (nothing to restore: no scratch, speck, fading or noise found, so no face restoration either)',
    );
    if (!colouring && boost === 1) {
      notes.push('nothing to restore: the photo is returned unchanged');
      say();
      ctx.progress(1, 0);
      return { blob: ctx.input, width, height };
    }
  }
  const faceLevel = Number(params.face_enhancement_level);
  if (nothingToRepair) {
    // Said above: no face step on a clean photo.
  } else if (faceLevel > 0) {
    const t = performance.now();
    const faces = await inStep('Restoring faces', () =>
      runSubOperation(
        'enhance-face',
        { enhancement_level: faceLevel },
        image,
        ctx,
        stage(0.55, 0.8),
      ),
    );
    if (faces) {
      image = faces.image;
      if (faces.model && !faces.unchanged) model = { model: faces.model, variant: faces.variant };
      const what = [faces.model, faces.method].filter(Boolean).join(': ') || 'default';
      notes.push(
        `faces: enhance-face at ${faceLevel} (${what})${faces.unchanged ? ', photo unchanged' : ''} (${seconds(t)})`,
      );
    } else notes.push('faces: skipped (no enhance-face operation in this build)');
  } else notes.push('faces: off (face_enhancement_level 0)');
  say();
  ctx.throwIfCanceled();

  if (hasHints(params)) {
    // Painted hints colour the photo themselves: no model is needed or used.
    const strength = Number(params.colorization_strength);
    const hinted = await inStep('Colorizing from the hints', () =>
      colorizeFromHints(image, String(params[HINTS_PARAM]), strength, ctx, stage(0.8, 0.95)),
    );
    image = hinted.image;
    notes.push(hinted.note);
    say();
  } else if (params.enable_colorization === true) {
    const done = await inStep('Colorizing', () =>
      colorize(image, Number(params.colorization_strength), ctx, stage(0.8, 0.95)),
    );
    model = { model: done.model, variant: done.variant };
    notes.push(done.note);
    say();
  }

  if (boost !== 1) {
    boostSaturation(image.data, boost);
    notes.push(`colour boost ×${boost} (OKLCH chroma, soft gamut limit)`);
  }
  say();
  ctx.progress(1, 0);
  return { blob: await inStep('Writing the result', async () => pngBlob(image)), width, height };
};
