import { describe, expect, it } from 'vitest';
import { ParamError, resolveParams } from './operation.ts';
import { meta as enhance } from './operations/enhance/meta.ts';
import { outputName } from './output-name.ts';

describe('resolveParams against a meta', () => {
  it('accepts the allowed scales', () => {
    expect(resolveParams(enhance, { scale: 2 })).toEqual({ scale: 2 });
  });
  it('refuses a missing required value, a wrong value, a wrong type and an unknown key', () => {
    expect(() => resolveParams(enhance, {})).toThrow(/needs the parameter "scale"/);
    expect(() => resolveParams(enhance, { scale: 3 })).toThrow(/one of 2, 4/);
    expect(() => resolveParams(enhance, { scale: '4' })).toThrow(ParamError);
    expect(() => resolveParams(enhance, { scale: 4, sharpen: true })).toThrow(
      /no parameter "sharpen"/,
    );
  });
});

describe('outputName', () => {
  it('says what was done', () => {
    const input = { key: 'k', name: 'grandma 1952.jpeg', type: 'image/jpeg', bytes: 1 };
    expect(
      outputName({ input, spec: { operations: [{ type: 'enhance', params: { scale: 4 } }] } }),
    ).toBe('grandma 1952.enhance-x4.png');
    expect(
      outputName({
        input: { ...input, name: 'noext' },
        spec: { operations: [{ type: 'enhance', params: { scale: 2 } }] },
      }),
    ).toBe('noext.enhance-x2.png');
  });
});
