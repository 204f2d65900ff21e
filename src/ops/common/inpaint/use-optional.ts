import type { RgbaImage } from '@/media/image.ts';
import { optionalModelName, optionalRunner } from '@/inference/optional/session.ts';
import { installedFor } from '@/inference/optional/store.ts';
import type { RunContext } from '../../operation.ts';
import type { Mask } from './mask.ts';
import { INPAINT_FEATHER, inpaintWithModel } from './model.ts';
import { pauseFor } from '../worker-io.ts';

/**
 * Fills the mask with the installed inpainting model (Settings → Optional models), in place;
 * null when none is installed, so the classical fill runs.
 */
export async function inpaintWithOptionalModel(
  image: RgbaImage,
  mask: Mask,
  ctx: RunContext,
  onProgress: (fraction: number) => void,
): Promise<{ model: string; method: string } | null> {
  const installed = await installedFor('inpaint');
  if (!installed) return null;
  const runner = await optionalRunner(ctx.models, installed.entry, installed.record);
  const model = optionalModelName(runner);
  ctx.engine({ model, method: `inpainting with ${installed.entry.label}` });
  const done = await inpaintWithModel(image, mask, runner, { pause: pauseFor(ctx), onProgress });
  const size = installed.entry.input.size ?? 512;
  return {
    model,
    method: `${installed.entry.label} on ${done.pixels} px in ${done.passes} pass${done.passes === 1 ? '' : 'es'} (window around each region with context, at ${size}², feathered ${INPAINT_FEATHER} px inwards)`,
  };
}
