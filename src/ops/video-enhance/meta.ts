import type { OperationMeta } from '../operation.ts';
import {
  ARCHIVE_DENOISE_MODEL,
  CINEMATIC_DENOISE_MODEL,
  GENERAL_SR_MODEL,
  SOCIAL_BITRATE,
  SR_MODEL_FAMILY,
  type VideoPresetName,
  videoPresets,
} from './plan.ts';

/** What each preset does, as the API description, the README and the job list say it. */
export const presetDescriptions: Readonly<Record<VideoPresetName, string>> = {
  general: `Upscales every frame by upscale_factor with Real-ESRGAN (${GENERAL_SR_MODEL}: ×4, then resized to the factor), which also cleans compression blocks and noise.`,
  archive: `Deblocks and denoises every frame (waifu2x CUnet, ${ARCHIVE_DENOISE_MODEL}: compression blocking, ringing and noise), then upscales it by upscale_factor (${SR_MODEL_FAMILY}).`,
  cinematic: `Lightly denoises every frame (${CINEMATIC_DENOISE_MODEL}), upscales it by upscale_factor (${SR_MODEL_FAMILY}), then makes one new frame between every two by frame interpolation (RIFE 4.6 where its model is installed, otherwise an even blend of the two neighbours, which does not follow motion; the job names the one that ran): twice the frames at twice the frame rate, same duration.`,
  social: `Fits the picture whole inside 1080×1920 (portrait input) or 1080×1080 (landscape or square), centred on black bars (letterbox: nothing is cropped), encoded at a ${SOCIAL_BITRATE / 1_000_000} Mbit/s target. Super-resolution runs only as far as the format needs, at most upscale_factor; Lanczos-3 scales to the exact fit.`,
};

/** Shared by every preset: the container and what happens to audio. */
export const videoOutputNote =
  'The output keeps the input’s container (MP4, MOV or WebM) and its audio packets untouched; video is encoded with the first of H.264, VP9 or AV1 (WebM: VP9, AV1, VP8) that this browser’s encoder supports. With upscale_factor 1 no super-resolution runs.';

/**
 * The video dialect's one operation. The registry leaves it out of `operationMetas` (the image
 * operations): the UI's operation list and the image dialects must not offer it.
 */
export const meta: OperationMeta = {
  name: 'video-enhance',
  label: 'Enhance video',
  description: `Restores a video frame by frame on WebCodecs. ${videoOutputNote}`,
  params: {
    preset: {
      type: 'enum',
      label: 'Preset',
      help: Object.entries(presetDescriptions)
        .map(([name, text]) => `${name}: ${text}`)
        .join(' '),
      default: 'general',
      choices: videoPresets,
    },
    upscale_factor: {
      type: 'integer',
      label: 'Upscale factor',
      help: 'How many times wider and taller the frames become, 1 to 4 (1: no super-resolution).',
      default: 2,
      min: 1,
      max: 4,
    },
  },
  models: [
    GENERAL_SR_MODEL,
    `${SR_MODEL_FAMILY}-x2`,
    `${SR_MODEL_FAMILY}-x3`,
    `${SR_MODEL_FAMILY}-x4`,
    ARCHIVE_DENOISE_MODEL,
    CINEMATIC_DENOISE_MODEL,
  ],
  tag: (params) => `${String(params.preset)}-x${String(params.upscale_factor)}`,
};

/** A video job's spec: the one video operation with a preset and factor (defaults: general ×2). */
export function videoJobSpec(
  preset: VideoPresetName = 'general',
  upscale_factor = 2,
): { operations: { type: string; params: Record<string, unknown> }[] } {
  return { operations: [{ type: meta.name, params: { preset, upscale_factor } }] };
}

export function isVideoSpec(spec: { operations: readonly { type: string }[] }): boolean {
  return spec.operations.some((op) => op.type === meta.name);
}
