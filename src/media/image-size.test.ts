import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declaredSize, declaredSizeOf, oversizeReason } from './image-size.ts';

const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be16 = (v: number) => [(v >>> 8) & 255, v & 255];
const le16 = (v: number) => [v & 255, (v >>> 8) & 255];
const le24 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255];
const le32 = (v: number) => [...le16(v & 0xffff), ...le16(v >>> 16)];
const text = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

function png(width: number, height: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0x89,
    ...text('PNG\r\n\x1a\n'),
    ...be32(13),
    ...text('IHDR'),
    ...be32(width),
    ...be32(height),
    8,
    6,
    0,
    0,
    0,
  ]);
}

/** A JPEG whose frame header comes after an APP1 (EXIF) segment of `exifBytes`. */
function jpeg(width: number, height: number, exifBytes = 16): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe1,
    ...be16(exifBytes + 2),
    ...new Array<number>(exifBytes).fill(0x45),
    0xff,
    0xc2,
    ...be16(17),
    8,
    ...be16(height),
    ...be16(width),
    3,
  ]);
}

function webp(chunk: string, payload: number[]): Uint8Array {
  return Uint8Array.from([
    ...text('RIFF'),
    ...le32(100),
    ...text('WEBP'),
    ...text(chunk),
    ...le32(10),
    ...payload,
  ]);
}

describe('declaredSize', () => {
  it('reads PNG, JPEG (past EXIF), GIF and BMP headers', () => {
    expect(declaredSize(png(30000, 30000))).toEqual({ width: 30000, height: 30000 });
    expect(declaredSize(jpeg(640, 480, 60_000))).toEqual({ width: 640, height: 480 });
    expect(declaredSize(Uint8Array.from([...text('GIF89a'), ...le16(300), ...le16(200)]))).toEqual({
      width: 300,
      height: 200,
    });
    const bmp = [
      ...text('BM'),
      ...new Array<number>(12).fill(0),
      ...le32(40),
      ...le32(50),
      ...le32(-70),
    ];
    expect(declaredSize(Uint8Array.from(bmp))).toEqual({ width: 50, height: 70 });
  });

  it('reads the three WebP headers', () => {
    expect(declaredSize(webp('VP8X', [0, 0, 0, 0, ...le24(29999), ...le24(29999)]))).toEqual({
      width: 30000,
      height: 30000,
    });
    const lossless = (16383 & 0x3fff) | ((16383 & 0x3fff) << 14);
    expect(declaredSize(webp('VP8L', [0x2f, ...le32(lossless)]))).toEqual({
      width: 16384,
      height: 16384,
    });
    expect(
      declaredSize(webp('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(320), ...le16(240)])),
    ).toEqual({ width: 320, height: 240 });
  });

  it('gives null for a cut-short header or a format it does not read', () => {
    expect(declaredSize(png(10, 10).subarray(0, 20))).toBeNull();
    expect(declaredSize(jpeg(10, 10).subarray(0, 10))).toBeNull();
    expect(declaredSize(new Uint8Array())).toBeNull();
    expect(declaredSize(Uint8Array.from([0x49, 0x49, 0x2a, 0]))).toBeNull();
  });

  it('never throws on arbitrary bytes after any signature', () => {
    const signatures = [
      [0x89, ...text('PNG')],
      [0xff, 0xd8],
      text('RIFF\0\0\0\0WEBP'),
      text('GIF89a'),
      text('BM'),
      [],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...signatures),
        fc.uint8Array({ maxLength: 200 }),
        (sig, rest) => {
          const size = declaredSize(Uint8Array.from([...sig, ...rest]));
          if (size) expect(size.width >= 0 && size.height >= 0).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('oversizeReason', () => {
  it('refuses a bomb by its header and lets a normal photo through', async () => {
    const bomb = new Blob([png(30000, 30000)]);
    expect(oversizeReason(await declaredSizeOf(bomb))).toMatch(
      /declares 30000×30000 pixels \(900 megapixels\); the largest supported input is 64 megapixels/,
    );
    expect(oversizeReason(await declaredSizeOf(new Blob([jpeg(4000, 3000)])))).toBeNull();
    expect(oversizeReason(null)).toBeNull();
  });

  it('finds a JPEG frame header beyond the first read, behind a huge EXIF', async () => {
    const segments = [];
    for (let i = 0; i < 12; i++)
      segments.push(0xff, 0xe1, ...be16(65_535), ...new Array<number>(65_533).fill(1));
    // jpeg() is SOI (2) + APP1 marker and length (4) + 16 bytes of EXIF, then the frame header.
    const frame = jpeg(30000, 30000).slice(22);
    const file = new Blob([Uint8Array.from([0xff, 0xd8, ...segments]), frame]);
    expect(file.size).toBeGreaterThan(512 * 1024);
    expect(await declaredSizeOf(file)).toEqual({ width: 30000, height: 30000 });
  });
});

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../e2e/fixtures/${name}`, import.meta.url)));

describe('declaredSize, for the app’s estimates', () => {
  it('reads a PNG header', async () => {
    expect(declaredSize(fixture('photo-wide-360x240.png'))).toEqual({ width: 360, height: 240 });
    expect(await declaredSizeOf(new Blob([fixture('photo-wide-300x200.png')]))).toEqual({
      width: 300,
      height: 200,
    });
  });

  it('finds a JPEG frame after other segments', () => {
    const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
    // SOF0: length 17, precision 8, height 0x01e0 (480), width 0x0280 (640).
    const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03];
    const bytes = new Uint8Array([0xff, 0xd8, ...app0, ...sof, ...new Array(12).fill(0)]);
    expect(declaredSize(bytes)).toEqual({ width: 640, height: 480 });
  });

  it('reads GIF and says null for what it cannot read', () => {
    const gif = new Uint8Array([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([10, 0, 20, 0]));
    expect(declaredSize(gif)).toEqual({ width: 10, height: 20 });
    expect(declaredSize(fixture('not-an-image.jpg'))).toBeNull();
    expect(declaredSize(new Uint8Array())).toBeNull();
  });
});
