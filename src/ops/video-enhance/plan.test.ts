import { describe, expect, it } from 'vitest';
import {
  SOCIAL_BITRATE,
  codecPreference,
  codecStrings,
  frameProgress,
  letterbox,
  planVideo,
  socialFormat,
  socialSrFactor,
  targetBitrate,
} from './plan.ts';

const kinds = (preset: Parameters<typeof planVideo>[0], factor: number) =>
  planVideo(preset, factor, { width: 640, height: 360 }).steps.map((s) =>
    s.kind === 'fit' ? 'fit' : `${s.kind}:${s.model}`,
  );

describe('planVideo: each preset’s steps', () => {
  it('general upscales by the factor with Real-ESRGAN, and does nothing at ×1', () => {
    expect(kinds('general', 2)).toEqual(['upscale:realesr-general-x4v3']);
    expect(kinds('general', 4)).toEqual(['upscale:realesr-general-x4v3']);
    expect(planVideo('general', 2, { width: 640, height: 360 }).frame).toEqual({
      width: 1280,
      height: 720,
    });
    expect(kinds('general', 1)).toEqual([]);
  });

  it('archive deblocks and denoises before upscaling', () => {
    expect(kinds('archive', 3)).toEqual([
      'denoise:waifu2x-cunet-noise2',
      'upscale:esrgan-medium-x3',
    ]);
    expect(kinds('archive', 1)).toEqual(['denoise:waifu2x-cunet-noise2']);
  });

  it('cinematic denoises lightly, upscales and doubles the frames', () => {
    const plan = planVideo('cinematic', 2, { width: 640, height: 360 });
    expect(kinds('cinematic', 2)).toEqual([
      'denoise:waifu2x-cunet-noise1',
      'upscale:esrgan-medium-x2',
    ]);
    expect(plan.interpolate).toBe(true);
    expect(plan.frameMultiplier).toBe(2);
    expect(plan.frame).toEqual({ width: 1280, height: 720 });
    expect(planVideo('general', 2, { width: 640, height: 360 }).frameMultiplier).toBe(1);
  });

  it('sizes are the source times the factor, made even for the encoder', () => {
    const plan = planVideo('general', 3, { width: 101, height: 75 });
    expect(plan.frame).toEqual({ width: 303, height: 225 });
    expect(plan.encoded).toEqual({ width: 302, height: 224 });
  });

  it('refuses factors outside 1–4 and pictureless sources', () => {
    expect(() => planVideo('general', 5, { width: 64, height: 48 })).toThrow(/1 to 4/);
    expect(() => planVideo('general', 1.5, { width: 64, height: 48 })).toThrow(/whole/);
    expect(() => planVideo('general', 2, { width: 0, height: 48 })).toThrow(/no picture/);
  });
});

describe('social: fit to a format with bars', () => {
  it('portrait goes to 1080×1920, landscape and square to 1080×1080', () => {
    expect(socialFormat({ width: 720, height: 1280 })).toEqual({ width: 1080, height: 1920 });
    expect(socialFormat({ width: 1920, height: 1080 })).toEqual({ width: 1080, height: 1080 });
    expect(socialFormat({ width: 500, height: 500 })).toEqual({ width: 1080, height: 1080 });
  });

  it('letterbox keeps the whole picture, centred, at the largest size that fits', () => {
    expect(letterbox({ width: 1920, height: 1080 }, { width: 1080, height: 1080 })).toMatchObject({
      width: 1080,
      height: 608,
      x: 0,
      y: 236,
    });
    const tall = letterbox({ width: 480, height: 640 }, { width: 1080, height: 1920 });
    expect(tall).toMatchObject({ width: 1080, height: 1440, x: 0, y: 240 });
    // A picture of the format's own shape fills it.
    expect(letterbox({ width: 540, height: 960 }, { width: 1080, height: 1920 })).toMatchObject({
      width: 1080,
      height: 1920,
      x: 0,
      y: 0,
    });
  });

  it('runs SR only as far as the format needs, never past the factor', () => {
    // 640×360 into 1080×1080: needs 1.6875 → ×2 is enough even when ×4 is allowed.
    expect(socialSrFactor({ width: 640, height: 360 }, 4)).toBe(2);
    expect(socialSrFactor({ width: 64, height: 48 }, 3)).toBe(3);
    expect(socialSrFactor({ width: 1920, height: 1080 }, 4)).toBe(1);
    expect(socialSrFactor({ width: 64, height: 48 }, 1)).toBe(1);
    const plan = planVideo('social', 4, { width: 640, height: 360 });
    expect(plan.steps.map((s) => s.kind)).toEqual(['upscale', 'fit']);
    expect(plan.steps[0]).toMatchObject({ model: 'esrgan-medium-x2' });
    expect(plan.encoded).toEqual({ width: 1080, height: 1080 });
  });

  it('picks the format by the shape shown, for frames the container turns a quarter', () => {
    // A phone's portrait video: landscape frames, turned 90° for display.
    const plan = planVideo('social', 2, { width: 1280, height: 720, rotation: 90 });
    expect(plan.encoded).toEqual({ width: 1920, height: 1080 });
    expect(plan.steps.map((step) => step.kind)).toEqual(['upscale', 'fit']);
    expect(plan.steps[1]).toMatchObject({ width: 1920, height: 1080, x: 0, y: 0 });
    const upright = planVideo('social', 2, { width: 1280, height: 720, rotation: 180 });
    expect(upright.encoded).toEqual({ width: 1080, height: 1080 });
  });

  it('has its fixed bitrate; the others scale with pixels and rate within bounds', () => {
    expect(targetBitrate('social', { width: 1080, height: 1920 }, 30)).toBe(SOCIAL_BITRATE);
    expect(targetBitrate('general', { width: 1920, height: 1080 }, 30)).toBe(6_220_800);
    expect(targetBitrate('general', { width: 64, height: 48 }, 12)).toBe(300_000);
    expect(targetBitrate('general', { width: 7680, height: 4320 }, 60)).toBe(60_000_000);
    expect(targetBitrate('general', { width: 1920, height: 1080 }, Number.NaN)).toBe(6_220_800);
  });
});

describe('codecs', () => {
  it('prefers H.264 in MP4 and MOV, VP9 in WebM (which cannot hold H.264)', () => {
    expect(codecPreference('mp4')).toEqual(['avc', 'vp9', 'av1']);
    expect(codecPreference('mov')).toEqual(['avc', 'vp9', 'av1']);
    expect(codecPreference('webm')).toEqual(['vp9', 'av1', 'vp8']);
  });

  it('picks the lowest level that holds the size and rate', () => {
    expect(codecStrings('avc', { width: 128, height: 96 }, 24)).toEqual([
      'avc1.64001e',
      'avc1.4d001e',
      'avc1.42e01e',
    ]);
    expect(codecStrings('avc', { width: 1920, height: 1080 }, 30)[0]).toBe('avc1.640028');
    expect(codecStrings('avc', { width: 1920, height: 1080 }, 60)[0]).toBe('avc1.64002a');
    expect(codecStrings('avc', { width: 3840, height: 2160 }, 30)[0]).toBe('avc1.640033');
    expect(codecStrings('vp9', { width: 1920, height: 1080 }, 30)).toEqual(['vp09.00.40.08']);
    expect(codecStrings('av1', { width: 1280, height: 720 }, 30)).toEqual(['av01.0.05M.08']);
    expect(codecStrings('av1', { width: 128, height: 96 }, 24)).toEqual(['av01.0.00M.08']);
  });

  it('gives nothing for a size beyond every level', () => {
    expect(codecStrings('avc', { width: 16384, height: 16384 }, 30)).toEqual([]);
    expect(codecStrings('vp9', { width: 16384, height: 16384 }, 30)).toEqual([]);
  });
});

describe('frameProgress', () => {
  it('is done/total with an ETA from the measured rate', () => {
    expect(frameProgress(0, 24, 0)).toEqual({ fraction: 0, etaSeconds: null });
    expect(frameProgress(6, 24, 3)).toEqual({ fraction: 0.25, etaSeconds: 9 });
    expect(frameProgress(24, 24, 12)).toEqual({ fraction: 1, etaSeconds: 0 });
    expect(frameProgress(3, 0, 1)).toEqual({ fraction: 0, etaSeconds: null });
  });
});
