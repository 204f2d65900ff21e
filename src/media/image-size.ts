/**
 * The pixel size an image file declares in its header, read without decoding it. A 30 KB file can
 * declare 30000×30000 pixels (a decompression bomb: 3.6 GB of RGBA once decoded), so the size is
 * checked against the limit before any decoder is given the bytes.
 */

/** Largest input we decode: beyond this the RGBA buffer alone would not fit a tab's memory. */
export const MAX_INPUT_PIXELS = 64 * 1024 * 1024;

export interface DeclaredSize {
  width: number;
  height: number;
}

function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function u24le(b: Uint8Array, at: number): number {
  return u16le(b, at) | ((b[at + 2] ?? 0) << 16);
}

function u32be(b: Uint8Array, at: number): number {
  return u16be(b, at) * 65536 + u16be(b, at + 2);
}

function i32le(b: Uint8Array, at: number): number {
  return u16le(b, at) | (u16le(b, at + 2) << 16);
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/**
 * The width and height the header declares, or null when the format is not one read here (TIFF,
 * AVIF, HEIC: their decoders are checked after decoding) or the header is cut short.
 */
export function declaredSize(b: Uint8Array): DeclaredSize | null {
  if (b[0] === 0x89 && ascii(b, 1, 4) === 'PNG') {
    return b.length >= 24 && ascii(b, 12, 16) === 'IHDR'
      ? { width: u32be(b, 16), height: u32be(b, 20) }
      : null;
  }
  if (b[0] === 0xff && b[1] === 0xd8) return jpegSize(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return webpSize(b);
  if (ascii(b, 0, 3) === 'GIF')
    return b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : null;
  if (ascii(b, 0, 2) === 'BM' && b.length >= 26) {
    if (i32le(b, 14) === 12) return { width: u16le(b, 18), height: u16le(b, 20) };
    return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
  }
  return null;
}

/** Walks the JPEG's marker segments to the first start-of-frame, skipping EXIF and the rest. */
function jpegSize(b: Uint8Array): DeclaredSize | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM and RST0–7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = u16be(b, at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      return at + 9 <= b.length ? { width: u16be(b, at + 7), height: u16be(b, at + 5) } : null;
    }
    if (marker === 0xda || length < 2) return null; // image data before any frame header
    at += 2 + length;
  }
  return null;
}

function webpSize(b: Uint8Array): DeclaredSize | null {
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8X' && b.length >= 30) {
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  if (chunk === 'VP8 ' && b.length >= 30) {
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return null;
}

/** How many leading bytes are read for the size; a JPEG's EXIF and ICC segments come first. */
const headBytes = 512 * 1024;

/** The declared size of a Blob, reading only its head (the whole file for a JPEG if need be). */
export async function declaredSizeOf(blob: Blob): Promise<DeclaredSize | null> {
  const head = new Uint8Array(await blob.slice(0, headBytes).arrayBuffer());
  const size = declaredSize(head);
  if (size || blob.size <= headBytes || head[0] !== 0xff || head[1] !== 0xd8) return size;
  return declaredSize(new Uint8Array(await blob.arrayBuffer()));
}

/** Why an image of this declared size is refused, or null when it is within the limit. */
export function oversizeReason(size: DeclaredSize | null): string | null {
  if (!size || size.width * size.height <= MAX_INPUT_PIXELS) return null;
  const megapixels = Math.round((size.width * size.height) / 1e6);
  return `This image declares ${size.width}×${size.height} pixels (${megapixels} megapixels); the largest supported input is ${MAX_INPUT_PIXELS / 1024 / 1024} megapixels, so it was not decoded.`;
}
