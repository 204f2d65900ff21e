import { describe, expect, it } from 'vitest';
import { flattenOverWhite } from './encode.ts';
import { formatHasAlpha, formatMimeTypes, outputFormats } from '../formats.ts';

describe('flattenOverWhite (JPEG has no alpha)', () => {
  it('keeps opaque pixels, turns transparent ones white and blends the rest', () => {
    const data = Uint8Array.from([
      ...[10, 20, 30, 255],
      ...[10, 20, 30, 0],
      ...[0, 0, 0, 128],
      ...[255, 0, 0, 64],
    ]);
    expect(Array.from(flattenOverWhite({ data, width: 4, height: 1 }))).toEqual([
      ...[10, 20, 30, 255],
      ...[255, 255, 255, 255],
      ...[127, 127, 127, 255],
      ...[255, 191, 191, 255],
    ]);
  });
});

describe('output formats', () => {
  it('has a media type for each, and alpha everywhere but JPEG', () => {
    expect(outputFormats.map((f) => formatMimeTypes[f])).toEqual([
      'image/png',
      'image/jpeg',
      'image/jpeg',
      'image/webp',
      'image/avif',
    ]);
    expect(outputFormats.filter((f) => !formatHasAlpha[f])).toEqual(['jpg', 'jpeg']);
  });
});
