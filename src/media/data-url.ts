import { imageTypeNames, sniffImage } from './sniff.ts';

/**
 * Masks arrive as `data:image/png;base64,…` URLs (the seed's `mask_data_url`). Checked cheaply
 * when a request is made (the form, the base64 alphabet, and that the first bytes are an image the
 * browser decodes: PNG, JPEG, WebP, GIF, BMP…); decoded only when the job runs, in the worker.
 */

/** A mask is one picture, so this is generous: a 8K×8K PNG of black and white is far smaller. */
export const maxMaskBytes = 20 * 1024 * 1024;

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)?((?:;[a-z0-9.+-]+=[^;,]*)*);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

interface Parsed {
  type: string;
  base64: string;
}

function parse(value: unknown): Parsed | string {
  if (typeof value !== 'string') return 'must be a data: URL string (data:image/png;base64,…)';
  const head = DATA_URL.exec(value);
  if (!head) {
    return /^data:/i.test(value)
      ? 'must be base64-encoded: data:image/png;base64,…'
      : `must be a data: URL (data:image/png;base64,…), got "${value.slice(0, 24)}…"`;
  }
  const type = (head[1] ?? '').toLowerCase();
  if (!type.startsWith('image/')) {
    return `must be a data: URL of an image (image/png, image/jpeg…), not "${type || 'text/plain'}"`;
  }
  const base64 = value.slice(head[0].length).replace(/\s+/g, '');
  if (base64.length === 0) return 'is a data: URL with no image in it';
  if (!BASE64.test(base64) || base64.length % 4 === 1) return 'has characters that are not base64';
  if ((base64.length * 3) / 4 > maxMaskBytes) {
    return `is larger than ${maxMaskBytes / 1024 / 1024} MB`;
  }
  return { type, base64 };
}

function decodeBase64(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** What is wrong with a mask data URL, as a phrase after its name; null when it looks right. */
export function checkImageDataUrl(value: unknown): string | null {
  const parsed = parse(value);
  if (typeof parsed === 'string') return parsed;
  // 64 bytes are enough to recognise every format the sniffer knows.
  const head = decodeBase64(parsed.base64.slice(0, 88).replace(/=+$/, '').slice(0, 84));
  const sniffed = sniffImage(head);
  if (!sniffed.image) {
    return `does not hold an image (its bytes look like ${sniffed.found}); send a PNG`;
  }
  return null;
}

/** The image inside a data URL, as a Blob typed by its bytes. */
export function dataUrlBlob(value: string): Blob {
  const parsed = parse(value);
  if (typeof parsed === 'string') throw new Error(`The mask ${parsed}`);
  const bytes = decodeBase64(parsed.base64);
  const sniffed = sniffImage(bytes.subarray(0, 64));
  const type = sniffed.image ?? parsed.type;
  return new Blob([bytes as BlobPart], { type });
}

/** The formats a mask may be in, for help texts. */
export const maskFormats = Object.values(imageTypeNames).join(', ');
