/**
 * Unguessable, expiring URLs for output files: `path?expires=<unix s>&sig=<HMAC>`.
 *
 * The HMAC-SHA256 covers "path\nexpires" under one signing secret made once per install, so a
 * URL can be neither forged nor stretched past its expiry. The router answers 410 to 'expired'
 * and 403 to 'invalid'. Only a URL with a good signature can be 'expired': a tampered expiry
 * reads as 'invalid', never as a hint about what a valid one would be.
 */
import { copyBytes, timingSafeEqual } from './keys.ts';

export type SignedUrlCheck = 'ok' | 'expired' | 'invalid';

export type SigningSecret = CryptoKey | Uint8Array;

/** 32 random bytes: as long as the HMAC-SHA256 block needs to be at full strength. */
export function createSigningSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** Imports the secret once, for a caller that signs many URLs. */
export function importSigningKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    copyBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

/**
 * `path` with `expires` and `sig` appended. The path is normalised the way a Request's URL is
 * (dot segments resolved, unsafe characters percent-encoded) so the router checks exactly the
 * bytes that were signed. It may not carry its own query or fragment: those would be unsigned.
 */
export async function signPath(
  secret: SigningSecret,
  path: string,
  expiresAtMs: number,
): Promise<string> {
  if (path.includes('?') || path.includes('#'))
    throw new TypeError('A signed path may not have a query or fragment');
  if (!Number.isFinite(expiresAtMs)) throw new TypeError('expiresAtMs must be a finite number');
  const pathname = new URL(path, base).pathname;
  const expires = String(Math.floor(expiresAtMs / 1000));
  const sig = toBase64Url(await mac(secret, pathname, expires));
  return `${pathname}?expires=${expires}&sig=${sig}`;
}

/**
 * Checks a URL made by `signPath` (absolute, or path and query). Anything but exactly one
 * `expires` and one `sig` in the query is 'invalid', because an extra parameter is unsigned.
 */
export async function verifySignedUrl(
  secret: SigningSecret,
  url: string | URL,
  now: number,
): Promise<SignedUrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return 'invalid';
  }
  let params = 0;
  parsed.searchParams.forEach(() => params++);
  if (params !== 2) return 'invalid';
  const expires = parsed.searchParams.get('expires');
  const sig = parsed.searchParams.get('sig');
  if (expires === null || sig === null || !/^\d{1,12}$/.test(expires)) return 'invalid';
  const given = fromBase64Url(sig);
  if (given === null) return 'invalid';
  const expected = await mac(secret, parsed.pathname, expires);
  if (!timingSafeEqual(given, expected)) return 'invalid';
  return now >= Number(expires) * 1000 ? 'expired' : 'ok';
}

// Only used to parse and normalise paths; its host never appears in a signed URL.
const base = 'http://signed.invalid';

async function mac(secret: SigningSecret, pathname: string, expires: string): Promise<Uint8Array> {
  const key = secret instanceof Uint8Array ? await importSigningKey(secret) : secret;
  const data = new TextEncoder().encode(`${pathname}\n${expires}`);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Bytes of an unpadded base64url string, or null when it is not one. Only the canonical spelling
 * is accepted: the last character's unused bits must be zero, so no two strings mean one MAC.
 */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return toBase64Url(out) === text ? out : null;
}
