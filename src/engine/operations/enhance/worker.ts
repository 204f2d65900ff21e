import { PngStreamWriter } from '../../../../workers/png-stream.ts';
import { StreamingResizer } from '../../../../workers/resize.ts';
import { hasTransparency } from '../../../../workers/tiler.ts';
import { manifest, pickVariant } from '../../models.ts';
import type { ModelEntry } from '../../../../models/manifest.ts';
import type { OpWorker } from '../worker-context.ts';

/**
 * The model for a scale: the one trained for it, else the smallest that goes beyond it (×5, ×6
 * and ×7 run the ×8 model). Shrinking a larger super-resolution result keeps the detail the
 * network made; enlarging a smaller one would only interpolate.
 */
export function modelForScale(scale: number): ModelEntry | undefined {
  const models = manifest.models
    .filter((m) => m.operations.includes('enhance') && m.scale >= scale)
    .sort((a, b) => a.scale - b.scale);
  return models[0];
}

/**
 * Super-resolution by the photo model of the asked scale, streamed tile band by band into a PNG.
 * For a scale without its own model, the larger model's bands pass through a streaming
 * Lanczos-3 resizer on their way to the PNG, so the larger image is never held whole either.
 */
export const enhance: OpWorker = async (params, ctx) => {
  const scale = Number(params.scale);
  const model = modelForScale(scale);
  if (!model) throw new Error(`No upscaling model for ×${scale} or more is installed`);
  const variant = pickVariant(model);
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
      : `×${model.scale} model, then Lanczos-3 (streamed, premultiplied alpha) down to ×${scale}`;
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
