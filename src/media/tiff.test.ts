import { describe, expect, it } from 'vitest';
import { decodeTiff, TiffError } from './tiff.ts';
import { expected, height, tiff, width } from './tiff-fixture.ts';

describe('decodeTiff', () => {
  for (const bits of [8, 16] as const)
    for (const samples of [1, 2, 3, 4] as const)
      for (const compression of ['none', 'lzw', 'deflate'] as const)
        it(`decodes ${bits}-bit, ${samples} sample(s), ${compression}`, () => {
          const { image, orientation } = decodeTiff(tiff({ bits, samples, compression }), 1e6);
          expect([image.width, image.height, orientation]).toEqual([width, height, 1]);
          expect(Array.from(image.data)).toEqual(expected(samples));
        });

  it('returns the orientation tag, for the caller to turn the pixels', () => {
    expect(
      decodeTiff(tiff({ bits: 8, samples: 3, compression: 'none', orientation: 6 }), 1e6)
        .orientation,
    ).toBe(6);
  });

  it('refuses damaged files and images over the pixel limit with a TiffError', () => {
    const file = tiff({ bits: 8, samples: 3, compression: 'none' });
    expect(() => decodeTiff(file, 10)).toThrow(/5×3; the largest supported input/);
    expect(() => decodeTiff(file.subarray(0, 12), 1e6)).toThrow(TiffError);
  });
});
