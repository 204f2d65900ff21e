import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blobSize, headerSize } from './image-size.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../e2e/fixtures/${name}`, import.meta.url)));

describe('headerSize', () => {
  it('reads a PNG header', async () => {
    expect(headerSize(fixture('photo-wide-360x240.png'))).toEqual({ width: 360, height: 240 });
    expect(await blobSize(new Blob([fixture('photo-wide-300x200.png')]))).toEqual({
      width: 300,
      height: 200,
    });
  });

  it('finds a JPEG frame after other segments', () => {
    const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
    // SOF0: length 17, precision 8, height 0x01e0 (480), width 0x0280 (640).
    const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03];
    const bytes = new Uint8Array([0xff, 0xd8, ...app0, ...sof, ...new Array(12).fill(0)]);
    expect(headerSize(bytes)).toEqual({ width: 640, height: 480 });
  });

  it('reads GIF and says null for what it cannot read', () => {
    const gif = new Uint8Array([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([10, 0, 20, 0]));
    expect(headerSize(gif)).toEqual({ width: 10, height: 20 });
    expect(headerSize(fixture('not-an-image.jpg'))).toBeNull();
    expect(headerSize(new Uint8Array())).toBeNull();
  });
});
