import { describe, expect, it } from 'vitest';
import { type OperationMeta, ParamError, resolveParams } from './operation.ts';
import { meta as enhance } from './enhance/meta.ts';
import { extensionFor, outputName } from '@/engine/output-name.ts';

describe('resolveParams against a meta', () => {
  it('accepts the allowed scales', () => {
    expect(resolveParams(enhance, { scale: 2 })).toEqual({ scale: 2, model: 'auto' });
    // Presets are what the UI offers; every scale in the range is allowed (×6 from ×4, resized).
    expect(resolveParams(enhance, { scale: 6, model: 'faithful' })).toEqual({
      scale: 6,
      model: 'faithful',
    });
    expect(() => resolveParams(enhance, { scale: 4, model: 'esrgan' })).toThrow(
      /model must be one of auto, real-esrgan, best, faithful/,
    );
  });
  it('refuses a missing required value, a wrong value, a wrong type and an unknown key', () => {
    expect(() => resolveParams(enhance, {})).toThrow(/needs the parameter "scale"/);
    expect(() => resolveParams(enhance, { scale: 9 })).toThrow(/between 2 and 8/);
    expect(() => resolveParams(enhance, { scale: 2.5 })).toThrow(/whole number/);
    expect(() => resolveParams(enhance, { scale: '4' })).toThrow(ParamError);
    expect(() => resolveParams(enhance, { scale: 4, sharpen: true })).toThrow(
      /no parameter "sharpen"/,
    );
  });
});

describe('outputName', () => {
  it('takes the extension of what was produced', () => {
    const input = { key: 'k', name: 'scan.png', type: 'image/png', bytes: 1 };
    const spec = { operations: [{ type: 'enhance', params: { scale: 2 } }] };
    expect(outputName({ input, spec }, extensionFor('image/webp'))).toBe('scan.enhance-x2.webp');
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('application/x-unknown')).toBe('png');
  });

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

describe('json parameters and rules across parameters', () => {
  const meta: OperationMeta = {
    name: 'demo',
    label: 'Demo',
    description: '',
    models: [],
    tag: () => 'demo',
    params: {
      box: {
        type: 'json',
        label: 'Box',
        help: '',
        default: null,
        schema: { type: 'array' },
        validate: (v) => (Array.isArray(v) && v.length === 2 ? null : 'must be two numbers'),
      },
      flag: { type: 'boolean', label: 'Flag', help: '', default: false },
    },
    check: (p) => (p.box === null && !p.flag ? 'needs box or flag' : null),
  };

  it('checks a json value with its own function; null means absent', () => {
    expect(resolveParams(meta, { box: [1, 2] })).toEqual({ box: [1, 2], flag: false });
    expect(resolveParams(meta, { box: null, flag: true })).toEqual({ box: null, flag: true });
    expect(() => resolveParams(meta, { box: [1] })).toThrow('demo.box must be two numbers');
  });

  it('applies the meta’s own rule after each value passed', () => {
    expect(() => resolveParams(meta, {})).toThrow('demo: needs box or flag');
  });
});
