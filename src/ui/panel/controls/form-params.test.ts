import { describe, expect, it } from 'vitest';
import { resolveParams } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import { formParams, isShown, sameParams } from './form-params.ts';

const background = operationMetas['replace-background']!;

describe('formParams', () => {
  it('starts a colour background on white, which the API accepts as it is', () => {
    const params = formParams(background, { background_type: 'color' });
    expect(params).toEqual({ background_type: 'color', background_color: '#FFFFFF' });
    expect(() => resolveParams(background, params)).not.toThrow();
    // The API itself keeps asking for the colour: the default is the form's, not the API's.
    expect(() => resolveParams(background, { background_type: 'color' })).toThrow(
      /needs background_color/,
    );
  });

  it('drops what the chosen background does not read, so switching type never fails', () => {
    const params = formParams(background, {
      background_type: 'transparent',
      background_color: '#123456',
    });
    expect(params).toEqual({ background_type: 'transparent' });
    expect(() => resolveParams(background, params)).not.toThrow();
    expect(isShown(background, { background_type: 'image' }, 'background_image_key')).toBe(true);
    expect(isShown(background, { background_type: 'image' }, 'background_color')).toBe(false);
  });

  it('keeps a value the person chose', () => {
    const chosen = { background_type: 'color', background_color: '#20C040' };
    expect(formParams(background, chosen)).toEqual(chosen);
  });

  it('starts crop & resize on the whole photo, which runs', () => {
    const crop = operationMetas['crop-resize']!;
    const params = formParams(crop, {});
    expect(params).toEqual({ crop: { percentage: [0, 0, 100, 100] } });
    expect(() => resolveParams(crop, params)).not.toThrow();
  });

  it('compares parameter sets by what they send', () => {
    expect(sameParams({ a: 1, b: [1] }, { b: [1], a: 1 })).toBe(true);
    expect(sameParams({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
