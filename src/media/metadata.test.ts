import { describe, expect, it } from 'vitest';
import {
  decodeJpegInNode,
  decodeWebpInNode,
  encodeJpegInNode,
  encodePngInNode,
  encodeWebpInNode,
} from './codecs/in-node.ts';
import {
  carryMetadata,
  exifForOutput,
  exifOrientation,
  type ImageMetadata,
  readMetadata,
  writeMetadata,
} from './metadata.ts';
import { PngStreamWriter } from './png-stream.ts';
import type { RgbaImage } from './image.ts';

type Entry = [tag: number, type: 3 | 4, value: number];

/**
 * A camera-like EXIF block: IFD0 with orientation and pointers to an Exif IFD (pixel size) and
 * a GPS IFD (latitude reference "N"), in either byte order.
 */
function cameraExif(orientation: number, little: boolean, size = { x: 4000, y: 3000 }): Uint8Array {
  const ifd0At = 8;
  const exifAt = ifd0At + 2 + 3 * 12 + 4;
  const gpsAt = exifAt + 2 + 2 * 12 + 4;
  const bytes = new Uint8Array(gpsAt + 2 + 12 + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(little ? [0x49, 0x49, 0x2a, 0] : [0x4d, 0x4d, 0, 0x2a]);
  view.setUint32(4, ifd0At, little);
  const ifd = (at: number, entries: Entry[]): void => {
    view.setUint16(at, entries.length, little);
    entries.forEach(([tag, type, value], i) => {
      const e = at + 2 + i * 12;
      view.setUint16(e, tag, little);
      view.setUint16(e + 2, type, little);
      view.setUint32(e + 4, 1, little);
      if (type === 3) view.setUint16(e + 8, value, little);
      else view.setUint32(e + 8, value, little);
    });
  };
  ifd(ifd0At, [
    [0x0112, 3, orientation],
    [0x8769, 4, exifAt],
    [0x8825, 4, gpsAt],
  ]);
  ifd(exifAt, [
    [0xa002, 4, size.x],
    [0xa003, 3, size.y],
  ]);
  // GPSLatitudeRef, ASCII "N\0" stored in the value field.
  view.setUint16(gpsAt, 1, little);
  view.setUint16(gpsAt + 2, 0x0001, little);
  view.setUint16(gpsAt + 4, 2, little);
  view.setUint32(gpsAt + 6, 2, little);
  bytes.set([0x4e, 0], gpsAt + 10);
  return bytes;
}

/** An ICC-shaped profile ('acsp' signature) larger than one JPEG segment can hold. */
function bigProfile(length = 70_000): Uint8Array {
  const icc = new Uint8Array(length);
  for (let i = 0; i < length; i++) icc[i] = (i * 7 + 3) & 0xff;
  new DataView(icc.buffer).setUint32(0, length);
  icc.set([0x61, 0x63, 0x73, 0x70], 36);
  return icc;
}

function gradient(width: number, height: number, alpha = false): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set([x * 9, y * 13, (x + y) * 5, alpha ? 40 + x * 10 : 255], i);
    }
  return { data, width, height };
}

const meta: ImageMetadata = { exif: cameraExif(6, true), icc: bigProfile() };

describe('EXIF fields', () => {
  it('reads every orientation 1–8 in both byte orders, and 1 when missing or invalid', () => {
    for (const little of [true, false])
      for (let o = 1; o <= 8; o++) expect(exifOrientation(cameraExif(o, little))).toBe(o);
    expect(exifOrientation(null)).toBe(1);
    expect(exifOrientation(cameraExif(9, true))).toBe(1);
    expect(exifOrientation(Uint8Array.of(1, 2, 3))).toBe(1);
  });

  it('makes the EXIF right for an upright output: orientation 1, the new size, GPS kept', () => {
    for (const little of [true, false]) {
      const source = cameraExif(8, little);
      const out = exifForOutput(source, 640, 480);
      expect(exifOrientation(out)).toBe(1);
      expect(out).toEqual(exifForOutput(cameraExif(1, little, { x: 640, y: 480 }), 640, 480));
      expect(exifOrientation(source)).toBe(8); // the input's copy is not touched
      expect(new TextDecoder().decode(out.subarray(-8, -6))).toBe('N\0');
    }
  });
});

describe('JPEG (MozJPEG output)', () => {
  it('carries EXIF (APP1) and a multi-segment ICC profile (APP2), and still decodes the same', async () => {
    const jpeg = await encodeJpegInNode(gradient(24, 16));
    expect(readMetadata(jpeg)).toEqual({ exif: null, icc: null });
    const tagged = writeMetadata(jpeg, meta);
    expect(readMetadata(tagged)).toEqual(meta);
    const app2 = tagged.filter((v, i) => v === 0xff && tagged[i + 1] === 0xe2).length;
    expect(app2).toBeGreaterThanOrEqual(2); // 70 kB does not fit one segment
    expect((await decodeJpegInNode(tagged)).data).toEqual((await decodeJpegInNode(jpeg)).data);
    // Writing again replaces, never duplicates.
    const again = writeMetadata(tagged, { exif: cameraExif(1, false), icc: null });
    expect(readMetadata(again)).toEqual({ exif: cameraExif(1, false), icc: null });
    expect(again.length).toBeLessThan(jpeg.length + 200);
  });
});

describe('PNG (oxipng and the streaming writer)', () => {
  it('carries eXIf and iCCP, keeping every chunk valid', async () => {
    const png = await encodePngInNode(gradient(20, 10, true));
    const tagged = writeMetadata(png, meta);
    expect(readMetadata(tagged)).toEqual(meta);
    const types = pngChunkTypes(tagged);
    expect(types.indexOf('iCCP')).toBeLessThan(types.indexOf('IDAT'));
    expect(types.indexOf('eXIf')).toBeLessThan(types.indexOf('IDAT'));
    expect(types.filter((t) => t === 'eXIf')).toHaveLength(1);
    expect(pngCrcsValid(tagged)).toBe(true);
  });

  it('works on the streaming writer used for tiled outputs', () => {
    const parts: Uint8Array[] = [];
    const writer = new PngStreamWriter(8, 4, 4, (b) => parts.push(b.slice()));
    writer.writeRows(new Uint8Array(gradient(8, 4, true).data), 4);
    writer.finish();
    const png = Uint8Array.from(parts.flatMap((p) => [...p]));
    const tagged = writeMetadata(png, meta);
    expect(readMetadata(tagged)).toEqual(meta);
    expect(pngCrcsValid(tagged)).toBe(true);
  });
});

describe('WebP (libwebp output)', () => {
  const cases = [
    { name: 'lossy, opaque (VP8)', image: gradient(24, 16), lossless: false, first: 'VP8 ' },
    {
      name: 'lossless with alpha (VP8L)',
      image: gradient(24, 16, true),
      lossless: true,
      first: 'VP8L',
    },
    {
      name: 'lossy with alpha (VP8X + ALPH)',
      image: gradient(24, 16, true),
      lossless: false,
      first: 'VP8X',
    },
  ];
  for (const c of cases)
    it(`carries EXIF and ICCP in VP8X: ${c.name}`, async () => {
      const webp = await encodeWebpInNode(c.image, c.lossless);
      expect(riffChunkTypes(webp)[0]).toBe(c.first);
      const tagged = writeMetadata(webp, meta);
      expect(readMetadata(tagged)).toEqual(meta);
      const types = riffChunkTypes(tagged);
      expect(types[0]).toBe('VP8X');
      expect(types[1]).toBe('ICCP');
      expect(types.at(-1)).toBe('EXIF');
      const flags = tagged[20]!;
      expect(flags & 0x28).toBe(0x28);
      expect((flags & 0x10) !== 0).toBe(c.image.data[3] !== 255);
      // Canvas size in VP8X: 24-bit width-1 and height-1.
      expect(tagged[24]! + 1).toBe(24);
      expect(tagged[27]! + 1).toBe(16);
      expect(new DataView(tagged.buffer).getUint32(4, true)).toBe(tagged.length - 8);
      const before = await decodeWebpInNode(webp);
      const after = await decodeWebpInNode(tagged);
      expect(after.data).toEqual(before.data);
    });
});

describe('carryMetadata', () => {
  it("gives an operation's output its input's EXIF (upright, resized) and profile", async () => {
    const input = new Blob([
      writeMetadata(await encodeJpegInNode(gradient(24, 16)), meta) as Uint8Array<ArrayBuffer>,
    ]);
    const output = new Blob(
      [(await encodePngInNode(gradient(32, 48))) as Uint8Array<ArrayBuffer>],
      { type: 'image/png' },
    );
    const carried = await carryMetadata(input, output, { width: 32, height: 48 });
    expect(carried.type).toBe('image/png');
    const got = readMetadata(new Uint8Array(await carried.arrayBuffer()));
    expect(got.icc).toEqual(meta.icc);
    expect(got.exif).toEqual(exifForOutput(meta.exif!, 32, 48));
    expect(exifOrientation(got.exif)).toBe(1);
  });

  it('leaves an output that already has metadata (the input passed through) alone', async () => {
    const input = new Blob([
      writeMetadata(await encodeJpegInNode(gradient(8, 8)), meta) as Uint8Array<ArrayBuffer>,
    ]);
    expect(await carryMetadata(input, input, { width: 8, height: 8 })).toBe(input);
  });
});

function pngChunkTypes(b: Uint8Array): string[] {
  const types: string[] = [];
  const view = new DataView(b.buffer, b.byteOffset);
  for (let at = 8; at < b.length; at += 12 + view.getUint32(at))
    types.push(new TextDecoder().decode(b.subarray(at + 4, at + 8)));
  return types;
}

function pngCrcsValid(b: Uint8Array): boolean {
  const view = new DataView(b.buffer, b.byteOffset);
  for (let at = 8; at < b.length; at += 12 + view.getUint32(at)) {
    const length = view.getUint32(at);
    let c = 0xffffffff;
    for (const v of b.subarray(at + 4, at + 8 + length)) {
      c ^= v;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    if ((c ^ 0xffffffff) >>> 0 !== view.getUint32(at + 8 + length)) return false;
  }
  return true;
}

function riffChunkTypes(b: Uint8Array): string[] {
  const types: string[] = [];
  const view = new DataView(b.buffer, b.byteOffset);
  for (let at = 12; at + 8 <= b.length;) {
    const length = view.getUint32(at + 4, true);
    types.push(new TextDecoder().decode(b.subarray(at, at + 4)));
    at += 8 + length + (length & 1);
  }
  return types;
}
