import type { OperationMeta } from '../operation.ts';
import { meta as blurBackground } from './blur-background/meta.ts';
import { meta as enhanceFace } from './enhance-face/meta.ts';
import { meta as removeBackground } from './remove-background/meta.ts';
import { meta as replaceBackground } from './replace-background/meta.ts';
import { meta as smartCrop } from './smart-crop/meta.ts';
import { meta as compressOptimize } from './compress-optimize/meta.ts';
import { meta as convert } from './convert/meta.ts';
import { meta as cropResize } from './crop-resize/meta.ts';
import { meta as enhance } from './enhance/meta.ts';
import { meta as enhanceAnime } from './enhance-anime/meta.ts';
import { meta as denoise } from './denoise/meta.ts';
import { meta as deblur } from './deblur/meta.ts';
import { meta as removeFrame } from './remove-frame/meta.ts';
import { meta as removeObject } from './remove-object/meta.ts';
import { meta as removeText } from './remove-text/meta.ts';
import { meta as restoreOldPhoto } from './restore-old-photo/meta.ts';

/**
 * The metas alone, for code that validates or describes operations without running them
 * (the service worker, the API validators, the docs) and so must not pull in the workers.
 */
export const operationMetas: Readonly<Record<string, OperationMeta>> = {
  [enhance.name]: enhance,
  [enhanceAnime.name]: enhanceAnime,
  [denoise.name]: denoise,
  [deblur.name]: deblur,
  [convert.name]: convert,
  [compressOptimize.name]: compressOptimize,
  [cropResize.name]: cropResize,
  [removeFrame.name]: removeFrame,
  [removeObject.name]: removeObject,
  [removeText.name]: removeText,
  [restoreOldPhoto.name]: restoreOldPhoto,
  [enhanceFace.name]: enhanceFace,
  [removeBackground.name]: removeBackground,
  [replaceBackground.name]: replaceBackground,
  [blurBackground.name]: blurBackground,
  [smartCrop.name]: smartCrop,
};
