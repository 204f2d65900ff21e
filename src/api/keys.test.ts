import { describe, expect, it } from 'vitest';
import {
  type ApiKeyRecord,
  activeKeyCount,
  createApiKey,
  createWebhookSecret,
  fromHex,
  hashKey,
  keyPrefixes,
  parseBearer,
  randomBase62,
  revokeKey,
  secretChars,
  timingSafeEqual,
  toHex,
  touchKey,
  verifyKey,
} from './keys.ts';

// node:crypto is the reference WebCrypto is checked against. tsconfig.json types the browser,
// not Node, so the module is loaded untyped and given the little type these tests use.
interface NodeCrypto {
  createHash(algorithm: 'sha256'): {
    update(data: string, encoding?: 'utf8'): { digest(as: 'hex'): string };
  };
}
const { createHash } = (await import('node:crypto' as string)) as NodeCrypto;

const now = Date.UTC(2026, 2, 27, 12);

describe('createApiKey', () => {
  it.each([
    ['restorations', 'pk_live_'],
    ['operations', 'sk_live_'],
    ['upscale', 'upres_'],
    ['video', 'sk_live_'],
  ] as const)('gives a %s key the prefix %s and 43 base62 characters', async (style, prefix) => {
    const { secret, record } = await createApiKey(style, 'laptop', now);
    expect(keyPrefixes[style]).toBe(prefix);
    expect(secret.startsWith(prefix)).toBe(true);
    expect(secret.slice(prefix.length)).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(record).toMatchObject({
      label: 'laptop',
      style,
      prefix,
      last4: secret.slice(-4),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    });
  });

  it('carries at least 256 bits of randomness', () => {
    expect(secretChars * Math.log2(62)).toBeGreaterThanOrEqual(256);
  });

  it('never repeats a secret, an id or a webhook secret in 1000 keys', async () => {
    const keys = await Promise.all(
      Array.from({ length: 1000 }, () => createApiKey('upscale', 'k', now)),
    );
    expect(new Set(keys.map((k) => k.secret)).size).toBe(1000);
    expect(new Set(keys.map((k) => k.record.id)).size).toBe(1000);
    expect(new Set(keys.map((k) => k.record.webhook_secret)).size).toBe(1000);
  });

  it('spreads characters evenly over the base62 alphabet', () => {
    const sample = randomBase62(62_000);
    const counts = new Map<string, number>();
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 1000 each; a modulo bias on 0..255 would push the first 8 digits to ~1250.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(820);
      expect(n).toBeLessThan(1180);
    }
  });

  it('stores the SHA-256 hex of the secret, never the secret', async () => {
    const { secret, record } = await createApiKey('operations', 'ci', now);
    expect(record.hash).toBe(createHash('sha256').update(secret).digest('hex'));
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(keyPrefixes.operations.length));
    expect(Object.values(record)).not.toContain(secret);
  });

  it('gives each key a whsec_ webhook secret', async () => {
    const { record } = await createApiKey('video', 'hooks', now);
    expect(record.webhook_secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
    expect(createWebhookSecret()).not.toBe(record.webhook_secret);
  });
});

describe('hashKey', () => {
  it('is SHA-256 over the UTF-8 bytes, in lower-case hex', async () => {
    expect(await hashKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await hashKey('ключ')).toBe(createHash('sha256').update('ключ', 'utf8').digest('hex'));
  });
});

describe('verifyKey', () => {
  async function keys(): Promise<{ secrets: string[]; records: ApiKeyRecord[] }> {
    const made = await Promise.all([
      createApiKey('restorations', 'a', now),
      createApiKey('upscale', 'b', now),
      createApiKey('video', 'c', now),
    ]);
    return { secrets: made.map((k) => k.secret), records: made.map((k) => k.record) };
  }

  it('finds the record a secret belongs to, whichever dialect it was made for', async () => {
    const { secrets, records } = await keys();
    for (const [i, secret] of secrets.entries())
      expect((await verifyKey(secret, records))?.id).toBe(records[i]?.id);
  });

  it('refuses an unknown, altered, prefix-only or empty secret', async () => {
    const { secrets, records } = await keys();
    const secret = secrets[1] ?? '';
    const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
    expect(await verifyKey(flipped, records)).toBeNull();
    expect(await verifyKey(secret + 'x', records)).toBeNull();
    expect(await verifyKey('upres_', records)).toBeNull();
    expect(await verifyKey('', records)).toBeNull();
    expect(await verifyKey(secret, [])).toBeNull();
  });

  it('refuses a revoked key and still accepts the others', async () => {
    const { secrets, records } = await keys();
    const revoked = records.map((r, i) => (i === 0 ? revokeKey(r, now + 1) : r));
    expect(revoked[0]?.revoked_at).toBe(now + 1);
    expect(await verifyKey(secrets[0] ?? '', revoked)).toBeNull();
    expect((await verifyKey(secrets[2] ?? '', revoked))?.id).toBe(records[2]?.id);
    expect(activeKeyCount(revoked)).toBe(2);
  });

  it('ignores a record whose stored hash is damaged', async () => {
    const { secrets, records } = await keys();
    const damaged = records.map((r) => ({ ...r, hash: 'zz' + r.hash.slice(2) }));
    expect(await verifyKey(secrets[0] ?? '', damaged)).toBeNull();
  });

  it('keeps a revocation time once set, and records use', async () => {
    const { records } = await keys();
    const record = records[0] as ApiKeyRecord;
    expect(revokeKey(revokeKey(record, 5), 9).revoked_at).toBe(5);
    expect(touchKey(record, 7).last_used_at).toBe(7);
  });
});

describe('timingSafeEqual', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  it('is true only for equal bytes', () => {
    expect(timingSafeEqual(bytes(1, 2, 3), bytes(1, 2, 3))).toBe(true);
    expect(timingSafeEqual(bytes(), bytes())).toBe(true);
    expect(timingSafeEqual(bytes(1, 2, 3), bytes(1, 2, 4))).toBe(false);
    expect(timingSafeEqual(bytes(0, 2, 3), bytes(1, 2, 3))).toBe(false);
    expect(timingSafeEqual(bytes(255), bytes(0))).toBe(false);
  });

  it('is false for different lengths, even when one is the start of the other', () => {
    expect(timingSafeEqual(bytes(1, 2), bytes(1, 2, 3))).toBe(false);
    expect(timingSafeEqual(bytes(1, 2, 0), bytes(1, 2))).toBe(false);
    expect(timingSafeEqual(bytes(), bytes(0))).toBe(false);
  });
});

describe('hex', () => {
  it('round-trips bytes and rejects what is not hex', () => {
    const b = new Uint8Array([0, 1, 15, 16, 255]);
    expect(toHex(b)).toBe('00010f10ff');
    expect(fromHex('00010f10ff')).toEqual(b);
    expect(fromHex('ABCD')).toEqual(new Uint8Array([0xab, 0xcd]));
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
    expect(fromHex('+1')).toBeNull();
  });
});

describe('parseBearer', () => {
  it.each([
    ['Bearer sk_live_abc', 'sk_live_abc'],
    ['bearer sk_live_abc', 'sk_live_abc'],
    ['BEARER sk_live_abc', 'sk_live_abc'],
    ['  Bearer   sk_live_abc  ', 'sk_live_abc'],
    ['Bearer\tupres_x', 'upres_x'],
  ])('reads %j as %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['   '],
    ['Bearer'],
    ['Bearer '],
    ['Bearer    '],
    ['Bearersk_live_abc'],
    ['Basic dXNlcjpwYXNz'],
    ['sk_live_abc'],
    ['Bearer two tokens'],
    ['Token Bearer abc'],
  ])('refuses %j', (header) => {
    expect(parseBearer(header)).toBeNull();
  });
});
