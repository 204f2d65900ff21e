import { PngStreamWriter } from '@/media/png-stream.ts';
import { StreamingResizer } from '@/media/resize.ts';
import { hasTransparency } from '@/media/image.ts';
import type { ModelCatalogue } from '@/inference/models.ts';
import type { ModelEntry } from '@models/manifest.ts';
import type { OperationRun } from '../operation.ts';
import { type PhotoModelChoice, REAL_ESRGAN } from './meta.ts';
const realEsrganIds: readonly string[] = Object.values(REAL_ESRGAN);

/**
 * The faithful model for a scale: the one trained for it, else the smallest that goes beyond it
 * (×5, ×6 and ×7 run the ×8 model). Shrinking a larger super-resolution result keeps the detail
 * the network made; enlarging a smaller one would only interpolate. A model added in Settings
 * for a scale stands in for the built-in ones of that scale (models.ts), so it is found here.
 */
export function modelForScale(catalogue: ModelCatalogue, scale: number): ModelEntry | undefined {
  const models = catalogue.models
    .filter((m) => m.operations.includes('enhance') && m.scale >= scale)
    .filter((m) => !realEsrganIds.includes(m.id))
    .sort((a, b) => a.scale - b.scale);
  return models[0];
}

/**
 * The model a choice runs: a model added in Settings for exactly this scale, whatever the choice
 * (the person put it there to be used); else Real-ESRGAN x4plus when asked for (`best`) or, for
 * `auto`, on a real GPU where its cost does not matter; Real-ESRGAN general for `real-esrgan`
 * and `auto` on a CPU; ESRGAN medium for `faithful`. A Real-ESRGAN model replaced by one added
 * in Settings (or missing from this build) gives way to the model for the scale.
 */
export function photoModel(
  catalogue: ModelCatalogue,
  choice: PhotoModelChoice,
  scale: number,
  onHardwareGpu: boolean,
): ModelEntry | undefined {
  const own = catalogue.models.find(
    (m) => m.operations.includes('enhance') && m.scale === scale && catalogue.isOwn(m),
  );
  if (own) return own;
  if (choice !== 'faithful') {
    const id =
      choice === 'best' || (choice === 'auto' && onHardwareGpu)
        ? REAL_ESRGAN.best
        : REAL_ESRGAN.general;
    const model = catalogue.byId(id);
    if (model) return model;
  }
  return modelForScale(catalogue, scale);
}

/**
 * Super-resolution by the chosen photo model, streamed tile band by band into a PNG. When the
 * model's scale is not the one asked (Real-ESRGAN is ×4 only; ESRGAN medium has ×2, ×3, ×4,
 * ×8), its bands pass through a streaming Lanczos-3 resizer on their way to the PNG, so the
 * larger image is never held whole either.
 */
export const enhance: OperationRun = async (params, ctx) => {
  const scale = Number(params.scale);
  const choice = (params.model ?? 'auto') as PhotoModelChoice;
  const model = photoModel(ctx.models.catalogue, choice, scale, ctx.models.onHardwareGpu());
  if (!model) throw new Error(`No upscaling model for ×${scale} is installed`);
  const variant = ctx.models.variant(model);
  const image = await ctx.image();
  const width = image.width * scale;
  const height = image.height * scale;
  const parts: Uint8Array[] = [];
  const png = new PngStreamWriter(width, height, hasTransparency(image) ? 4 : 3, (bytes) =>
    parts.push(bytes),
  );
  const method =
    model.scale === scale
      ? undefined
      : `×${model.scale} model, then Lanczos-3 (streamed, premultiplied alpha) ${model.scale > scale ? 'down' : 'up'} to ×${scale}`;
  ctx.engine({ model: model.id, variant: variant.id, method });
  const resizer =
    model.scale === scale
      ? null
      : new StreamingResizer(
          image.width * model.scale,
          image.height * model.scale,
          width,
          height,
          (band, rows) => png.writeRows(band, rows),
        );
  const { tiles } = await ctx.models.runTiled({
    model,
    variant,
    image,
    sink: resizer
      ? (band, rows) => resizer.push(band, rows)
      : (band, rows) => png.writeRows(band, rows),
    onProgress: (p) => ctx.progress(p.done / p.total, p.etaSeconds),
    isCanceled: () => ctx.isCanceled(),
  });
  resizer?.finish();
  png.finish();
  ctx.engine({ model: model.id, variant: variant.id, method, tiles });
  return { blob: new Blob(parts as BlobPart[], { type: 'image/png' }), width, height };
};
