// Which photo model each choice runs, on a CPU and on a real GPU, and how a model added in
// Settings takes the place of the built-in ones of its scale.

import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '@models/manifest.ts';
import { ModelCatalogue, manifest } from '@/inference/models.ts';
import { modelForScale, photoModel } from './run.ts';

const built = new ModelCatalogue();

describe('photoModel', () => {
  it('runs Real-ESRGAN general by default on a CPU and x4plus on a real GPU, at every scale', () => {
    for (const scale of [2, 3, 4, 6, 8]) {
      expect(photoModel(built, 'auto', scale, false)?.id).toBe('realesr-general-x4v3');
      expect(photoModel(built, 'auto', scale, true)?.id).toBe('realesrgan-x4plus');
    }
  });

  it('runs what was asked for whatever the device', () => {
    expect(photoModel(built, 'real-esrgan', 4, true)?.id).toBe('realesr-general-x4v3');
    expect(photoModel(built, 'best', 2, false)?.id).toBe('realesrgan-x4plus');
  });

  it('keeps ESRGAN medium as the faithful choice, by its own scale or the next larger', () => {
    expect(photoModel(built, 'faithful', 2, true)?.id).toBe('esrgan-medium-x2');
    expect(photoModel(built, 'faithful', 3, false)?.id).toBe('esrgan-medium-x3');
    expect(photoModel(built, 'faithful', 6, false)?.id).toBe('esrgan-medium-x8');
    expect(modelForScale(built, 4)?.id).toBe('esrgan-medium-x4');
  });

  it('gives way to a ×4 model added in Settings', () => {
    const builtIn = manifest.models.find((m) => m.id === 'esrgan-medium-x4')!;
    const own: ModelEntry = { ...builtIn, id: 'own-x4', label: 'My ×4 model' };
    const catalogue = new ModelCatalogue([own]);
    expect(photoModel(catalogue, 'auto', 4, false)?.id).toBe('own-x4');
    expect(photoModel(catalogue, 'best', 4, true)?.id).toBe('own-x4');
    expect(photoModel(catalogue, 'faithful', 2, false)?.id).toBe('esrgan-medium-x2');
    // The build's catalogue is untouched.
    expect(photoModel(built, 'auto', 4, false)?.id).toBe('realesr-general-x4v3');
  });

  it('runs a ×2 model added in Settings for ×2, whatever the choice', () => {
    const builtIn = manifest.models.find((m) => m.id === 'esrgan-medium-x2')!;
    const catalogue = new ModelCatalogue([{ ...builtIn, id: 'own-x2', label: 'My ×2 model' }]);
    expect(photoModel(catalogue, 'auto', 2, false)?.id).toBe('own-x2');
    expect(photoModel(catalogue, 'best', 2, true)?.id).toBe('own-x2');
    expect(photoModel(catalogue, 'auto', 4, false)?.id).toBe('realesr-general-x4v3');
  });
});
