import { describe, expect, it } from 'vitest';
import { anyTransparent, hasTransparency } from './transparency.ts';

describe('transparency', () => {
  it('finds one pixel below full alpha, and none in an opaque picture', () => {
    const opaque = new Uint8ClampedArray(4 * 16).fill(255);
    expect(anyTransparent(opaque)).toBe(false);
    const one = opaque.slice();
    one[4 * 9 + 3] = 254;
    expect(anyTransparent(one)).toBe(true);
    // Colour channels below 255 are not transparency.
    const dark = new Uint8ClampedArray(4 * 4).map((_, i) => (i % 4 === 3 ? 255 : 0));
    expect(anyTransparent(dark)).toBe(false);
  });

  it('takes a JPEG as opaque without decoding it', async () => {
    // Not a decodable picture: only the type can answer, and it does.
    expect(await hasTransparency(new Blob([new Uint8Array(4)], { type: 'image/jpeg' }))).toBe(
      false,
    );
  });
});
