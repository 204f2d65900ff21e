// Which file of a model the worker loads, and how an own model takes a built-in's place.

import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '@models/manifest.ts';
import { ModelCatalogue, computeOf, manifest, pickVariant } from './models.ts';

const processor = computeOf({ backend: 'wasm', shaderF16: false });
const f16Gpu = computeOf({ backend: 'webgpu', shaderF16: true });

const model = (id: string) => {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new Error(`${id} is not in the manifest: run npm run models`);
  return entry;
};

describe('pickVariant', () => {
  it('takes the first float32-compute file, the smallest that passed its PSNR bar', () => {
    const entry = model('esrgan-medium-x4');
    const variant = pickVariant(entry, processor);
    expect(variant.compute).toBe('float32');
    for (const other of entry.variants.filter((v) => v.compute === 'float32')) {
      expect(variant.bytes).toBeLessThanOrEqual(other.bytes);
    }
  });

  it('takes the float16-compute file only on WebGPU with shader-f16', () => {
    const entry = model('esrgan-medium-x4');
    expect(pickVariant(entry, f16Gpu)).toMatchObject({ id: 'fp16', compute: 'float16' });
    expect(pickVariant(entry, computeOf({ backend: 'webgpu', shaderF16: false })).compute).toBe(
      'float32',
    );
    // A shader-f16 adapter that fell back to WASM computes in float32.
    expect(pickVariant(entry, computeOf({ backend: 'wasm', shaderF16: true })).compute).toBe(
      'float32',
    );
  });

  it('falls back to float32 compute where a model has no float16-compute file', () => {
    const rife = manifest.interpolation.find((m) => m.id === 'rife-v4.6');
    expect(rife).toBeDefined();
    expect(pickVariant(rife!, f16Gpu).compute).toBe('float32');
  });
});

describe('ModelCatalogue', () => {
  it('puts an own model in place of the built-ins of its operation and scale, and back', () => {
    const builtIn = model('esrgan-medium-x2');
    const own: ModelEntry = { ...builtIn, id: 'own-test', label: 'mine' };
    const catalogue = new ModelCatalogue([own]);
    const enhanceX2 = catalogue.models.filter(
      (m) => m.operations.includes('enhance') && m.scale === 2,
    );
    expect(enhanceX2.map((m) => m.id)).toEqual(['own-test']);
    expect(catalogue.find('enhance', 2)?.id).toBe('own-test');
    expect(catalogue.isOwn(own)).toBe(true);
    expect(catalogue.byId('esrgan-medium-x4')).toBeDefined();
    // The build's manifest is never changed: a catalogue without own models has the built-ins.
    const built = new ModelCatalogue();
    expect(built.byId('esrgan-medium-x2')).toBeDefined();
    expect(built.byId('own-test')).toBeUndefined();
    expect(manifest.models.some((m) => m.id === 'own-test')).toBe(false);
  });
});
