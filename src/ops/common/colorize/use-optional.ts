import type { RgbaImage } from '@/media/image.ts';
import { optionalModelName, optionalRunner } from '@/inference/optional/session.ts';
import { installedFor } from '@/inference/optional/store.ts';
import type { RunContext } from '../../operation.ts';
import { colorizeWithModel } from './model.ts';

/** Whether a colorization model is installed (Settings → Optional models), read exactly. */
export async function hasOptionalColorizer(): Promise<boolean> {
  return (await installedFor('colorize')) !== null;
}

/**
 * restore-old-photo's colorization step with the installed colorization model, in place; null
 * when none is installed.
 */
export async function colorizeWithOptionalModel(
  image: RgbaImage,
  strength: number,
  ctx: RunContext,
): Promise<{ model: string; note: string } | null> {
  const installed = await installedFor('colorize');
  if (!installed) return null;
  const runner = await optionalRunner(ctx.models, installed.entry, installed.record);
  const model = optionalModelName(runner);
  ctx.engine({ model, method: `colorizing with ${installed.entry.label}` });
  await colorizeWithModel(image, runner, strength);
  const side = installed.entry.input.size ?? 256;
  return {
    model,
    note: `colorize: ${installed.entry.label} on the luminance at ${side}², its chroma upsampled onto the photo's own L (CIE Lab) at strength ${strength}`,
  };
}
