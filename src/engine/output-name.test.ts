import { describe, expect, it } from 'vitest';
import { outputName } from './output-name.ts';

const named = (name: string, operations: { type: string; params: Record<string, unknown> }[]) => ({
  input: { name } as never,
  spec: { operations },
});

describe('outputName', () => {
  it('names every step of a chain, in order', () => {
    const job = named('photo.jpg', [
      { type: 'denoise', params: {} },
      { type: 'enhance', params: { scale: 4 } },
    ]);
    expect(outputName(job)).toBe('photo.denoise.enhance-x4.png');
    const swapped = named('photo.jpg', [
      { type: 'enhance', params: { scale: 2 } },
      { type: 'convert', params: { output_format: 'webp' } },
    ]);
    expect(outputName(swapped, 'webp')).toBe('photo.enhance-x2.convert-webp.webp');
  });
});
