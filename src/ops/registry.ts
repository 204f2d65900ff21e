import type { OperationMeta } from './operation.ts';
import { meta as blurBackground } from './blur-background/meta.ts';
import { meta as compressOptimize } from './compress-optimize/meta.ts';
import { meta as convert } from './convert/meta.ts';
import { meta as cropResize } from './crop-resize/meta.ts';
import { meta as deblur } from './deblur/meta.ts';
import { meta as denoise } from './denoise/meta.ts';
import { meta as enhance } from './enhance/meta.ts';
import { meta as enhanceAnime } from './enhance-anime/meta.ts';
import { meta as enhanceFace } from './enhance-face/meta.ts';
import { meta as removeBackground } from './remove-background/meta.ts';
import { meta as removeFrame } from './remove-frame/meta.ts';
import { meta as removeObject } from './remove-object/meta.ts';
import { meta as removeText } from './remove-text/meta.ts';
import { meta as replaceBackground } from './replace-background/meta.ts';
import { meta as restoreOldPhoto } from './restore-old-photo/meta.ts';
import { meta as smartCrop } from './smart-crop/meta.ts';
import { meta as videoEnhance } from './video-enhance/meta.ts';

/**
 * Every operation this build runs, by name: the one list. The worker's runs (runs.ts) and the
 * page's operations (engine/operations.ts) are typed against it, and registry.test.ts checks it
 * against the folders. Metas are data, so the service worker bundles this without any run.
 * Adding an operation is adding a folder and a line here (and one in runs.ts).
 */
export const registry = {
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
  'video-enhance': videoEnhance,
} as const satisfies Readonly<Record<string, OperationMeta>>;

export type OperationName = keyof typeof registry;

/** The video dialect's operation: it has its own API and no image UI or image dialect. */
const VIDEO: OperationName = 'video-enhance';

/**
 * The image operations, for code that validates or describes them (the operations dialect, the
 * embed protocol, the app's cards and docs): every operation but video.
 */
export const operationMetas: Readonly<Record<string, OperationMeta>> = Object.fromEntries(
  Object.entries(registry).filter(([name]) => name !== VIDEO),
);
