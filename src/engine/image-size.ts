/**
 * The pixel size an image file declares in its header (PNG, JPEG, WebP, GIF, BMP), read from its
 * first bytes without decoding it: enough for a time estimate. Null for anything else.
 */
export function headerSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number, length: number) =>
    at + length <= bytes.length ? String.fromCharCode(...bytes.subarray(at, at + length)) : '';
  if (ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR')
    return sized(view.getUint32(16), view.getUint32(20));
  if (ascii(0, 3) === 'GIF' && bytes.length >= 10)
    return sized(view.getUint16(6, true), view.getUint16(8, true));
  if (ascii(0, 2) === 'BM' && bytes.length >= 26)
    return sized(view.getInt32(18, true), Math.abs(view.getInt32(22, true)));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return webpSize(bytes, view, ascii(12, 4));
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes, view);
  return null;
}

function sized(width: number, height: number) {
  return width > 0 && height > 0 ? { width, height } : null;
}

function webpSize(bytes: Uint8Array, view: DataView, chunk: string) {
  if (bytes.length < 30) return null;
  if (chunk === 'VP8X') {
    const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    return sized(u24(24) + 1, u24(27) + 1);
  }
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return sized((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8 ')
    return sized(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  return null;
}

function jpegSize(bytes: Uint8Array, view: DataView) {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return sized(view.getUint16(at + 7), view.getUint16(at + 5));
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}

/** The size a Blob's header declares; reads at most its first 256 KiB (JPEGs with big EXIF). */
export async function blobSize(blob: Blob): Promise<{ width: number; height: number } | null> {
  try {
    return headerSize(new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer()));
  } catch {
    return null;
  }
}
