// Which file of a model the worker loads, and how an own model takes a built-in's place.

import { afterEach, describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../models/manifest.ts';
import { applyOwnModels, manifest, pickVariant, useFloat16Compute } from './models.ts';

afterEach(() => {
  useFloat16Compute(false);
  applyOwnModels([]);
});

const model = (id: string) => {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new Error(`${id} is not in the manifest: run npm run models`);
  return entry;
};

describe('pickVariant', () => {
  it('takes the first float32-compute file, the smallest that passed its PSNR bar', () => {
    const entry = model('esrgan-medium-x4');
    const variant = pickVariant(entry);
    expect(variant.compute).toBe('float32');
    for (const other of entry.variants.filter((v) => v.compute === 'float32')) {
      expect(variant.bytes).toBeLessThanOrEqual(other.bytes);
    }
  });

  it('takes the float16-compute file only once the runtime says shader-f16 is there', () => {
    const entry = model('esrgan-medium-x4');
    useFloat16Compute(true);
    expect(pickVariant(entry)).toMatchObject({ id: 'fp16', compute: 'float16' });
    useFloat16Compute(false);
    expect(pickVariant(entry).compute).toBe('float32');
  });

  it('falls back to float32 compute where a model has no float16-compute file', () => {
    const rife = manifest.interpolation.find((m) => m.id === 'rife-v4.6');
    expect(rife).toBeDefined();
    useFloat16Compute(true);
    expect(pickVariant(rife!).compute).toBe('float32');
  });
});

describe('applyOwnModels', () => {
  it('puts an own model in place of the built-ins of its operation and scale, and back', () => {
    const builtIn = model('esrgan-medium-x2');
    const own: ModelEntry = { ...builtIn, id: 'own-test', label: 'mine' };
    applyOwnModels([own]);
    const enhanceX2 = manifest.models.filter(
      (m) => m.operations.includes('enhance') && m.scale === 2,
    );
    expect(enhanceX2.map((m) => m.id)).toEqual(['own-test']);
    expect(manifest.models.some((m) => m.id === 'esrgan-medium-x4')).toBe(true);
    applyOwnModels([]);
    expect(manifest.models.some((m) => m.id === 'esrgan-medium-x2')).toBe(true);
    expect(manifest.models.some((m) => m.id === 'own-test')).toBe(false);
  });
});
