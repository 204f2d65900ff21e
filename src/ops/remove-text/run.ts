import type { AnalysisModelEntry } from '@models/manifest.ts';
import type { RgbaImage } from '@/media/image.ts';
import { inpaint } from '../common/inpaint/index.ts';
import { type Mask, countMask, emptyMask, unionMasks } from '../common/inpaint/mask.ts';
import { inpaintWithOptionalModel } from '../common/inpaint/use-optional.ts';
import { pngBlob } from '@/media/png-stream.ts';
import { decodeMaskDataUrl, pauseFor, scaledNote } from '../common/worker-io.ts';
import { manifest } from '@/inference/models.ts';
import type { RunContext, OperationRun } from '../operation.ts';
import { dbTextMask, detectorSize, detectorTensor, textMaskForImage } from './text-mask.ts';

/** Grows the detected text regions at the photo's size: anti-aliasing, outlines, glow. */
export const TEXT_MARGIN_PX = 3;

function textDetector(): AnalysisModelEntry | undefined {
  return (manifest.analysis ?? []).find((m) => m.task === 'text-detect');
}

/** Runs the text detector on the photo; returns the text mask at the photo's size. */
async function detectText(
  image: RgbaImage,
  ctx: RunContext,
): Promise<{ mask: Mask; note: string; model: string; variant: string }> {
  const entry = textDetector();
  if (!entry) {
    throw new Error(
      'Text detection needs the PP-OCRv4 detector (ppocr-v4-det), and no text-detect model is installed in models/manifest.json; send mask_data_url with auto_detect false instead',
    );
  }
  const variant = entry.variants.find((v) => v.compute === 'float32') ?? entry.variants[0];
  const output = entry.outputs[0];
  if (!variant || !output) throw new Error(`The model ${entry.id} has no files or no output`);
  ctx.engine({ model: entry.id, variant: variant.id });
  const size = detectorSize(image.width, image.height, entry.input.sizeMultiple ?? 32);
  const tensor = detectorTensor(image.data, image.width, image.height, size, entry.input);
  const results = await ctx.models.runWhole(variant, {
    [entry.input.name]: { data: tensor, dims: [1, 3, size.height, size.width] },
  });
  const prob = results[output.name];
  if (!prob) throw new Error(`The model ${entry.id} gave no output named ${output.name}`);
  const db = dbTextMask(prob.data, size.width, size.height);
  const mask = textMaskForImage(db, image.width, image.height, TEXT_MARGIN_PX);
  return {
    mask,
    model: entry.id,
    variant: variant.id,
    note: `${entry.id} at ${size.width}×${size.height}: ${db.regions} text region${db.regions === 1 ? '' : 's'} (DB: threshold 0.3, box 0.6, unclip 1.5, +${TEXT_MARGIN_PX} px)`,
  };
}

/** Finds text (and/or takes the caller's mask) and fills it from its surroundings. */
export const removeText: OperationRun = async (params, ctx) => {
  const image = await ctx.image();
  let mask = emptyMask(image.width, image.height);
  const notes: string[] = [];
  let model: { model?: string; variant?: string } = {};
  if (params.mask_data_url !== null && params.mask_data_url !== undefined) {
    const decoded = await decodeMaskDataUrl(
      String(params.mask_data_url),
      image.width,
      image.height,
    );
    mask = decoded.mask;
    notes.push(`caller's mask${scaledNote(decoded, image.width, image.height)}`);
  }
  if (params.auto_detect !== false) {
    const found = await detectText(image, ctx);
    mask = unionMasks(mask, found.mask);
    notes.push(found.note);
    model = { model: found.model, variant: found.variant };
  }
  ctx.progress(0.2, null);
  ctx.throwIfCanceled();
  if (countMask(mask) === 0) {
    ctx.engine({ ...model, method: `no text found; nothing filled; ${notes.join('; ')}` });
    return { blob: pngBlob(image), width: image.width, height: image.height };
  }
  const byModel = await inpaintWithOptionalModel(image, mask, ctx, (f) =>
    ctx.progress(0.2 + 0.8 * f, null),
  );
  if (byModel) {
    const method = [model.model ? `text by ${model.model}` : '', byModel.method].filter(Boolean);
    ctx.engine({ model: byModel.model, method: `${method.join('; ')}; ${notes.join('; ')}` });
    return { blob: pngBlob(image), width: image.width, height: image.height };
  }
  const report = await inpaint(image, mask, {
    pause: pauseFor(ctx),
    onProgress: (f) => ctx.progress(0.2 + 0.8 * f, null),
  });
  ctx.engine({ ...model, method: `${report.method}; ${notes.join('; ')}` });
  return { blob: pngBlob(image), width: image.width, height: image.height };
};
