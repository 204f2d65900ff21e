import { decodeImage } from '@/media/codecs/decode.ts';
import type { RgbaImage } from '@/media/image.ts';
import { pngBlob } from '@/media/png-stream.ts';
import { ParamError, resolveParams, type RunContext } from '../operation.ts';
import { operationMetas } from '../registry.ts';
import { runOf } from '../runs.ts';

export interface SubResult {
  image: RgbaImage;
  model?: string;
  variant?: string;
  method?: string;
  /** The operation handed its input back as it was (nothing to do). */
  unchanged: boolean;
}

/** A result PNG back as pixels, at the given size (a model may have changed it). */
async function decodeAt(blob: Blob, width: number, height: number): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(blob, {
    premultiplyAlpha: 'none',
    resizeWidth: width,
    resizeHeight: height,
    resizeQuality: 'high',
  });
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser cannot give a 2D canvas in a worker');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { data: context.getImageData(0, 0, width, height).data, width, height };
}

/**
 * Runs another operation of this build on an image in memory, as a step of a pipeline: its
 * worker side, with its parameters resolved against its meta (defaults for what `params` leaves
 * out, or all defaults if its meta has no such parameter). Null when this build has no such
 * operation, so the pipeline can say it skipped the step.
 */
export async function runSubOperation(
  name: string,
  params: Record<string, unknown>,
  image: RgbaImage,
  ctx: RunContext,
  progress: (fraction: number) => void,
): Promise<SubResult | null> {
  // Looked up when called: this module is itself imported by the workers registry.
  const worker = runOf(name);
  const meta = operationMetas[name];
  if (!worker || !meta) return null;
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveParams(meta, params);
  } catch (error) {
    if (!(error instanceof ParamError)) throw error;
    resolved = resolveParams(meta, {});
  }
  const record: { model?: string; variant?: string; method?: string } = {};
  const input = pngBlob(image);
  const output = await worker(resolved, {
    input,
    image: () => Promise.resolve(image),
    models: ctx.models,
    progress: (fraction) => progress(fraction),
    throwIfCanceled: () => ctx.throwIfCanceled(),
    isCanceled: () => ctx.isCanceled(),
    engine: (r) => Object.assign(record, r),
  });
  // An operation with nothing to do hands its input back: the pixels are the ones we have.
  if (output.blob === input) return { image, unchanged: true, ...record };
  const same = output.width === image.width && output.height === image.height;
  return {
    unchanged: false,
    image: same
      ? await decodeImage(output.blob)
      : await decodeAt(output.blob, image.width, image.height),
    ...record,
  };
}
