/*
 * Face restoration by an optional face model (GFPGAN, GPEN, CodeFormer, RestoreFormer++: see
 * models/catalog.ts). Each face found by our detector is aligned by its 5 keypoints onto the
 * FFHQ template at its own resolution, resampled (Lanczos) to the model's square (small faces
 * are upscaled there, before the model, not after), restored, colour-matched to the original
 * face, resampled back to the face's own size, and blended in through the inverse alignment under
 * a feathered mask, `level` of the way. Pixels the mask does not reach are never written.
 */

import type { CatalogEntry } from '@models/catalog.ts';
import { resizeImage } from '@/media/resize.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { ModelRunner } from '@/inference/optional/session.ts';
import {
  type Similarity,
  alignFace,
  applySimilarity,
  invertSimilarity,
  nativeFaceSize,
  pasteCrop,
  warpToCrop,
} from './align.ts';
import type { Detection } from './detect.ts';

/** Faces whose aligned square is smaller than this (px) hold too little to restore. */
const MIN_MODEL_FACE = 16;
/** Larger faces are aligned at this side at most, then resampled to the model's. */
const MAX_NATIVE_SIDE = 2048;
const MAX_MODEL_FACES = 32;
/** The outer fraction of the square over which the paste fades out. */
const FACE_FEATHER = 0.1;

export function scaleSimilarity(t: Similarity, k: number): Similarity {
  return { a: t.a * k, b: t.b * k, tx: t.tx * k, ty: t.ty * k };
}

/** The model's input tensor for an aligned face: NCHW, RGB or BGR, (p/255 − mean)/std. */
function faceTensor(face: RgbaImage, entry: CatalogEntry): Float32Array {
  const { mean, std, channelOrder } = entry.input;
  const n = face.width * face.height;
  const out = new Float32Array(3 * n);
  const order = channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[c * n + i] = (face.data[i * 4 + order[c]!]! / 255 - mean) / std;
  }
  return out;
}

/** The model's planar output back to RGBA (opaque), mapped from its range to 0..255. */
function faceFromTensor(data: Float32Array, side: number, entry: CatalogEntry): RgbaImage {
  const [lo, hi] = entry.output.range;
  const n = side * side;
  const out = new Uint8ClampedArray(n * 4);
  const order = entry.input.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      out[i * 4 + order[c]!] = Math.round(((data[c * n + i]! - lo) / (hi - lo)) * 255);
    }
    out[i * 4 + 3] = 255;
  }
  return { width: side, height: side, data: out };
}

/**
 * Shifts the restored face's mean colour onto the original's, measured over the inner half of
 * the square (the face itself, not its surroundings): restorers drift in white balance.
 */
function matchColour(restored: RgbaImage, original: RgbaImage): void {
  const side = restored.width;
  const from = Math.floor(side / 4);
  const to = Math.ceil((3 * side) / 4);
  const sum = [0, 0, 0, 0, 0, 0];
  let count = 0;
  for (let y = from; y < to; y++) {
    for (let x = from; x < to; x++) {
      const o = (y * side + x) * 4;
      for (let c = 0; c < 3; c++) {
        sum[c]! += restored.data[o + c]!;
        sum[c + 3]! += original.data[o + c]!;
      }
      count++;
    }
  }
  if (count === 0) return;
  const shift = [0, 1, 2].map((c) => (sum[c + 3]! - sum[c]!) / count);
  for (let i = 0; i < restored.data.length; i += 4) {
    for (let c = 0; c < 3; c++) restored.data[i + c] = restored.data[i + c]! + shift[c]!;
  }
}

export type FaceModelRunner = ModelRunner;

export interface PlacedFace {
  /** Where the centre of the aligned square lies in the photo, and its side there (px). */
  x: number;
  y: number;
  side: number;
}

export interface ModelFaceResult {
  image: RgbaImage;
  restored: PlacedFace[];
  skipped: number;
}

export async function restoreFacesWithModel(options: {
  image: RgbaImage;
  faces: readonly Detection[];
  level: number;
  runner: FaceModelRunner;
  isCanceled(): boolean;
  onProgress(fraction: number): void;
}): Promise<ModelFaceResult> {
  const { image, faces, level, runner } = options;
  const { entry } = runner;
  const size = entry.input.size ?? 512;
  const out: RgbaImage = { ...image, data: new Uint8ClampedArray(image.data) };
  const chosen = faces.slice(0, MAX_MODEL_FACES);
  let skipped = faces.length - chosen.length;
  const restored: PlacedFace[] = [];
  for (const [index, face] of chosen.entries()) {
    if (options.isCanceled()) break;
    const native = nativeFaceSize(face.keypoints);
    if (!(native >= MIN_MODEL_FACE)) {
      skipped++;
      continue;
    }
    const side = Math.min(MAX_NATIVE_SIDE, Math.round(native));
    const toCrop = alignFace(face.keypoints, side);
    // Always from the untouched photo: a face pasted earlier is not re-read by its neighbour.
    const crop = warpToCrop(image, toCrop, side);
    const input = resizeImage(crop, size, size);
    const feeds: Parameters<FaceModelRunner['run']>[0] = [
      { contract: entry.input.image, data: faceTensor(input, entry), dims: [1, 3, size, size] },
    ];
    if (entry.input.weight) {
      feeds.push({
        contract: entry.input.weight,
        data: Float64Array.of(entry.input.weight.value),
        dims: [1],
      });
    }
    const result = await runner.run(feeds);
    const rebuilt = faceFromTensor(result.data, size, entry);
    const back = resizeImage(rebuilt, side, side);
    matchColour(back, crop);
    pasteCrop(out, back, toCrop, level, FACE_FEATHER);
    const centre = applySimilarity(invertSimilarity(toCrop), { x: side / 2, y: side / 2 });
    restored.push({ x: centre.x, y: centre.y, side });
    options.onProgress((index + 1) / chosen.length);
  }
  return { image: out, restored, skipped };
}
