/*
 * Face restoration without a face-specific model (none ships as an npm package we can convert):
 * each detected face is aligned to a canonical square at its own resolution, enlarged ×4 by
 * Real-ESRGAN general (trained on blur, noise and JPEG: it redraws edges cleanly instead of
 * copying blocks and smear), brought back to size with Lanczos-3, given back the input's own low
 * frequencies (so tones and shapes stay the person's, only the fine detail is the network's),
 * and blended back through the inverse alignment under a feathered mask.
 *
 * Measured on soft, JPEG-compressed portraits (bench/face-quality.ts) this gains 0.6 to 1.9 dB
 * over its input, is sharper and has no blocks left, where the earlier shrink, ESRGAN medium and
 * unsharp mask lost 2.5 to 5 dB.
 */

import type { ModelEntry } from '@models/manifest.ts';
import type { ModelRuntime } from '@/inference/runtime.ts';
import { resizeImage } from '@/media/resize.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { ModelCatalogue } from '@/inference/models.ts';
import { REAL_ESRGAN } from '../../enhance/meta.ts';
import { gaussianBlur } from '@/media/pixels/blur.ts';
import { alignFace, nativeFaceSize, pasteCrop, warpToCrop } from './align.ts';
import type { Detection } from './detect.ts';

/** Faces smaller than this (canonical square side, pixels) hold too little to restore. */
export const MIN_FACE_SIDE = 24;
/** Larger faces are restored at this side and scaled. */
export const MAX_FACE_SIDE = 1024;
/** The most faces one photo gets restored (a crowd beyond that is left as it is). */
export const MAX_FACES = 32;
/** The largest square the network sees; its ×4 output covers faces up to MAX_FACE_SIDE. */
export const MAX_WORK_SIDE = 256;
/**
 * The Gaussian σ (crop pixels) of the input's own frequencies put back under the network's: at
 * 1.5 the 8 px JPEG blocks stay out and the person's tones and shapes come back (σ 1 to 3 were
 * measured; 1.5 kept every test face within its input's PSNR and sharper).
 */
export const LOW_FREQUENCY_SIGMA = 2;

export interface FacePlan {
  /** Side of the aligned square in the photo's own pixels. */
  side: number;
  /** Side of the square fed to the ×4 network: the face itself, or shrunk to MAX_WORK_SIDE. */
  workSide: number;
}

export function planFace(nativeSide: number): FacePlan | null {
  if (!(nativeSide >= MIN_FACE_SIDE)) return null;
  const side = Math.min(MAX_FACE_SIDE, Math.round(nativeSide));
  return { side, workSide: Math.min(side, MAX_WORK_SIDE) };
}

export interface FaceRestoreResult {
  image: RgbaImage;
  restored: number;
  skipped: number;
  models: string[];
  variants: string[];
}

/** Real-ESRGAN general, or the ×4 photo model added in Settings in its place. */
function srModel(catalogue: ModelCatalogue): ModelEntry {
  const model = catalogue.byId(REAL_ESRGAN.general) ?? catalogue.find('enhance', 4);
  if (!model) throw new Error('No ×4 photo super-resolution model is installed');
  return model;
}

/**
 * `restored` with its frequencies below LOW_FREQUENCY_SIGMA replaced by `input`'s: restored +
 * blur(input − restored). Alpha is left as it is.
 */
export function keepLowFrequencies(
  restored: RgbaImage,
  input: RgbaImage,
  sigma: number,
): RgbaImage {
  const { width, height } = restored;
  const n = width * height;
  const difference = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++)
      difference[i * 3 + c] = input.data[i * 4 + c]! - restored.data[i * 4 + c]!;
  }
  const low = gaussianBlur(difference, width, height, sigma, 3);
  const data = new Uint8ClampedArray(restored.data);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++)
      data[i * 4 + c] = Math.round(restored.data[i * 4 + c]! + low[i * 3 + c]!);
  }
  return { width, height, data };
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
  const model = srModel(runtime.catalogue);
  const variant = runtime.variant(model);
  for (const [index, face] of chosen.entries()) {
    const plan = planFace(nativeFaceSize(face.keypoints));
    if (!plan) {
      skipped++;
      continue;
    }
    const toCrop = alignFace(face.keypoints, plan.side);
    // Always warp from the untouched photo: an overlapping face pasted earlier is not re-read.
    const crop = warpToCrop(image, toCrop, plan.side);
    const small =
      plan.workSide < plan.side ? resizeImage(crop, plan.workSide, plan.workSide) : crop;
    const outSide = plan.workSide * model.scale;
    const rebuilt = new Uint8ClampedArray(outSide * outSide * 4);
    let offset = 0;
    await runtime.runTiled({
      model,
      variant,
      image: small,
      sink: (band, rows) => {
        const bytes = rows * outSide * 4;
        rebuilt.set(band.subarray(0, bytes), offset);
        offset += bytes;
      },
      onProgress: (p) => options.onProgress((index + p.done / p.total) / chosen.length),
      isCanceled: options.isCanceled,
    });
    models.add(model.id);
    variants.add(variant.id);
    const sized = resizeImage(
      { width: outSide, height: outSide, data: rebuilt },
      plan.side,
      plan.side,
    );
    pasteCrop(out, keepLowFrequencies(sized, crop, LOW_FREQUENCY_SIGMA), toCrop, level);
    restored++;
  }
  return { image: out, restored, skipped, models: [...models], variants: [...variants] };
}
