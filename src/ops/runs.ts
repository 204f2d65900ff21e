import { compressOptimize } from './compress-optimize/run.ts';
import { convert } from './convert/run.ts';
import { cropResize } from './crop-resize/run.ts';
import { enhance } from './enhance/run.ts';
import { enhanceAnime } from './enhance-anime/run.ts';
import { denoise } from './denoise/run.ts';
import { deblur } from './deblur/run.ts';
import { removeFrame } from './remove-frame/run.ts';
import { removeObject } from './remove-object/run.ts';
import { removeText } from './remove-text/run.ts';
import { restoreOldPhoto } from './restore-old-photo/run.ts';
import type { OperationRun } from './operation.ts';
import type { OperationName } from './registry.ts';
import { blurBackground } from './blur-background/run.ts';
import { enhanceFace } from './enhance-face/run.ts';
import { removeBackground } from './remove-background/run.ts';
import { replaceBackground } from './replace-background/run.ts';
import { smartCrop } from './smart-crop/run.ts';

/** The worker side of every operation in the registry, by name: what the inference worker runs. */
export const operationRuns: Readonly<Record<OperationName, OperationRun>> = {
  enhance,
  'enhance-anime': enhanceAnime,
  denoise,
  deblur,
  convert,
  'compress-optimize': compressOptimize,
  'crop-resize': cropResize,
  'remove-frame': removeFrame,
  'remove-object': removeObject,
  'remove-text': removeText,
  'restore-old-photo': restoreOldPhoto,
  'enhance-face': enhanceFace,
  'remove-background': removeBackground,
  'replace-background': replaceBackground,
  'blur-background': blurBackground,
  'smart-crop': smartCrop,
  // The video pipeline (mediabunny, WebCodecs) loads with the first video job only.
  'video-enhance': async (params, ctx) =>
    (await import('./video-enhance/run.ts')).videoEnhance(params, ctx),
};

/** The run of an operation named at run time (a job's step), where this build has it. */
export function runOf(name: string): OperationRun | undefined {
  return Object.hasOwn(operationRuns, name) ? operationRuns[name as OperationName] : undefined;
}
