import { describe, expect, it } from 'vitest';
import { sniffType } from './sniff.ts';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );

describe('sniffType', () => {
  it.each([
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [bytes([0x89], 'PNG', [13, 10, 26, 10]), 'image/png'],
    [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    [bytes('GIF89a'), 'image/gif'],
    [bytes('II*', [0]), 'image/tiff'],
    [bytes('BM', [0, 0]), 'image/bmp'],
    [bytes([0, 0, 0, 28], 'ftypavif'), 'image/avif'],
    [bytes([0, 0, 0, 28], 'ftypheic'), 'image/heic'],
    [bytes([0, 0, 0, 28], 'ftypisom'), 'video/mp4'],
    [bytes([0, 0, 0, 20], 'ftypqt  '), 'video/quicktime'],
    [bytes([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
  ])('recognises %#', (head, type) => {
    expect(sniffType(head)).toBe(type);
  });

  it('refuses what is not an image or video, however it is named', () => {
    expect(sniffType(bytes('<!doctype html>'))).toBeNull();
    expect(sniffType(bytes('%PDF-1.7'))).toBeNull();
    expect(sniffType(new Uint8Array())).toBeNull();
  });
});
