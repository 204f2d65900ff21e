import { describe, expect, it } from 'vitest';
import { binaryMask } from './mask-image.ts';

describe('binaryMask', () => {
  it('is opaque white where painted (alpha at least half) and opaque black elsewhere', () => {
    const painted = new Uint8ClampedArray([
      ...[229, 50, 45, 255], // fully painted
      ...[229, 50, 45, 128], // an antialiased edge, half covered
      ...[229, 50, 45, 127], // less than half
      ...[0, 0, 0, 0], // never painted
    ]);
    expect([...binaryMask(painted)]).toEqual([
      ...[255, 255, 255, 255],
      ...[255, 255, 255, 255],
      ...[0, 0, 0, 255],
      ...[0, 0, 0, 255],
    ]);
  });
});
