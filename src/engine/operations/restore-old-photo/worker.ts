import { pickVariant } from '../../models.ts';
import { inpaint } from '../../inpaint/index.ts';
import { countMask } from '../../inpaint/mask.ts';
import { loadOpenCv } from '../../inpaint/opencv.ts';
import { pauseFor, pngBlob } from '../../inpaint/worker-io.ts';
import type { RgbaImage } from '../../../../workers/tiler.ts';
import type { OpContext, OpWorker } from '../worker-context.ts';
import { blendColor, boostSaturation } from './color.ts';
import { colorizationModel, noColorizationModel } from './colorizer.ts';
import { colorizeWithOptionalModel, hasOptionalColorizer } from '../../colorize/use-optional.ts';
import { detectDefects, estimateNoiseSigma, luma } from './defects.ts';
import { runSubOperation } from './sub-operation.ts';
import { HINTS_PARAM, hasHints } from '../../colorize/hints-param.ts';
import { colorizeFromHints } from '../../colorize/hints-step.ts';

/** The denoise step is light: old photos' grain is part of them, only noise should go. */
export const LIGHT_DENOISE_LEVEL = 0.3;

type Progress = (fraction: number) => void;

/** (a) Scratches and dust found (defects.ts) and filled (inpaint). */
async function repairDamage(image: RgbaImage, ctx: OpContext, progress: Progress) {
  const defects = detectDefects(image.data, image.width, image.height);
  const found = `${defects.scratches} scratch${defects.scratches === 1 ? '' : 'es'}, ${defects.specks} speck${defects.specks === 1 ? '' : 's'} (top-hat/black-hat r ${defects.radius}, threshold ${defects.threshold.toFixed(0)})`;
  if (countMask(defects.mask) === 0) return `repair: nothing found`;
  // Every defect found is thin (a line narrower than the structuring element) or small (a
  // speck), which is what diffusion fills best, and at a fraction of the exemplar fill's cost.
  const report = await inpaint(image, defects.mask, {
    force: 'diffusion',
    pause: pauseFor(ctx),
    onProgress: progress,
  });
  return `repair: ${found}: ${report.method}`;
}

/**
 * (b) Light denoise: this build's denoise operation at a low level when it has one; otherwise
 * OpenCV's bilateral filter, tuned to the noise Immerkær's estimate measures, and only when there
 * is noise to speak of (σ ≥ 1.5 levels).
 */
async function lightDenoise(
  image: RgbaImage,
  ctx: OpContext,
  progress: Progress,
): Promise<{ image: RgbaImage; note: string; model?: string; variant?: string }> {
  const sub = await runSubOperation(
    'denoise',
    { enhancement_level: LIGHT_DENOISE_LEVEL },
    image,
    ctx,
    progress,
  );
  if (sub) {
    const what = [sub.model, sub.method].filter(Boolean).join(': ') || 'its default engine';
    return { ...sub, note: `denoise: the denoise operation at ${LIGHT_DENOISE_LEVEL} (${what})` };
  }
  const sigma = estimateNoiseSigma(
    luma(image.data, image.width, image.height),
    image.width,
    image.height,
  );
  if (sigma < 1.5) return { image, note: `denoise: skipped (noise σ ${sigma.toFixed(1)})` };
  const { cv } = await loadOpenCv();
  const n = image.width * image.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = image.data[i * 4]!;
    rgb[i * 3 + 1] = image.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = image.data[i * 4 + 2]!;
  }
  const src = cv.matFromArray(image.height, image.width, cv.CV_8UC3, rgb);
  const dst = new cv.Mat();
  try {
    const sigmaColor = 2.5 * sigma;
    cv.bilateralFilter(src, dst, 5, sigmaColor, 1.5);
    const out = dst.data as Uint8Array;
    for (let i = 0; i < n; i++) {
      image.data[i * 4] = out[i * 3]!;
      image.data[i * 4 + 1] = out[i * 3 + 1]!;
      image.data[i * 4 + 2] = out[i * 3 + 2]!;
    }
  } finally {
    src.delete();
    dst.delete();
  }
  return {
    image,
    note: `denoise: OpenCV.js bilateral filter (5 px, σ colour ${(2.5 * sigma).toFixed(1)} for noise σ ${sigma.toFixed(1)}; no denoise operation in this build)`,
  };
}

/** (d) Colorisation by a user-installed model, its colour blended onto the photo's tones. */
async function colorize(image: RgbaImage, strength: number, ctx: OpContext, progress: Progress) {
  const optional = await colorizeWithOptionalModel(image, strength, ctx);
  if (optional) return { ...optional, variant: undefined };
  const model = colorizationModel();
  if (!model) throw new Error(noColorizationModel);
  const variant = pickVariant(model);
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
 * Restores an old photo in one pass: (a) scratch and dust repair, (b) light denoise, (c) faces,
 * (d) colorisation, (e) colour boost. Each step says in the engine record what ran or why not.
 */
export const restoreOldPhoto: OpWorker = async (params, ctx) => {
  let image = await ctx.image();
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
    !colorizationModel() &&
    !(await hasOptionalColorizer())
  ) {
    throw new Error(noColorizationModel);
  }

  if (params.auto_repair_damage !== false) {
    notes.push(await repairDamage(image, ctx, stage(0, 0.35)));
    say();
  }
  ctx.throwIfCanceled();

  const denoised = await lightDenoise(image, ctx, stage(0.35, 0.55));
  image = denoised.image;
  notes.push(denoised.note);
  if (denoised.model) model = { model: denoised.model, variant: denoised.variant };
  say();
  ctx.throwIfCanceled();

  const faceLevel = Number(params.face_enhancement_level);
  if (faceLevel > 0) {
    const faces = await runSubOperation(
      'enhance-face',
      { enhancement_level: faceLevel },
      image,
      ctx,
      stage(0.55, 0.8),
    );
    if (faces) {
      image = faces.image;
      if (faces.model) model = { model: faces.model, variant: faces.variant };
      const what = [faces.model, faces.method].filter(Boolean).join(': ') || 'default';
      notes.push(`faces: enhance-face at ${faceLevel} (${what})`);
    } else notes.push('faces: skipped (no enhance-face operation in this build)');
  } else notes.push('faces: off (face_enhancement_level 0)');
  say();
  ctx.throwIfCanceled();

  if (hasHints(params)) {
    // Painted hints colour the photo themselves: no model is needed or used.
    const strength = Number(params.colorization_strength);
    const hinted = await colorizeFromHints(
      image,
      String(params[HINTS_PARAM]),
      strength,
      ctx,
      stage(0.8, 0.95),
    );
    image = hinted.image;
    notes.push(hinted.note);
    say();
  } else if (params.enable_colorization === true) {
    const done = await colorize(image, Number(params.colorization_strength), ctx, stage(0.8, 0.95));
    model = { model: done.model, variant: done.variant };
    notes.push(done.note);
    say();
  }

  const boost = Number(params.color_boost);
  if (boost !== 1) {
    boostSaturation(image.data, boost);
    notes.push(`colour boost ×${boost} (OKLCH chroma, soft gamut limit)`);
  }
  say();
  ctx.progress(1, 0);
  return { blob: pngBlob(image), width: image.width, height: image.height };
};
