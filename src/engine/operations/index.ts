import type { OperationModule } from '../operation.ts';
import { blurBackground } from './blur-background/index.ts';
import { enhanceFace } from './enhance-face/index.ts';
import { removeBackground } from './remove-background/index.ts';
import { replaceBackground } from './replace-background/index.ts';
import { smartCrop } from './smart-crop/index.ts';
import { compressOptimize } from './compress-optimize/index.ts';
import { convert } from './convert/index.ts';
import { cropResize } from './crop-resize/index.ts';
import { enhance } from './enhance/index.ts';
import { enhanceAnime } from './enhance-anime/index.ts';
import { denoise } from './denoise/index.ts';
import { deblur } from './deblur/index.ts';
import { removeFrame } from './remove-frame/index.ts';
import { removeObject } from './remove-object/index.ts';
import { removeText } from './remove-text/index.ts';
import { restoreOldPhoto } from './restore-old-photo/index.ts';
import { videoEnhance } from '../video/index.ts';

/** Every operation the engine runs, by name. Adding an operation is adding a folder and a line. */
export const operations: Readonly<Record<string, OperationModule>> = {
  [enhance.meta.name]: enhance,
  [enhanceAnime.meta.name]: enhanceAnime,
  [denoise.meta.name]: denoise,
  [deblur.meta.name]: deblur,
  [convert.meta.name]: convert,
  [compressOptimize.meta.name]: compressOptimize,
  [cropResize.meta.name]: cropResize,
  [removeFrame.meta.name]: removeFrame,
  [removeObject.meta.name]: removeObject,
  [removeText.meta.name]: removeText,
  [restoreOldPhoto.meta.name]: restoreOldPhoto,
  [enhanceFace.meta.name]: enhanceFace,
  [removeBackground.meta.name]: removeBackground,
  [replaceBackground.meta.name]: replaceBackground,
  [blurBackground.meta.name]: blurBackground,
  [smartCrop.meta.name]: smartCrop,
  // The video dialect's operation; deliberately absent from metas.ts (no image UI or dialect).
  [videoEnhance.meta.name]: videoEnhance,
};
