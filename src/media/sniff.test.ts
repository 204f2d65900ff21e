import { describe, expect, it } from 'vitest';
import { sniffBlob, sniffImage, sniffVideo } from './sniff.ts';
import { samples } from '@/api/test-support.ts';

describe('sniffImage', () => {
  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['tiffLE', 'image/tiff'],
    ['tiffBE', 'image/tiff'],
    ['bmp', 'image/bmp'],
    ['avif', 'image/avif'],
    ['heic', 'image/heic'],
  ] as const)('knows %s from its first bytes', (name, type) => {
    expect(sniffImage(samples[name])).toEqual({ image: type });
  });

  it('tells AVIF from HEIC by brand when the major brand is mif1', () => {
    const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(sniffImage(bytes('\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif'))).toEqual({
      image: 'image/avif',
    });
    expect(sniffImage(bytes('\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic'))).toEqual({
      image: 'image/heic',
    });
  });

  it.each([
    ['pdf', 'a PDF document'],
    ['zip', 'a ZIP archive'],
    ['text', 'plain text'],
    ['mp4', 'an ISO media file (brand isom), e.g. MP4 or QuickTime video'],
  ] as const)('describes a rejected %s', (name, found) => {
    expect(sniffImage(samples[name])).toEqual({ image: null, found });
  });

  it('does not take text starting with "BM" for a bitmap', () => {
    expect(
      sniffImage(Uint8Array.from('BM is a fine name for a file', (c) => c.charCodeAt(0))),
    ).toEqual({ image: null, found: 'plain text' });
  });

  it('shows the bytes of something it does not know, and says when there are none', () => {
    expect(sniffImage(new Uint8Array([0x00, 0x01, 0x02, 0xfe, 0xff]))).toEqual({
      image: null,
      found: 'unrecognized data starting with bytes 00 01 02 fe ff',
    });
    expect(sniffImage(new Uint8Array())).toEqual({ image: null, found: 'an empty file' });
  });

  it('reads only the head of a Blob', async () => {
    const big = new Blob([samples.png, new Uint8Array(1024 * 1024)]);
    expect(await sniffBlob(big)).toEqual({ image: 'image/png' });
  });
});

describe('sniffVideo', () => {
  const bytes = (...parts: (string | number[])[]) =>
    new Uint8Array(
      parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
    );

  it('recognises MP4, QuickTime and WebM, and leaves images and text alone', () => {
    expect(sniffVideo(bytes([0, 0, 0, 24], 'ftypisom'))).toBe('video/mp4');
    expect(sniffVideo(bytes([0, 0, 0, 20], 'ftypqt  '))).toBe('video/quicktime');
    expect(sniffVideo(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toBe('video/webm');
    expect(sniffVideo(bytes([0, 0, 0, 16], 'ftypavif'))).toBeNull();
    expect(sniffVideo(bytes('<!doctype html>'))).toBeNull();
  });
});
