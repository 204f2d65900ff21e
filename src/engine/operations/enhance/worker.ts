import { PngStreamWriter } from '../../../../workers/png-stream.ts';
import { hasTransparency } from '../../../../workers/tiler.ts';
import { findModel, pickVariant } from '../../models.ts';
import type { OpWorker } from '../worker-context.ts';

/** Super-resolution by the photo model of the asked scale, streamed tile band by band into a PNG. */
export const enhance: OpWorker = async (params, ctx) => {
  const scale = Number(params.scale);
  const model = findModel('enhance', scale);
  if (!model) throw new Error(`No upscaling model for ×${scale} is installed`);
  const variant = pickVariant(model);
  const image = await ctx.image();
  const parts: Uint8Array[] = [];
  const png = new PngStreamWriter(
    image.width * scale,
    image.height * scale,
    hasTransparency(image) ? 4 : 3,
    (bytes) => parts.push(bytes),
  );
  ctx.engine({ model: model.id, variant: variant.id });
  const { width, height, tiles } = await ctx.models.runTiled({
    model,
    variant,
    image,
    sink: (band, rows) => png.writeRows(band, rows),
    onProgress: (p) => ctx.progress(p.done / p.total, p.etaSeconds),
    isCanceled: () => ctx.isCanceled(),
  });
  png.finish();
  ctx.engine({ model: model.id, variant: variant.id, tiles });
  return { blob: new Blob(parts as BlobPart[], { type: 'image/png' }), width, height };
};
