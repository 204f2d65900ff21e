import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PngStreamWriter, type PngCompressionLevel } from './png-stream.ts';

/** Bit-at-a-time CRC-32, deliberately unlike the encoder's table-driven one. */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

interface DecodedPng {
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Uint8Array;
  chunkTypes: string[];
  idatSizes: number[];
  /** Rows per filter type 0..4. */
  filterCounts: number[];
}

/**
 * Independent PNG decoder for 8-bit RGB/RGBA, non-interlaced: checks the signature, every CRC (with
 * its own bit-wise one, not the encoder's), chunk order, and undoes all five filter types.
 */
function decodePng(png: Uint8Array): DecodedPng {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect(Array.from(png.subarray(0, 8))).toEqual(signature);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunkTypes: string[] = [];
  const idatSizes: number[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let channels: 3 | 4 = 3;
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const storedCrc = view.getUint32(offset + 8 + length);
    expect(referenceCrc32(png.subarray(offset + 4, offset + 8 + length)), `${type} CRC`).toBe(
      storedCrc,
    );
    chunkTypes.push(type);
    if (type === 'IHDR') {
      expect(length).toBe(13);
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect(data[8], 'bit depth').toBe(8);
      expect([2, 6]).toContain(data[9]);
      channels = data[9] === 6 ? 4 : 3;
      expect(Array.from(data.subarray(10, 13)), 'compression, filter, interlace').toEqual([
        0, 0, 0,
      ]);
    } else if (type === 'IDAT') {
      idat.push(data);
      idatSizes.push(length);
    }
    offset += 12 + length;
  }
  expect(offset).toBe(png.length);
  expect(chunkTypes[0]).toBe('IHDR');
  expect(chunkTypes.at(-1)).toBe('IEND');
  const firstIdat = chunkTypes.indexOf('IDAT');
  expect(
    chunkTypes.slice(firstIdat, -1).every((t) => t === 'IDAT'),
    'IDATs consecutive',
  ).toBe(true);

  const raw = unzlibSync(concat(idat));
  const rowBytes = width * channels;
  expect(raw.length).toBe(height * (rowBytes + 1));
  const pixels = new Uint8Array(height * rowBytes);
  const filterCounts = [0, 0, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)]!;
    filterCounts[filter]!++;
    const line = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= channels ? pixels[y * rowBytes + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * rowBytes + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * rowBytes + i - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = Math.floor((a + b) / 2);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad filter type ${filter} on row ${y}`);
      }
      pixels[y * rowBytes + i] = (line[i]! + predictor) & 255;
    }
  }
  return { width, height, channels, pixels, chunkTypes, idatSizes, filterCounts };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Photo-like RGBA: gradients plus deterministic noise, and a varying alpha. */
function testImage(width: number, height: number, seed = 1): Uint8Array {
  let state = seed;
  const noise = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 24) % 17;
  };
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      rgba[i] = (x * 7 + noise()) & 255;
      rgba[i + 1] = (y * 5 + noise()) & 255;
      rgba[i + 2] = (x * y + noise()) & 255;
      rgba[i + 3] = (x + y * 3) & 255;
    }
  }
  return rgba;
}

function dropAlpha(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let s = 0, d = 0; s < rgba.length; s += 4, d += 3) rgb.set(rgba.subarray(s, s + 3), d);
  return rgb;
}

function encode(
  rgba: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4,
  bandHeights: number[],
  level?: PngCompressionLevel,
): { png: Uint8Array; pieces: Uint8Array[] } {
  const pieces: Uint8Array[] = [];
  const writer = new PngStreamWriter(width, height, channels, (bytes) => pieces.push(bytes), {
    level,
  });
  let y = 0;
  for (const rows of bandHeights) {
    // A fresh copy per band, later overwritten, proves the writer keeps nothing it was lent.
    const band = rgba.slice(y * width * 4, (y + rows) * width * 4);
    writer.writeRows(band, rows);
    band.fill(0xaa);
    y += rows;
  }
  writer.finish();
  return { png: concat(pieces), pieces };
}

describe('PngStreamWriter', () => {
  const cases: [string, number, number, 3 | 4, number[]][] = [
    ['RGB in uneven bands', 37, 23, 3, [5, 1, 10, 0, 7]],
    ['RGBA in uneven bands', 37, 23, 4, [1, 13, 9]],
    ['RGB 1x1', 1, 1, 3, [1]],
    ['RGBA 1x1', 1, 1, 4, [1]],
    ['RGB one column', 1, 50, 3, [20, 30]],
    ['RGBA one row', 333, 1, 4, [1]],
    ['RGB in one band', 64, 64, 3, [64]],
  ];

  it.each(cases)('%s decodes to the exact pixels', (_, width, height, channels, bands) => {
    const rgba = testImage(width, height, width * height);
    const decoded = decodePng(encode(rgba, width, height, channels, bands).png);
    expect(decoded).toMatchObject({ width, height, channels });
    const expected = channels === 4 ? rgba : dropAlpha(rgba);
    expect(sameBytes(decoded.pixels, expected)).toBe(true);
  });

  it('picks Sub, Up and Paeth each where it fits, and all of them decode exactly', () => {
    // x*y and x^y patterns make Paeth win often and tie between its neighbours a lot.
    const patterns: ((x: number, y: number, c: number) => number)[] = [
      (x, y) => x * y,
      (x, y, c) => (x ^ y) * 4 + c,
      (x, _, c) => x * 3 + c, // rows repeat: Up
      (x, y) => (y * 17) ^ (x % 2), // columns nearly repeat: Sub
    ];
    const used = [0, 0, 0, 0, 0];
    for (const pattern of patterns) {
      const width = 64;
      const height = 48;
      const rgba = new Uint8Array(width * height * 4);
      for (let i = 0; i < rgba.length; i++) {
        const pixel = i >> 2;
        rgba[i] = pattern(pixel % width, Math.floor(pixel / width), i & 3) & 255;
      }
      for (const channels of [3, 4] as const) {
        const decoded = decodePng(encode(rgba, width, height, channels, [11, 37]).png);
        expect(sameBytes(decoded.pixels, channels === 4 ? rgba : dropAlpha(rgba))).toBe(true);
        decoded.filterCounts.forEach((count, type) => (used[type]! += count));
      }
    }
    expect(used[1]).toBeGreaterThan(0);
    expect(used[2]).toBeGreaterThan(0);
    expect(used[4]).toBeGreaterThan(0);
  });

  it.each([0, 1, 6, 9] as const)('level %i decodes to the exact pixels', (level) => {
    const rgba = testImage(50, 40, level + 3);
    const decoded = decodePng(encode(rgba, 50, 40, 4, [40], level).png);
    expect(sameBytes(decoded.pixels, rgba)).toBe(true);
  });

  it('streams: header at construction, bounded IDAT chunks, IEND at finish', () => {
    const width = 600;
    const height = 500;
    // Uniform noise does not compress, so the IDAT stream has to be split into several chunks.
    const rgba = new Uint8Array(width * height * 4);
    let state = 9;
    for (let i = 0; i < rgba.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      rgba[i] = state >>> 24;
    }
    const pieces: Uint8Array[] = [];
    const writer = new PngStreamWriter(width, height, 4, (bytes) => pieces.push(bytes));
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.length).toBe(8 + 25);

    for (let y = 0; y < height; y += 100) {
      writer.writeRows(rgba.subarray(y * width * 4, (y + 100) * width * 4), 100);
    }
    const beforeFinish = pieces.length;
    expect(beforeFinish, 'IDAT chunks emitted before finish').toBeGreaterThan(2);
    writer.finish();

    const decoded = decodePng(concat(pieces));
    expect(decoded.idatSizes.length).toBeGreaterThan(4);
    expect(Math.max(...decoded.idatSizes)).toBeLessThanOrEqual(256 * 1024);
    expect(sameBytes(decoded.pixels, rgba)).toBe(true);
    const lastPiece = pieces.at(-1)!;
    expect(lastPiece.length).toBe(12);
    expect(String.fromCharCode(...lastPiece.subarray(4, 8))).toBe('IEND');
  });

  it('throws when more rows than the height are written, before writing any of them', () => {
    const rgba = testImage(4, 3);
    const pieces: Uint8Array[] = [];
    const writer = new PngStreamWriter(4, 3, 3, (bytes) => pieces.push(bytes));
    writer.writeRows(rgba, 2);
    expect(() => writer.writeRows(new Uint8Array(32).fill(1), 2)).toThrow(RangeError);
    writer.writeRows(rgba.subarray(2 * 16), 1);
    expect(() => writer.writeRows(rgba, 1)).toThrow(RangeError);
    writer.finish();
    expect(sameBytes(decodePng(concat(pieces)).pixels, dropAlpha(rgba))).toBe(true);
  });

  it('throws when finishing early, or using a finished writer', () => {
    const writer = new PngStreamWriter(4, 3, 4, () => {});
    writer.writeRows(testImage(4, 2), 2);
    expect(() => writer.finish()).toThrow(/2 of 3 rows/);
    writer.writeRows(testImage(4, 1), 1);
    writer.finish();
    expect(() => writer.finish()).toThrow();
    expect(() => writer.writeRows(testImage(4, 1), 0)).toThrow();
  });

  it('rejects bad dimensions and short row buffers', () => {
    expect(() => new PngStreamWriter(0, 1, 3, () => {})).toThrow(RangeError);
    expect(() => new PngStreamWriter(1, 2.5, 3, () => {})).toThrow(RangeError);
    expect(() => new PngStreamWriter(1, 1, 2 as 3, () => {})).toThrow(RangeError);
    const writer = new PngStreamWriter(4, 3, 3, () => {});
    expect(() => writer.writeRows(new Uint8Array(16 * 2 - 1), 2)).toThrow(RangeError);
  });
});

describe('test decoder', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(referenceCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('undoes every filter type, None, Sub, Up, Average and Paeth', () => {
    // A reference encoder that uses each filter type in turn, row by row.
    const width = 7;
    const height = 10;
    const channels = 3;
    const rowBytes = width * channels;
    const pixels = dropAlpha(testImage(width, height, 5));
    const raw = new Uint8Array(height * (rowBytes + 1));
    for (let y = 0; y < height; y++) {
      const filter = y % 5;
      raw[y * (rowBytes + 1)] = filter;
      for (let i = 0; i < rowBytes; i++) {
        const x = pixels[y * rowBytes + i]!;
        const a = i >= channels ? pixels[y * rowBytes + i - channels]! : 0;
        const b = y > 0 ? pixels[(y - 1) * rowBytes + i]! : 0;
        const c = y > 0 && i >= channels ? pixels[(y - 1) * rowBytes + i - channels]! : 0;
        const p = a + b - c;
        const paeth =
          Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
            ? a
            : Math.abs(p - b) <= Math.abs(p - c)
              ? b
              : c;
        const predictor = [0, a, b, Math.floor((a + b) / 2), paeth][filter]!;
        raw[y * (rowBytes + 1) + 1 + i] = (x - predictor) & 255;
      }
    }
    const chunk = (type: string, data: Uint8Array) => {
      const out = new Uint8Array(12 + data.length);
      const view = new DataView(out.buffer);
      view.setUint32(0, data.length);
      out.set(
        Array.from(type, (ch) => ch.charCodeAt(0)),
        4,
      );
      out.set(data, 8);
      view.setUint32(8 + data.length, referenceCrc32(out.subarray(4, 8 + data.length)));
      return out;
    };
    const ihdr = new Uint8Array(13);
    new DataView(ihdr.buffer).setUint32(0, width);
    new DataView(ihdr.buffer).setUint32(4, height);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const png = concat([
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlibSync(raw)),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(sameBytes(decodePng(png).pixels, pixels)).toBe(true);
  });
});
