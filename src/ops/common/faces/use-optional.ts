import { encodeImage } from '@/media/codecs/encode.ts';
import type { RgbaImage } from '@/media/image.ts';
import { optionalModelName, optionalRunner } from '@/inference/optional/session.ts';
import { installedFor } from '@/inference/optional/store.ts';
import type { RunContext, RunOutput } from '../../operation.ts';
import type { Detection } from './detect.ts';
import { restoreFacesWithModel } from './restore-model.ts';

/**
 * enhance-face with an installed face model (Settings → Optional models), recorded on the job
 * with where each face went; null when none is installed, so the built-in engine runs.
 */
export async function restoreWithOptionalModel(
  image: RgbaImage,
  faces: readonly Detection[],
  level: number,
  detectors: string,
  ctx: RunContext,
): Promise<RunOutput | null> {
  const installed = await installedFor('face-restore');
  if (!installed) return null;
  const runner = await optionalRunner(ctx.models, installed.entry, installed.record);
  const model = optionalModelName(runner);
  ctx.engine({ model, method: `${faces.length} face(s) by ${detectors}; restoring` });
  const result = await restoreFacesWithModel({
    image,
    faces,
    level,
    runner,
    isCanceled: () => ctx.isCanceled(),
    onProgress: (f) => ctx.progress(0.1 + 0.85 * f, null),
  });
  ctx.throwIfCanceled();
  const size = installed.entry.input.size ?? 512;
  const where = result.restored
    .map((f) => `(${f.x.toFixed(1)}, ${f.y.toFixed(1)}) side ${f.side}`)
    .join(', ');
  ctx.engine({
    model,
    method: `${faces.length} face(s) by ${detectors}; ${result.restored.length} restored by ${installed.entry.label} (5-point similarity to the FFHQ template, Lanczos to ${size}², colour-matched, feathered paste at level ${level}) at ${where || 'nowhere'}${result.skipped ? `; ${result.skipped} too small or beyond the limit, left as they were` : ''}`,
  });
  if (result.restored.length === 0) {
    return { blob: ctx.input, width: image.width, height: image.height };
  }
  const blob = await encodeImage(result.image, 'png');
  ctx.progress(1, 0);
  return { blob, width: image.width, height: image.height };
}
