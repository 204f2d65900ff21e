/**
 * API keys for the service worker's REST dialects.
 *
 * Keys are made in Settings and shown once. Only their SHA-256 hash is stored, so a copy of the
 * IndexedDB database (a backup, a synced profile) cannot be replayed as a key.
 *
 * One key works for every dialect. The app has one local user, and every dialect reads and writes
 * the same jobs on the same origin, so tying a key to one dialect would protect nothing. The
 * dialect chosen at creation only picks the prefix, so a client written for that service gets a
 * key that looks as it expects (some clients check `upres_` or `sk_live_` before sending).
 */
import type { ApiDialect } from './limits-config.ts';

export const keyPrefixes: Readonly<Record<ApiDialect, string>> = {
  restorations: 'pk_live_',
  operations: 'sk_live_',
  upscale: 'upres_',
  video: 'sk_live_',
};

export const webhookSecretPrefix = 'whsec_';

/** 43 base62 characters carry 256.03 bits: at least the 32 random bytes a key must hold. */
export const secretChars = 43;

export interface ApiKeyRecord {
  id: string;
  label: string;
  /** The dialect whose key format it was made in; it is accepted by all of them. */
  style: ApiDialect;
  prefix: string;
  /** Lower-case hex SHA-256 of the whole secret, prefix included. */
  hash: string;
  /** The secret's last four characters, so the user can tell keys apart in Settings. */
  last4: string;
  /** Unix ms. */
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /**
   * Signs this key's webhooks. Kept in clear because signing needs it, and shown in Settings
   * (a receiver has to be given it); it grants no access to the API.
   */
  webhook_secret: string;
}

export interface NewApiKey {
  /** The only time the secret exists outside the caller: show it once, then drop it. */
  secret: string;
  record: ApiKeyRecord;
}

export async function createApiKey(
  style: ApiDialect,
  label: string,
  now: number,
): Promise<NewApiKey> {
  const prefix = keyPrefixes[style];
  const secret = prefix + randomBase62(secretChars);
  const record: ApiKeyRecord = {
    id: crypto.randomUUID(),
    label,
    style,
    prefix,
    hash: await hashKey(secret),
    last4: secret.slice(-4),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
    webhook_secret: createWebhookSecret(),
  };
  return { secret, record };
}

export function createWebhookSecret(): string {
  return webhookSecretPrefix + randomBase62(secretChars);
}

/** Lower-case hex SHA-256 of the secret's UTF-8 bytes. */
export async function hashKey(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return toHex(new Uint8Array(digest));
}

/**
 * The record the secret belongs to, or null when it matches none or its key is revoked.
 *
 * Every record is compared, in constant time, even after a match: how long this takes says
 * nothing about which record matched or how close a guess came.
 */
export async function verifyKey(
  secret: string,
  records: readonly ApiKeyRecord[],
): Promise<ApiKeyRecord | null> {
  const candidate = fromHex(await hashKey(secret));
  let found: ApiKeyRecord | null = null;
  for (const record of records) {
    const stored = fromHex(record.hash);
    const same = stored !== null && candidate !== null && timingSafeEqual(candidate, stored);
    if (same && record.revoked_at === null) found = record;
  }
  return found;
}

/** The record as it is after a request authenticated with it. */
export function touchKey(record: ApiKeyRecord, now: number): ApiKeyRecord {
  return { ...record, last_used_at: now };
}

export function revokeKey(record: ApiKeyRecord, now: number): ApiKeyRecord {
  return record.revoked_at === null ? { ...record, revoked_at: now } : record;
}

export function activeKeyCount(records: readonly ApiKeyRecord[]): number {
  return records.filter((r) => r.revoked_at === null).length;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null. The scheme is
 * case-insensitive (RFC 9110 §11.1); a token is one run of non-space characters.
 */
export function parseBearer(headerValue: string | null | undefined): string | null {
  if (headerValue == null) return null;
  const match = /^bearer[ \t]+(\S+)$/i.exec(headerValue.trim());
  return match?.[1] ?? null;
}

/**
 * Compares two byte arrays without an early exit: every byte is visited and folded into one
 * difference, so the time taken does not reveal where the first mismatch is. A length mismatch
 * is folded in too (lengths of hashes and MACs are public, so only correctness matters there).
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `length` uniformly random base62 characters. Bytes of 248 and above are thrown away
 * (248 = 4 × 62), because `byte % 62` over the full 0..255 range would favour the first digits.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // getRandomValues fills at most 65,536 bytes per call.
    const need = Math.min(65_536, (length - out.length) * 2);
    const bytes = crypto.getRandomValues(new Uint8Array(need));
    for (const byte of bytes) {
      if (byte >= 248) continue;
      out += base62.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of an even-length hex string, or null when it is not one. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A copy over a plain ArrayBuffer, which WebCrypto's BufferSource type asks for. */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}
