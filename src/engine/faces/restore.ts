/*
 * Face restoration without a face-specific model (none ships as an npm package we can convert):
 * each detected face is aligned to a canonical square at its own resolution, shrunk, rebuilt by
 * the photo super-resolution network (which redraws edges and texture cleanly rather than
 * copying blur and noise), crisped by a gentle unsharp mask, and blended back through the
 * inverse alignment under a feathered mask.
 */

import type { ModelRuntime } from '../../../workers/runtime.ts';
import { resizeImage } from '../../../workers/resize.ts';
import type { RgbaImage } from '../../../workers/tiler.ts';
import { findModel, pickVariant } from '../models.ts';
import { unsharpMask } from '../pixels/unsharp.ts';
import { alignFace, nativeFaceSize, pasteCrop, warpToCrop } from './align.ts';
import type { Detection } from './detect.ts';

/** Faces smaller than this (canonical square side, pixels) hold too little to restore. */
export const MIN_FACE_SIDE = 24;
/** Larger faces are restored at this side and scaled: the SR cost grows with the square. */
export const MAX_FACE_SIDE = 1024;
/** The most faces one photo gets restored (a crowd beyond that is left as it is). */
export const MAX_FACES = 32;

export interface FacePlan {
  /** Side of the aligned square in the photo's own pixels (rounded to a multiple of factor). */
  side: number;
  /** Super-resolution factor: the square is shrunk by it, then rebuilt by the ×factor model. */
  factor: 2 | 4;
  /** Side of the shrunk square fed to the model. */
  workSide: number;
}

/**
 * ×4 (the strongest rebuild) when the shrunk face still has ≥ 48 px; ×2 for smaller faces, so
 * the model always sees at least 12 px across the face.
 */
export function planFace(nativeSide: number): FacePlan | null {
  if (!(nativeSide >= MIN_FACE_SIDE)) return null;
  const target = Math.min(MAX_FACE_SIDE, Math.round(nativeSide));
  const factor: 2 | 4 = target >= 192 ? 4 : 2;
  const workSide = Math.max(12, Math.round(target / factor));
  return { side: workSide * factor, factor, workSide };
}

export interface FaceRestoreResult {
  image: RgbaImage;
  restored: number;
  skipped: number;
  models: string[];
  variants: string[];
}

/** The restoring network for a factor: the photo SR model the manifest lists for 'enhance'. */
function srModel(factor: number) {
  const model = findModel('enhance', factor);
  if (!model) throw new Error(`No photo super-resolution model for ×${factor} is installed`);
  return model;
}

export async function restoreFaces(options: {
  image: RgbaImage;
  faces: readonly Detection[];
  level: number;
  runtime: ModelRuntime;
  isCanceled(): boolean;
  onProgress(fraction: number): void;
}): Promise<FaceRestoreResult> {
  const { image, faces, level, runtime } = options;
  const out: RgbaImage = { ...image, data: new Uint8ClampedArray(image.data) };
  const models = new Set<string>();
  const variants = new Set<string>();
  let restored = 0;
  let skipped = 0;
  const chosen = faces.slice(0, MAX_FACES);
  skipped += faces.length - chosen.length;
  for (const [index, face] of chosen.entries()) {
    const plan = planFace(nativeFaceSize(face.keypoints));
    if (!plan) {
      skipped++;
      continue;
    }
    const toCrop = alignFace(face.keypoints, plan.side);
    // Always warp from the untouched photo: an overlapping face pasted earlier is not re-read.
    const crop = warpToCrop(image, toCrop, plan.side);
    const small = resizeImage(crop, plan.workSide, plan.workSide);
    const model = srModel(plan.factor);
    const variant = pickVariant(model);
    const rebuilt = new Uint8ClampedArray(plan.side * plan.side * 4);
    let offset = 0;
    await runtime.runTiled({
      model,
      variant,
      image: small,
      sink: (band, rows) => {
        const bytes = rows * plan.side * 4;
        rebuilt.set(band.subarray(0, bytes), offset);
        offset += bytes;
      },
      onProgress: (p) => options.onProgress((index + p.done / p.total) / chosen.length),
      isCanceled: options.isCanceled,
    });
    models.add(model.id);
    variants.add(variant.id);
    const detailed = unsharpMask({ width: plan.side, height: plan.side, data: rebuilt }, 1, 0.5);
    pasteCrop(out, detailed, toCrop, level);
    restored++;
  }
  return { image: out, restored, skipped, models: [...models], variants: [...variants] };
}
