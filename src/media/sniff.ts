/**
 * What an uploaded file really is, from its first bytes. A client's Content-Type and file name
 * are what it says; the bytes are what the decoder will get, so they decide.
 */

export type ImageType =
  | 'image/jpeg'
  | 'image/png'
  | 'image/webp'
  | 'image/gif'
  | 'image/tiff'
  | 'image/bmp'
  | 'image/avif'
  | 'image/heic';

export const imageTypeNames: Readonly<Record<ImageType, string>> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
  'image/tiff': 'TIFF',
  'image/bmp': 'BMP',
  'image/avif': 'AVIF',
  'image/heic': 'HEIC',
};

export type Sniffed = { image: ImageType } | { image: null; found: string };

/** How many leading bytes `sniffImage` needs. */
export const sniffBytes = 64;

export async function sniffBlob(blob: Blob): Promise<Sniffed> {
  return sniffImage(new Uint8Array(await blob.slice(0, sniffBytes).arrayBuffer()));
}

export function sniffImage(b: Uint8Array): Sniffed {
  const image = imageType(b);
  return image ? { image } : { image: null, found: describe(b) };
}

function startsWith(b: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return bytes.every((v, i) => b[at + i] === v);
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

const heifBrands: ReadonlySet<string> = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'hevm',
  'hevs',
  'mif1',
  'msf1',
]);

function imageType(b: Uint8Array): ImageType | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'image/gif';
  // Little- and big-endian TIFF, and BigTIFF (43 instead of 42).
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'image/tiff';
  if (startsWith(b, [0x49, 0x49, 0x2b, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2b]))
    return 'image/tiff';
  if (isBmp(b)) return 'image/bmp';
  return heifType(b);
}

/** "BM" alone is too weak (any text may start so): also require a known DIB header size. */
function isBmp(b: Uint8Array): boolean {
  if (ascii(b, 0, 2) !== 'BM' || b.length < 18) return false;
  const dibSize = (b[14] ?? 0) | ((b[15] ?? 0) << 8) | ((b[16] ?? 0) << 16) | ((b[17] ?? 0) << 24);
  return [12, 40, 52, 56, 64, 108, 124].includes(dibSize);
}

/** AVIF and HEIC are ISO-BMFF files: an `ftyp` box whose brands say which. */
function heifType(b: Uint8Array): ImageType | null {
  if (ascii(b, 4, 8) !== 'ftyp') return null;
  const boxSize = Math.min(
    ((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0),
    b.length,
  );
  const brands = [ascii(b, 8, 12)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(b, at, at + 4));
  if (brands.includes('avif') || brands.includes('avis')) return 'image/avif';
  if (brands.some((brand) => heifBrands.has(brand))) return 'image/heic';
  return null;
}

/** A few words for what a rejected file looks like, so the 400 says what was sent. */
function describe(b: Uint8Array): string {
  if (b.length === 0) return 'an empty file';
  if (ascii(b, 0, 5) === '%PDF-') return 'a PDF document';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive';
  if (startsWith(b, [0x1f, 0x8b])) return 'a gzip archive';
  if (ascii(b, 4, 8) === 'ftyp')
    return `an ISO media file (brand ${ascii(b, 8, 12).trim()}), e.g. MP4 or QuickTime video`;
  if (ascii(b, 0, 4) === 'RIFF') return `a RIFF ${ascii(b, 8, 12).trim()} file`;
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return 'a Matroska/WebM video';
  if (startsWith(b, [0xff, 0x0a]) || startsWith(b, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return 'a JPEG XL image (not supported)';
  if (startsWith(b, [0, 0, 1, 0])) return 'an ICO icon';
  const text = ascii(b, 0, Math.min(b.length, 64)).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('svg')))
    return 'an SVG image (not supported)';
  if (text.startsWith('<')) return 'an HTML or XML document';
  if (b.every((v) => v === 0x09 || v === 0x0a || v === 0x0d || (v >= 0x20 && v < 0x7f)))
    return 'plain text';
  const hex = Array.from(b.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
  return `unrecognized data starting with bytes ${hex}`;
}

export type VideoType = 'video/mp4' | 'video/quicktime' | 'video/webm';

/** Video containers, for inputs given by URL to the video dialect. */
export function sniffVideo(b: Uint8Array): VideoType | null {
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(b, 4, 8) !== 'ftyp' || heifType(b) !== null) return null;
  return ascii(b, 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
}
