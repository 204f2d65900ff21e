import { describe, expect, it } from 'vitest';
import { resolveParams } from '../operation.ts';
import { extensionFor, outputName } from '@/engine/output-name.ts';
import { isVideoSpec, meta, presetDescriptions, videoJobSpec } from './meta.ts';
import { videoPresets } from './plan.ts';

describe('the video operation', () => {
  it('checks its preset and factor like any operation', () => {
    expect(resolveParams(meta, {})).toEqual({ preset: 'general', upscale_factor: 2 });
    expect(() => resolveParams(meta, { preset: 'vhs' })).toThrow(/preset must be one of/);
    expect(() => resolveParams(meta, { upscale_factor: 5 })).toThrow(/between 1 and 4/);
  });

  it('names its output by preset and factor, in the input’s container', () => {
    const job = { input: { name: 'holiday.mov' } as never, spec: videoJobSpec('archive', 3) };
    expect(outputName(job, extensionFor('video/quicktime'))).toBe('holiday.archive-x3.mov');
  });

  it('tells a video spec from an image one', () => {
    expect(isVideoSpec(videoJobSpec())).toBe(true);
    expect(isVideoSpec({ operations: [{ type: 'enhance' }] })).toBe(false);
  });

  it('describes every preset, and says when interpolation may be a blend', () => {
    expect(Object.keys(presetDescriptions).sort()).toEqual([...videoPresets].sort());
    expect(presetDescriptions.cinematic).toMatch(/RIFE 4\.6/);
    expect(presetDescriptions.cinematic).toMatch(/blend/);
    expect(presetDescriptions.social).toMatch(/1080×1920.*1080×1080/);
  });
});
