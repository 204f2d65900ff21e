import { describe, expect, it } from 'vitest';
import { resolveParams } from '../operation.ts';
import { PROMPT_REFUSAL, meta } from './meta.ts';

describe('replace-background parameters', () => {
  it('each background type reads its own parameter', () => {
    expect(resolveParams(meta, { background_type: 'color', background_color: '#12abEF' })).toEqual({
      background_type: 'color',
      background_color: '#12abEF',
      background_image_key: null,
      background_prompt: null,
    });
    expect(resolveParams(meta, { background_type: 'transparent' })).toMatchObject({
      background_type: 'transparent',
    });
    expect(() => resolveParams(meta, {})).toThrow(/needs the parameter "background_type"/);
    expect(() => resolveParams(meta, { background_type: 'color' })).toThrow(
      /"color" needs background_color/,
    );
    expect(() =>
      resolveParams(meta, { background_type: 'color', background_color: 'white' }),
    ).toThrow(/background_color must be #RRGGBB/);
    expect(() => resolveParams(meta, { background_type: 'image' })).toThrow(
      /needs background_image_key/,
    );
    expect(() =>
      resolveParams(meta, { background_type: 'transparent', background_color: '#000000' }),
    ).toThrow(/background_color is only read with background_type "color"/);
  });

  it('a prompt is refused when validated, naming the missing generative model', () => {
    expect(() =>
      resolveParams(meta, { background_type: 'prompt', background_prompt: 'a beach at dusk' }),
    ).toThrow(PROMPT_REFUSAL);
    expect(PROMPT_REFUSAL).toMatch(/text-to-image model/);
  });
});
