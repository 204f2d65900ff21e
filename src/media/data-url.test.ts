import { describe, expect, it } from 'vitest';
import { encodePng } from '../../e2e/support/images.ts';
import { checkImageDataUrl, dataUrlBlob } from './data-url.ts';

const png = encodePng({
  width: 2,
  height: 1,
  data: Uint8Array.of(255, 255, 255, 255, 0, 0, 0, 255),
});
const base64 = btoa(String.fromCharCode(...png));

describe('checkImageDataUrl', () => {
  it('accepts a PNG data URL, with or without parameters', () => {
    expect(checkImageDataUrl(`data:image/png;base64,${base64}`)).toBeNull();
    expect(checkImageDataUrl(`data:image/png;name=mask.png;base64,${base64}`)).toBeNull();
  });
  it('says what is wrong with anything else', () => {
    expect(checkImageDataUrl(42)).toMatch(/must be a data: URL string/);
    expect(checkImageDataUrl('https://example.com/mask.png')).toMatch(/must be a data: URL/);
    expect(checkImageDataUrl('data:image/png,rawbytes')).toMatch(/base64/);
    expect(checkImageDataUrl(`data:text/plain;base64,${base64}`)).toMatch(/of an image/);
    expect(checkImageDataUrl('data:image/png;base64,')).toMatch(/no image/);
    expect(checkImageDataUrl('data:image/png;base64,@@@@')).toMatch(/not base64/);
    expect(checkImageDataUrl(`data:image/png;base64,${btoa('hello, not a picture')}`)).toMatch(
      /does not hold an image/,
    );
  });
});

describe('dataUrlBlob', () => {
  it('gives the bytes, typed by what they are', async () => {
    const blob = dataUrlBlob(`data:image/jpeg;base64,${base64}`);
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(png);
  });
});
