import { crc32 } from 'node:zlib';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodePng } from './images.ts';

// PNGs as oxipng writes them when it shrinks a file (palette, 1/2/4-bit, 16-bit, tRNS), made
// byte by byte here so the decoder is checked against the specification, not against itself.

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** A PNG from already-filtered rows (each starting with its filter byte). */
function png(
  width: number,
  height: number,
  bitDepth: number,
  colorType: number,
  rows: number[][],
  extra: [string, number[]][] = [],
): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const parts = [
    Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10),
    chunk('IHDR', ihdr),
    ...extra.map(([type, body]) => chunk(type, Uint8Array.from(body))),
    chunk('IDAT', zlibSync(Uint8Array.from(rows.flat()))),
    chunk('IEND', new Uint8Array()),
  ];
  return Buffer.concat(parts);
}

const pixels = (img: { data: Uint8Array }) => Array.from(img.data);

describe('decodePng beyond 8-bit truecolour', () => {
  it('reads a 2-bit palette with tRNS alpha', () => {
    // Indices 0,1,2,3,1 packed 2 bits each: 00 01 10 11 | 01 000000.
    const file = png(
      5,
      1,
      2,
      3,
      [[0, 0b00011011, 0b01000000]],
      [
        ['PLTE', [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]],
        ['tRNS', [0, 128]],
      ],
    );
    expect(pixels(decodePng(file))).toEqual([
      255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255, 9, 9, 9, 255, 0, 255, 0, 128,
    ]);
  });

  it('reads 1-bit grey across a byte boundary, with the Sub filter working byte-wise', () => {
    // Bits 1,0,1,1,0,0,1,0 | 1: raw bytes 0xb2, 0x80; Sub adds the previous byte to the next.
    const file = png(9, 1, 1, 0, [[1, 0xb2, (0x80 - 0xb2) & 0xff]]);
    const grey = [1, 0, 1, 1, 0, 0, 1, 0, 1].flatMap((b) => [b * 255, b * 255, b * 255, 255]);
    expect(pixels(decodePng(file))).toEqual(grey);
  });

  it('rounds 16-bit RGB to 8 bits, with the Up filter on 6-byte pixels', () => {
    const row1 = [0x12, 0x34, 0xff, 0xff, 0x00, 0x00];
    const row2 = [0x80, 0x00, 0x00, 0x80, 0x7f, 0xff];
    const up = row2.map((v, i) => (v - row1[i]!) & 0xff);
    const file = png(1, 2, 16, 2, [
      [0, ...row1],
      [2, ...up],
    ]);
    const to8 = (v: number) => Math.round((v * 255) / 65535);
    expect(pixels(decodePng(file))).toEqual([
      to8(0x1234),
      255,
      0,
      255,
      to8(0x8000),
      to8(0x0080),
      to8(0x7fff),
      255,
    ]);
  });

  it('makes the tRNS colour key transparent in grey and RGB images', () => {
    const grey = png(3, 1, 8, 0, [[0, 10, 128, 200]], [['tRNS', [0, 128]]]);
    expect(pixels(decodePng(grey)).filter((_, i) => i % 4 === 3)).toEqual([255, 0, 255]);
    const rgb = png(2, 1, 8, 2, [[0, 1, 2, 3, 4, 5, 6]], [['tRNS', [0, 4, 0, 5, 0, 6]]]);
    expect(pixels(decodePng(rgb))).toEqual([1, 2, 3, 255, 4, 5, 6, 0]);
  });

  it('still refuses what the specification does not allow', () => {
    expect(() => decodePng(png(1, 1, 16, 3, [[0, 0, 0]]))).toThrow(
      /bit depth 16 for colour type 3/,
    );
    expect(() => decodePng(png(1, 1, 4, 2, [[0, 0]]))).toThrow(/bit depth 4/);
    expect(() => decodePng(png(1, 1, 8, 3, [[0, 0]]))).toThrow(/no PLTE/);
  });
});
