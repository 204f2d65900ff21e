import { compressOptimize } from './compress-optimize/worker.ts';
import { convert } from './convert/worker.ts';
import { cropResize } from './crop-resize/worker.ts';
import { enhance } from './enhance/worker.ts';
import { enhanceAnime } from './enhance-anime/worker.ts';
import { denoise } from './denoise/worker.ts';
import { deblur } from './deblur/worker.ts';
import { removeFrame } from './remove-frame/worker.ts';
import { removeObject } from './remove-object/worker.ts';
import { removeText } from './remove-text/worker.ts';
import { restoreOldPhoto } from './restore-old-photo/worker.ts';
import type { OpWorker } from './worker-context.ts';
import { blurBackground } from './blur-background/worker.ts';
import { enhanceFace } from './enhance-face/worker.ts';
import { removeBackground } from './remove-background/worker.ts';
import { replaceBackground } from './replace-background/worker.ts';
import { smartCrop } from './smart-crop/worker.ts';

/** The worker side of every operation, by name: what the inference worker can run. */
export const operationWorkers: Readonly<Record<string, OpWorker>> = {
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
    (await import('../../../workers/video.ts')).videoEnhance(params, ctx),
};
