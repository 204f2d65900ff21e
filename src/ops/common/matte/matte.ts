/*
 * The subject's alpha matte from ISNet (manifest task 'matting'), once per image: the photo
 * stretched to the model's square input as DIS trained it, the soft output resized back with a
 * bicubic kernel (area-averaged when shrinking), and, where that meant enlarging the matte, a
 * light guided filter that snaps its edges to the full-resolution photo. Never thresholded.
 */

import type { ModelRuntime } from '@/inference/runtime.ts';
import type { RgbaImage } from '@/media/image.ts';
import {
  findAnalysisModel,
  fixedInputSize,
  pickAnalysisVariant,
  toInputTensor,
} from '@/inference/analysis-models.ts';
import { guidedFilter, lumaPlane } from '@/media/pixels/guided-filter.ts';
import { resizePlane } from '@/media/pixels/resample.ts';
import { resizeImage } from '@/media/resize.ts';

export interface Matte {
  /** Opacity of the subject, 0..1, one value per pixel of the image. */
  alpha: Float32Array;
  model: string;
  variant: string;
  /** What was done to the model's output, for the engine record. */
  steps: string[];
}

/** Only matte enlarged by more than this gets the guided filter. */
export const REFINE_ABOVE_SCALE = 1.5;

/**
 * Guided-filter refinement for a matte enlarged `scale` times: a window a little wider than one
 * model pixel, and a small eps so edges of the photo win over the matte's soft upsampled ramp.
 */
export function refineMatte(image: RgbaImage, alpha: Float32Array, scale: number): Float32Array {
  const r = Math.max(2, Math.ceil(scale * 1.5));
  const refined = guidedFilter(
    lumaPlane(image.data, image.width * image.height),
    alpha,
    image.width,
    image.height,
    r,
    1e-3,
  );
  for (let i = 0; i < refined.length; i++) refined[i] = Math.min(1, Math.max(0, refined[i]!));
  return refined;
}

/**
 * The last matte made, by the photo's SHA-256: people try several backgrounds (remove, replace,
 * blur) on one photo in a row, and ISNet is the slow part of each. One entry keeps memory to one
 * matte (4 bytes a pixel), and only for photos up to 16 MP.
 */
let lastMatte: { key: string; matte: Matte } | null = null;
const CACHE_MAX_PIXELS = 16_000_000;

async function photoKey(image: RgbaImage, variant: string): Promise<string> {
  const { data } = image;
  // A shared buffer cannot be hashed in place.
  const bytes =
    data.buffer instanceof ArrayBuffer
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${variant} ${image.width}×${image.height} ${hex}`;
}

/** The matte of `image`, reused when the previous job asked for the same photo. */
export async function computeMatte(
  image: RgbaImage,
  runtime: ModelRuntime,
  onStage: (fraction: number) => void = () => {},
): Promise<Matte> {
  const entry = findAnalysisModel('matting');
  const key =
    entry && image.width * image.height <= CACHE_MAX_PIXELS
      ? await photoKey(image, pickAnalysisVariant(entry).id)
      : null;
  if (key && lastMatte?.key === key) {
    const { matte } = lastMatte;
    onStage(0.9);
    return {
      ...matte,
      alpha: matte.alpha.slice(),
      steps: [...matte.steps, 'reused from the previous job on the same photo'],
    };
  }
  const matte = await runMatte(image, runtime, onStage);
  lastMatte = key ? { key, matte: { ...matte, alpha: matte.alpha.slice() } } : null;
  return matte;
}

async function runMatte(
  image: RgbaImage,
  runtime: ModelRuntime,
  onStage: (fraction: number) => void,
): Promise<Matte> {
  const entry = findAnalysisModel('matting');
  if (!entry) throw new Error('No background-removal (matting) model is installed in this build');
  const variant = pickAnalysisVariant(entry);
  const { width: size, height: sizeY } = fixedInputSize(entry);
  const output = entry.outputs[0];
  if (!output) throw new Error(`The model ${entry.id} lists no output`);
  const input = toInputTensor(entry, resizeImage(image, size, sizeY));
  onStage(0.05);
  const results = await runtime.runWhole(
    variant,
    { [entry.input.name]: { data: input, dims: [1, 3, sizeY, size] } },
    [output.name],
  );
  onStage(0.9);
  const raw = results[output.name];
  if (!raw) throw new Error(`The model ${entry.id} gave no output named ${output.name}`);
  const steps = [`${entry.id} ${size}×${sizeY}`, 'bicubic resize'];
  let alpha = resizePlane(
    Float32Array.from(raw.data),
    size,
    sizeY,
    image.width,
    image.height,
    'bicubic',
  );
  const scale = Math.max(image.width / size, image.height / sizeY);
  if (scale > REFINE_ABOVE_SCALE) {
    alpha = refineMatte(image, alpha, scale);
    steps.push('guided-filter edge refinement (He et al. 2010)');
  }
  // A pixel the input already had transparent is not subject.
  const data = image.data;
  for (let i = 0; i < alpha.length; i++) alpha[i]! *= data[i * 4 + 3]! / 255;
  return { alpha, model: entry.id, variant: variant.id, steps };
}
