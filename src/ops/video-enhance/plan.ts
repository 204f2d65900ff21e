/**
 * What a video preset does to each frame, and the sizes, frame rate, codecs and bitrate of the
 * result. Pure: the video worker (src/ops/video-enhance/run.ts) runs what this plans.
 *
 * The presets (also in the README and the API description, from `presetDescriptions`):
 * - general: super-resolution by `upscale_factor`.
 * - archive: the waifu2x CUnet level-2 pass (removes blocking, ringing and noise: deblock and
 *   denoise in one network), then super-resolution by `upscale_factor`.
 * - cinematic: the CUnet level-1 pass (light denoise), super-resolution by `upscale_factor`, then
 *   one new frame between every two (frame interpolation): twice the frames, twice the rate.
 * - social: fitted, whole, inside 1080×1920 (portrait input) or 1080×1080 (landscape or square),
 *   black bars filling the rest (letterbox: nothing is cropped), at a 5 Mbit/s target. The
 *   picture is super-resolved only as far as the format needs, never past `upscale_factor`, and
 *   Lanczos-3 scales it to the exact fit.
 * With `upscale_factor` 1 no super-resolution runs.
 */

export const videoPresets = ['cinematic', 'social', 'archive', 'general'] as const;
export type VideoPresetName = (typeof videoPresets)[number];

/** The faithful photo SR family (idealo RDN); ×2/×3/×4 models exist, all one tile cost. */
export const SR_MODEL_FAMILY = 'esrgan-medium';
/**
 * The general preset's upscaler: Real-ESRGAN general, ×4 only, its frames resized (Lanczos-3)
 * to the factor asked. It cleans compression blocks and noise as it enlarges, where ESRGAN
 * medium enlarges them.
 */
export const GENERAL_SR_MODEL = 'realesr-general-x4v3';
export const ARCHIVE_DENOISE_MODEL = 'waifu2x-cunet-noise2';
export const CINEMATIC_DENOISE_MODEL = 'waifu2x-cunet-noise1';

export const SOCIAL_PORTRAIT = { width: 1080, height: 1920 } as const;
export const SOCIAL_SQUARE = { width: 1080, height: 1080 } as const;
export const SOCIAL_BITRATE = 5_000_000;

export type FrameStep =
  | { kind: 'denoise'; model: string }
  | { kind: 'upscale'; model: string; scale: number }
  | { kind: 'fit'; width: number; height: number; x: number; y: number; canvas: Size };

export interface Size {
  width: number;
  height: number;
}

export interface VideoPlan {
  /** Run on every decoded frame, in order. */
  steps: FrameStep[];
  /** Whether a new frame is made between every two (the frame count and rate double). */
  interpolate: boolean;
  /** The processed frame's size before it is made even for the encoder. */
  frame: Size;
  /** What the encoder gets: `frame` with an odd last column or row dropped (4:2:0 needs even). */
  encoded: Size;
  /** Output frames per input frame. */
  frameMultiplier: 1 | 2;
}

export interface SourceVideo {
  /** The frames as decoded (square pixels, before the container's rotation). */
  width: number;
  height: number;
  /** Clockwise degrees the container says to turn the frames for display; the output keeps it. */
  rotation?: 0 | 90 | 180 | 270;
}

/** The social format for a picture of this shape: portrait goes tall, anything else square. */
export function socialFormat(source: Size): Size {
  return source.height > source.width ? SOCIAL_PORTRAIT : SOCIAL_SQUARE;
}

/**
 * Where a picture of `size` lands inside `canvas`, as large as fits whole, centred: the rest is
 * bars. Sides are rounded to whole pixels, and to even offsets so chroma does not straddle a bar.
 */
export function letterbox(size: Size, canvas: Size): FrameStep & { kind: 'fit' } {
  const scale = Math.min(canvas.width / size.width, canvas.height / size.height);
  const width = Math.max(1, Math.min(canvas.width, Math.round(size.width * scale)));
  const height = Math.max(1, Math.min(canvas.height, Math.round(size.height * scale)));
  const x = 2 * Math.floor((canvas.width - width) / 4);
  const y = 2 * Math.floor((canvas.height - height) / 4);
  return { kind: 'fit', width, height, x, y, canvas: { ...canvas } };
}

/**
 * The SR factor social runs: enough to reach the format (the next whole factor at or above the
 * fit's scale), never more than asked, and none when the fit shrinks the picture anyway.
 */
export function socialSrFactor(source: Size, factor: number): number {
  const canvas = socialFormat(source);
  const needed = Math.min(canvas.width / source.width, canvas.height / source.height);
  if (needed <= 1 || factor <= 1) return 1;
  return Math.min(factor, Math.ceil(needed - 1e-9));
}

/** Super-resolution to `scale`: by the faithful model of that scale, or by `model` and a resize. */
function srStep(scale: number, model = `${SR_MODEL_FAMILY}-x${scale}`): FrameStep[] {
  return scale > 1 ? [{ kind: 'upscale', model, scale }] : [];
}

const even = (n: number) => Math.max(2, n - (n % 2));

export function planVideo(preset: VideoPresetName, factor: number, source: SourceVideo): VideoPlan {
  if (!Number.isInteger(factor) || factor < 1 || factor > 4)
    throw new RangeError(`upscale_factor must be a whole number from 1 to 4 (got ${factor})`);
  if (source.width < 1 || source.height < 1)
    throw new RangeError(`The video has no picture (${source.width}×${source.height})`);
  const steps: FrameStep[] = [];
  let frame: Size = { width: source.width * factor, height: source.height * factor };
  switch (preset) {
    case 'general':
      steps.push(...srStep(factor, GENERAL_SR_MODEL));
      break;
    case 'archive':
      steps.push({ kind: 'denoise', model: ARCHIVE_DENOISE_MODEL }, ...srStep(factor));
      break;
    case 'cinematic':
      steps.push({ kind: 'denoise', model: CINEMATIC_DENOISE_MODEL }, ...srStep(factor));
      break;
    case 'social': {
      // The format suits the picture as shown; frames are turned only at display, so a
      // quarter-turned video gets the format turned the same way.
      const turned = source.rotation === 90 || source.rotation === 270;
      const shown = turned ? { width: source.height, height: source.width } : source;
      const format = socialFormat(shown);
      const canvas = turned ? { width: format.height, height: format.width } : format;
      const sr = socialSrFactor(shown, factor);
      steps.push(...srStep(sr));
      steps.push(letterbox({ width: source.width * sr, height: source.height * sr }, canvas));
      frame = { ...canvas };
      break;
    }
  }
  const interpolate = preset === 'cinematic';
  return {
    steps,
    interpolate,
    frame,
    encoded: { width: even(frame.width), height: even(frame.height) },
    frameMultiplier: interpolate ? 2 : 1,
  };
}

/**
 * Target bitrate: social's fixed target, else 0.1 bit per pixel per frame (about 6 Mbit/s for
 * 1080p at 30 fps, what H.264 needs for a clean picture), kept between 300 kbit/s and 60 Mbit/s.
 */
export function targetBitrate(
  preset: VideoPresetName,
  size: Size,
  framesPerSecond: number,
): number {
  if (preset === 'social') return SOCIAL_BITRATE;
  const fps = Number.isFinite(framesPerSecond) && framesPerSecond > 0 ? framesPerSecond : 30;
  const bits = Math.round(size.width * size.height * fps * 0.1);
  return Math.min(60_000_000, Math.max(300_000, bits));
}

export type Container = 'mp4' | 'mov' | 'webm';
export type VideoCodecName = 'avc' | 'vp9' | 'av1' | 'vp8';

/**
 * Codecs to try, best first, for the container the input came in (the output keeps it).
 * MP4 and MOV: H.264 plays everywhere, then VP9, then AV1 (slowest to encode on a CPU).
 * WebM cannot hold H.264: VP9, then AV1, then VP8.
 */
export function codecPreference(container: Container): VideoCodecName[] {
  return container === 'webm' ? ['vp9', 'av1', 'vp8'] : ['avc', 'vp9', 'av1'];
}

// H.264 levels (ITU-T H.264 table A-1): max frame size and rate in 16×16 macroblocks.
const avcLevels: readonly { idc: number; frame: number; rate: number }[] = [
  { idc: 30, frame: 1620, rate: 40_500 },
  { idc: 31, frame: 3600, rate: 108_000 },
  { idc: 32, frame: 5120, rate: 216_000 },
  { idc: 40, frame: 8192, rate: 245_760 },
  { idc: 42, frame: 8704, rate: 522_240 },
  { idc: 50, frame: 22_080, rate: 589_824 },
  { idc: 51, frame: 36_864, rate: 983_040 },
  { idc: 52, frame: 36_864, rate: 2_073_600 },
  { idc: 60, frame: 139_264, rate: 4_177_920 },
  { idc: 61, frame: 139_264, rate: 8_355_840 },
  { idc: 62, frame: 139_264, rate: 16_711_680 },
];

// VP9 levels (VP9 bitstream annex A): max luma picture size and samples per second.
const vp9Levels: readonly { code: string; picture: number; rate: number }[] = [
  { code: '10', picture: 36_864, rate: 829_440 },
  { code: '11', picture: 73_728, rate: 2_764_800 },
  { code: '20', picture: 122_880, rate: 4_608_000 },
  { code: '21', picture: 245_760, rate: 9_216_000 },
  { code: '30', picture: 552_960, rate: 20_736_000 },
  { code: '31', picture: 983_040, rate: 36_864_000 },
  { code: '40', picture: 2_228_224, rate: 83_558_400 },
  { code: '41', picture: 2_228_224, rate: 160_432_128 },
  { code: '50', picture: 8_912_896, rate: 311_951_360 },
  { code: '51', picture: 8_912_896, rate: 588_251_136 },
  { code: '52', picture: 8_912_896, rate: 1_176_502_272 },
  { code: '60', picture: 35_651_584, rate: 1_176_502_272 },
  { code: '61', picture: 35_651_584, rate: 2_353_004_544 },
  { code: '62', picture: 35_651_584, rate: 4_706_009_088 },
];

// AV1 levels (AV1 spec annex A): seq_level_idx, max picture size and display rate.
const av1Levels: readonly { idx: number; picture: number; rate: number }[] = [
  { idx: 0, picture: 147_456, rate: 4_423_680 },
  { idx: 1, picture: 278_784, rate: 8_363_520 },
  { idx: 4, picture: 665_856, rate: 19_975_680 },
  { idx: 5, picture: 1_065_024, rate: 31_950_720 },
  { idx: 8, picture: 2_359_296, rate: 70_778_880 },
  { idx: 9, picture: 2_359_296, rate: 141_557_760 },
  { idx: 12, picture: 8_912_896, rate: 267_386_880 },
  { idx: 13, picture: 8_912_896, rate: 534_773_760 },
  { idx: 14, picture: 8_912_896, rate: 1_069_547_520 },
  { idx: 16, picture: 35_651_584, rate: 1_069_547_520 },
  { idx: 17, picture: 35_651_584, rate: 2_139_095_040 },
  { idx: 18, picture: 35_651_584, rate: 4_278_190_080 },
];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/**
 * The WebCodecs codec strings to ask `isConfigSupported` about for one codec, best first, at the
 * lowest level that holds this size and rate; empty when no level does (too large for the codec).
 * H.264: High, then Main, then Constrained Baseline profile.
 */
export function codecStrings(codec: VideoCodecName, size: Size, fps: number): string[] {
  const rate = Number.isFinite(fps) && fps > 0 ? fps : 30;
  const samples = size.width * size.height;
  switch (codec) {
    case 'avc': {
      const mbs = Math.ceil(size.width / 16) * Math.ceil(size.height / 16);
      // A side may not exceed sqrt(8 × MaxFS) macroblocks (A.3.1 f/g).
      const side = Math.max(Math.ceil(size.width / 16), Math.ceil(size.height / 16));
      const level = avcLevels.find(
        (l) => mbs <= l.frame && mbs * rate <= l.rate && side * side <= 8 * l.frame,
      );
      if (!level) return [];
      return ['640000', '4d0000', '42e000'].map(
        (profile) => `avc1.${profile.slice(0, 4)}${hex2(level.idc)}`,
      );
    }
    case 'vp9': {
      const level = vp9Levels.find((l) => samples <= l.picture && samples * rate <= l.rate);
      return level ? [`vp09.00.${level.code}.08`] : [];
    }
    case 'av1': {
      const level = av1Levels.find((l) => samples <= l.picture && samples * rate <= l.rate);
      return level ? [`av01.0.${String(level.idx).padStart(2, '0')}M.08`] : [];
    }
    case 'vp8':
      return samples <= 16384 * 16384 ? ['vp8'] : [];
  }
}

/** Progress of a stream of frames and the time left at the rate measured so far. */
export function frameProgress(
  done: number,
  total: number,
  elapsedSeconds: number,
): { fraction: number; etaSeconds: number | null } {
  if (total <= 0) return { fraction: 0, etaSeconds: null };
  const fraction = Math.min(1, Math.max(0, done / total));
  if (done <= 0 || elapsedSeconds <= 0) return { fraction, etaSeconds: null };
  const perFrame = elapsedSeconds / done;
  return { fraction, etaSeconds: Math.max(0, Math.round(perFrame * (total - done))) };
}
