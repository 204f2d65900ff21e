/**
 * EXIF and ICC profiles, read from and written into JPEG, PNG and WebP files at the byte level.
 *
 * The codecs write pixels only, so an operation's output would lose the camera's EXIF and the
 * colour profile of its input. `carryMetadata` puts them back: the EXIF with its orientation set
 * to 1 (decoding already turned the pixels upright) and its pixel dimensions set to the output's,
 * the ICC profile unchanged (pixels are decoded without colour conversion, so they are still in
 * that profile's space). Where each lives:
 * - JPEG: APP1 `Exif\0\0` + TIFF bytes; APP2 `ICC_PROFILE\0` + sequence number + count + a part.
 * - PNG: `eXIf` (TIFF bytes), `iCCP` (name, 0, method 0, zlib stream), both before IDAT.
 * - WebP: `EXIF` and `ICCP` chunks, which need the extended (`VP8X`) layout with their flags set.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { pngChunk } from './png-stream.ts';

export interface ImageMetadata {
  /** EXIF as TIFF bytes (starting `II*\0` or `MM\0*`), without JPEG's `Exif\0\0` prefix. */
  exif: Uint8Array | null;
  /** The ICC profile as its own file's bytes. */
  icc: Uint8Array | null;
}

type Container = 'jpeg' | 'png' | 'webp';

const exifPrefix = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const iccPrefix = [...'ICC_PROFILE'].map((c) => c.charCodeAt(0)).concat(0);
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A JPEG segment holds at most 65533 bytes after its length; the ICC header takes 14. */
const iccPartBytes = 65519;

const tagOrientation = 0x0112;
const tagExifIfd = 0x8769;
const tagPixelXDimension = 0xa002;
const tagPixelYDimension = 0xa003;

function startsWith(b: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return b.length >= at + bytes.length && bytes.every((v, i) => b[at + i] === v);
}

function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

function containerOf(b: Uint8Array): Container | null {
  if (startsWith(b, [0xff, 0xd8])) return 'jpeg';
  if (startsWith(b, pngSignature)) return 'png';
  if (b.length >= 12 && fourCC(b, 0) === 'RIFF' && fourCC(b, 8) === 'WEBP') return 'webp';
  return null;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function isTiffHeader(b: Uint8Array): boolean {
  return startsWith(b, [0x49, 0x49, 0x2a, 0]) || startsWith(b, [0x4d, 0x4d, 0, 0x2a]);
}

/** Reads EXIF and ICC from a JPEG, PNG or WebP file; other formats (and damaged ones) give none. */
export function readMetadata(bytes: Uint8Array): ImageMetadata {
  try {
    switch (containerOf(bytes)) {
      case 'jpeg':
        return readJpeg(bytes);
      case 'png':
        return readPng(bytes);
      case 'webp':
        return readWebp(bytes);
      default:
        return { exif: null, icc: null };
    }
  } catch {
    // Metadata is a courtesy: a file whose markers do not add up is still an image.
    return { exif: null, icc: null };
  }
}

/** Writes EXIF and ICC into a JPEG, PNG or WebP file, replacing any it had. */
export function writeMetadata(bytes: Uint8Array, meta: ImageMetadata): Uint8Array {
  switch (containerOf(bytes)) {
    case 'jpeg':
      return writeJpeg(bytes, meta);
    case 'png':
      return writePng(bytes, meta);
    case 'webp':
      return writeWebp(bytes, meta);
    default:
      return bytes;
  }
}

// ---------------------------------------------------------------- JPEG

interface Segment {
  marker: number;
  start: number;
  /** Payload (after the two length bytes). */
  data: Uint8Array;
  end: number;
}

/** The marker segments before the first scan (SOS), where metadata lives. */
function jpegSegments(b: Uint8Array): { segments: Segment[]; scanStart: number } {
  const segments: Segment[] = [];
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) throw new Error(`no JPEG marker at byte ${at}`);
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda) return { segments, scanStart: at };
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2 || at + 2 + length > b.length) throw new Error('JPEG segment runs past the end');
    segments.push({
      marker,
      start: at,
      data: b.subarray(at + 4, at + 2 + length),
      end: at + 2 + length,
    });
    at += 2 + length;
  }
  throw new Error('JPEG has no scan');
}

function readJpeg(b: Uint8Array): ImageMetadata {
  let exif: Uint8Array | null = null;
  const iccParts: { seq: number; data: Uint8Array }[] = [];
  for (const s of jpegSegments(b).segments) {
    if (s.marker === 0xe1 && !exif && startsWith(s.data, exifPrefix)) exif = s.data.slice(6);
    if (s.marker === 0xe2 && startsWith(s.data, iccPrefix))
      iccParts.push({ seq: s.data[12]!, data: s.data.subarray(14) });
  }
  iccParts.sort((a, c) => a.seq - c.seq);
  const icc = iccParts.length ? concat(iccParts.map((p) => p.data)) : null;
  return { exif: exif && isTiffHeader(exif) ? exif : null, icc };
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  const length = payload.length + 2;
  return concat([Uint8Array.of(0xff, marker, length >> 8, length & 0xff), payload]);
}

function writeJpeg(b: Uint8Array, meta: ImageMetadata): Uint8Array {
  const { segments } = jpegSegments(b);
  const isOurs = (s: Segment): boolean =>
    (s.marker === 0xe1 && startsWith(s.data, exifPrefix)) ||
    (s.marker === 0xe2 && startsWith(s.data, iccPrefix));
  // EXIF goes first after SOI, or right after a JFIF APP0, which must lead when present.
  const leading = segments[0]?.marker === 0xe0 ? [segments[0]] : [];
  const rest = segments.slice(leading.length).filter((s) => !isOurs(s));
  const inserted: Uint8Array[] = [];
  if (meta.exif) inserted.push(jpegSegment(0xe1, concat([Uint8Array.from(exifPrefix), meta.exif])));
  if (meta.icc) {
    const count = Math.ceil(meta.icc.length / iccPartBytes);
    if (count > 255) throw new Error('ICC profile too large for JPEG');
    for (let i = 0; i < count; i++) {
      const part = meta.icc.subarray(i * iccPartBytes, (i + 1) * iccPartBytes);
      inserted.push(
        jpegSegment(0xe2, concat([Uint8Array.from(iccPrefix), Uint8Array.of(i + 1, count), part])),
      );
    }
  }
  const scanStart = jpegSegments(b).scanStart;
  return concat([
    b.subarray(0, 2),
    ...leading.map((s) => b.subarray(s.start, s.end)),
    ...inserted,
    ...rest.map((s) => b.subarray(s.start, s.end)),
    b.subarray(scanStart),
  ]);
}

// ---------------------------------------------------------------- PNG

interface Chunk {
  type: string;
  start: number;
  data: Uint8Array;
  end: number;
}

function pngChunks(b: Uint8Array): Chunk[] {
  const chunks: Chunk[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at + 12 <= b.length) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > b.length) throw new Error('PNG chunk runs past the end');
    const type = fourCC(b, at + 4);
    chunks.push({ type, start: at, data: b.subarray(at + 8, at + 8 + length), end });
    at = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

function readPng(b: Uint8Array): ImageMetadata {
  let exif: Uint8Array | null = null;
  let icc: Uint8Array | null = null;
  for (const c of pngChunks(b)) {
    if (c.type === 'eXIf' && isTiffHeader(c.data)) exif = c.data.slice();
    if (c.type === 'iCCP') {
      const nul = c.data.indexOf(0);
      if (nul > 0 && c.data[nul + 1] === 0) icc = unzlibSync(c.data.subarray(nul + 2));
    }
  }
  return { exif, icc };
}

function writePng(b: Uint8Array, meta: ImageMetadata): Uint8Array {
  const chunks = pngChunks(b);
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR') throw new Error('PNG does not start with IHDR');
  // An embedded profile replaces the sRGB/gAMA/cHRM hints a PNG writer may have added.
  const dropped = new Set(['eXIf', 'iCCP', ...(meta.icc ? ['sRGB', 'gAMA', 'cHRM'] : [])]);
  const inserted: Uint8Array[] = [];
  if (meta.icc) {
    const name = [...'ICC profile'].map((c) => c.charCodeAt(0));
    inserted.push(pngChunk('iCCP', concat([Uint8Array.from([...name, 0, 0]), zlibSync(meta.icc)])));
  }
  if (meta.exif) inserted.push(pngChunk('eXIf', meta.exif));
  return concat([
    b.subarray(0, ihdr.end),
    ...inserted,
    ...chunks
      .slice(1)
      .filter((c) => !dropped.has(c.type))
      .map((c) => b.subarray(c.start, c.end)),
    b.subarray(chunks.at(-1)!.end),
  ]);
}

// ---------------------------------------------------------------- WebP

function riffChunks(b: Uint8Array): Chunk[] {
  const chunks: Chunk[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 12;
  while (at + 8 <= b.length) {
    const length = view.getUint32(at + 4, true);
    const dataEnd = at + 8 + length;
    if (dataEnd > b.length) throw new Error('WebP chunk runs past the end');
    chunks.push({
      type: fourCC(b, at),
      start: at,
      data: b.subarray(at + 8, dataEnd),
      end: dataEnd + (length & 1),
    });
    at = dataEnd + (length & 1);
  }
  return chunks;
}

function readWebp(b: Uint8Array): ImageMetadata {
  let exif: Uint8Array | null = null;
  let icc: Uint8Array | null = null;
  for (const c of riffChunks(b)) {
    // Some writers keep JPEG's "Exif\0\0" in front of the TIFF bytes.
    if (c.type === 'EXIF')
      exif = (startsWith(c.data, exifPrefix) ? c.data.subarray(6) : c.data).slice();
    if (c.type === 'ICCP') icc = c.data.slice();
  }
  return { exif: exif && isTiffHeader(exif) ? exif : null, icc };
}

function riffChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  for (let i = 0; i < 4; i++) out[i] = type.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

const vp8xIcc = 0x20;
const vp8xAlpha = 0x10;
const vp8xExif = 0x08;

/** Canvas size and alpha of a simple (VP8 or VP8L only) WebP, for the VP8X header it needs. */
function simpleWebpInfo(c: Chunk): { width: number; height: number; alpha: boolean } {
  const d = c.data;
  if (c.type === 'VP8L') {
    const bits = d[1]! | (d[2]! << 8) | (d[3]! << 16) | (d[4]! << 24);
    return {
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      alpha: ((bits >>> 28) & 1) === 1,
    };
  }
  if (c.type === 'VP8 ' && startsWith(d, [0x9d, 0x01, 0x2a], 3))
    return {
      width: (d[6]! | (d[7]! << 8)) & 0x3fff,
      height: (d[8]! | (d[9]! << 8)) & 0x3fff,
      alpha: false,
    };
  throw new Error(`unexpected WebP chunk ${c.type}`);
}

function writeWebp(b: Uint8Array, meta: ImageMetadata): Uint8Array {
  const chunks = riffChunks(b);
  const first = chunks[0];
  if (!first) throw new Error('WebP has no chunks');
  let vp8x: Uint8Array;
  let body: Chunk[];
  if (first.type === 'VP8X') {
    vp8x = first.data.slice();
    body = chunks.slice(1);
  } else {
    const { width, height, alpha } = simpleWebpInfo(first);
    vp8x = new Uint8Array(10);
    vp8x[0] = alpha ? vp8xAlpha : 0;
    for (let i = 0; i < 3; i++) {
      vp8x[4 + i] = ((width - 1) >> (8 * i)) & 0xff;
      vp8x[7 + i] = ((height - 1) >> (8 * i)) & 0xff;
    }
    body = chunks;
  }
  vp8x[0] =
    (vp8x[0]! & ~(vp8xIcc | vp8xExif)) | (meta.icc ? vp8xIcc : 0) | (meta.exif ? vp8xExif : 0);
  const kept = body.filter((c) => c.type !== 'ICCP' && c.type !== 'EXIF');
  // Order the container asks for: VP8X, ICCP, then the image chunks, then EXIF (and XMP).
  const xmp = kept.filter((c) => c.type === 'XMP ');
  const image = kept.filter((c) => c.type !== 'XMP ');
  const parts = [
    riffChunk('VP8X', vp8x),
    ...(meta.icc ? [riffChunk('ICCP', meta.icc)] : []),
    ...image.map((c) => b.subarray(c.start, c.end)),
    ...(meta.exif ? [riffChunk('EXIF', meta.exif)] : []),
    ...xmp.map((c) => b.subarray(c.start, c.end)),
  ];
  const header = new Uint8Array(12);
  header.set(b.subarray(0, 12));
  const out = concat([header, ...parts]);
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}

// ---------------------------------------------------------------- EXIF (TIFF) fields

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Where the entry's 4-byte value field is. */
  valueAt: number;
}

class TiffReader {
  readonly view: DataView;
  readonly little: boolean;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = bytes[0] === 0x49;
  }
  u16(at: number): number {
    return this.view.getUint16(at, this.little);
  }
  u32(at: number): number {
    return this.view.getUint32(at, this.little);
  }
  entries(ifdAt: number): IfdEntry[] {
    if (ifdAt < 8 || ifdAt + 2 > this.bytes.length) return [];
    const count = this.u16(ifdAt);
    const entries: IfdEntry[] = [];
    for (let i = 0; i < count; i++) {
      const at = ifdAt + 2 + 12 * i;
      if (at + 12 > this.bytes.length) break;
      entries.push({
        tag: this.u16(at),
        type: this.u16(at + 2),
        count: this.u32(at + 4),
        valueAt: at + 8,
      });
    }
    return entries;
  }
  /** IFD0 and the Exif sub-IFD, where orientation and pixel dimensions are. */
  mainEntries(): IfdEntry[] {
    const ifd0 = this.entries(this.u32(4));
    const exifPointer = ifd0.find((e) => e.tag === tagExifIfd);
    return exifPointer ? [...ifd0, ...this.entries(this.u32(exifPointer.valueAt))] : ifd0;
  }
}

const typeShort = 3;
const typeLong = 4;

/** The EXIF orientation (1–8); 1 when the tag is missing or out of range. */
export function exifOrientation(exif: Uint8Array | null): number {
  if (!exif || !isTiffHeader(exif)) return 1;
  try {
    const tiff = new TiffReader(exif);
    const entry = tiff.mainEntries().find((e) => e.tag === tagOrientation && e.type === typeShort);
    const value = entry ? tiff.u16(entry.valueAt) : 1;
    return value >= 1 && value <= 8 ? value : 1;
  } catch {
    return 1;
  }
}

/**
 * A copy of the EXIF for pixels that are already upright and `width`×`height`: orientation 1,
 * PixelXDimension/PixelYDimension set to the size (where the camera wrote them).
 */
export function exifForOutput(exif: Uint8Array, width: number, height: number): Uint8Array {
  const out = exif.slice();
  const tiff = new TiffReader(out);
  for (const e of tiff.mainEntries()) {
    const value =
      e.tag === tagOrientation
        ? 1
        : e.tag === tagPixelXDimension
          ? width
          : e.tag === tagPixelYDimension
            ? height
            : null;
    if (value === null || e.count !== 1) continue;
    if (e.type === typeShort && value <= 0xffff) tiff.view.setUint16(e.valueAt, value, tiff.little);
    if (e.type === typeLong) tiff.view.setUint32(e.valueAt, value, tiff.little);
  }
  return out;
}

/**
 * The output file with its input's EXIF (made right for the output) and ICC profile, when the
 * output has none of its own. An output that already carries metadata is the input passed
 * through unchanged (e.g. compression could not make it smaller), so it is left alone.
 */
export async function carryMetadata(
  input: Blob,
  output: Blob,
  size: { width: number; height: number },
): Promise<Blob> {
  const source = readMetadata(new Uint8Array(await input.arrayBuffer()));
  if (!source.exif && !source.icc) return output;
  const bytes = new Uint8Array(await output.arrayBuffer());
  if (!containerOf(bytes)) return output;
  const own = readMetadata(bytes);
  if (own.exif || own.icc) return output;
  const meta: ImageMetadata = {
    exif: source.exif ? exifForOutput(source.exif, size.width, size.height) : null,
    icc: source.icc,
  };
  try {
    return new Blob([writeMetadata(bytes, meta) as Uint8Array<ArrayBuffer>], { type: output.type });
  } catch {
    return output;
  }
}
