import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../e2e/support/images.ts';
import { ParamError, resolveParams } from '../operation.ts';
import { meta as removeObject } from '../remove-object/meta.ts';
import { meta as removeText } from '../remove-text/meta.ts';
import { meta } from './meta.ts';

const png = encodePng({ width: 1, height: 1, data: Uint8Array.of(255, 255, 255, 255) });
const mask = `data:image/png;base64,${btoa(String.fromCharCode(...png))}`;

describe('the inpainting operations’ parameters', () => {
  it('restore-old-photo: seed ranges, defaults, and colorization refused while no model is installed', () => {
    expect(resolveParams(meta, {})).toEqual({
      face_enhancement_level: 0.5,
      auto_repair_damage: true,
      color_boost: 1,
      enable_colorization: false,
      colorization_strength: 1,
      color_hints_data_url: null,
    });
    expect(() => resolveParams(meta, { color_boost: 2.5 })).toThrow(/between 1 and 2/);
    expect(() => resolveParams(meta, { face_enhancement_level: -0.1 })).toThrow(ParamError);
    const none = { operations: new Set(['enhance', 'denoise']) };
    expect(() => resolveParams(meta, { enable_colorization: true }, none)).toThrow(
      /needs a colorization model, and none is installed/,
    );
    const colorizer = { operations: new Set(['enhance', 'colorize']) };
    expect(resolveParams(meta, { enable_colorization: true }, colorizer)).toMatchObject({
      enable_colorization: true,
    });
    // Where the caller cannot know (the page's host, the embed), the run decides.
    expect(resolveParams(meta, { enable_colorization: true })).toMatchObject({
      enable_colorization: true,
    });
    // Painted colour hints colorize without a model.
    expect(
      resolveParams(meta, { enable_colorization: true, color_hints_data_url: mask }, none),
    ).toMatchObject({ enable_colorization: true, color_hints_data_url: mask });
    expect(() => resolveParams(meta, { color_hints_data_url: 'hints.png' })).toThrow(
      /must be a data: URL/,
    );
  });
  it('remove-object: a mask data URL is required', () => {
    expect(resolveParams(removeObject, { mask_data_url: mask })).toEqual({ mask_data_url: mask });
    expect(() => resolveParams(removeObject, {})).toThrow(/needs the parameter "mask_data_url"/);
    expect(() => resolveParams(removeObject, { mask_data_url: null })).toThrow(/required/);
    expect(() => resolveParams(removeObject, { mask_data_url: 'mask.png' })).toThrow(
      /must be a data: URL/,
    );
  });
  it('remove-text: auto_detect defaults to true; without it a mask is required', () => {
    expect(resolveParams(removeText, {})).toEqual({ auto_detect: true, mask_data_url: null });
    expect(() => resolveParams(removeText, { auto_detect: false })).toThrow(
      /mask_data_url is required when auto_detect is false/,
    );
    expect(resolveParams(removeText, { auto_detect: false, mask_data_url: mask })).toMatchObject({
      auto_detect: false,
    });
  });
});
