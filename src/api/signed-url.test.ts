import { describe, expect, it } from 'vitest';
import {
  createSigningSecret,
  fromBase64Url,
  importSigningKey,
  signPath,
  toBase64Url,
  verifySignedUrl,
} from './signed-url.ts';

// node:crypto is the reference WebCrypto is checked against. tsconfig.json types the browser,
// not Node, so the module is loaded untyped and given the little type these tests use.
interface NodeCrypto {
  createHmac(
    algorithm: 'sha256',
    key: Uint8Array,
  ): { update(data: string): { digest(as: 'base64url'): string } };
}
interface NodeBuffer {
  Buffer: { from(bytes: Uint8Array): { toString(as: 'base64url'): string } };
}
const { createHmac } = (await import('node:crypto' as string)) as NodeCrypto;
const { Buffer } = (await import('node:buffer' as string)) as NodeBuffer;

const secret = new Uint8Array(32).fill(7);
const now = Date.UTC(2026, 2, 27, 12);
const inAnHour = now + 3600_000;

/** Replaces one query parameter, leaving the rest of the URL as it was. */
function withParam(url: string, name: string, value: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set(name, value);
  return u.pathname + u.search;
}

describe('signPath', () => {
  it('appends expires (Unix seconds) and a base64url HMAC-SHA256 of "path\\nexpires"', async () => {
    const url = await signPath(secret, '/files/job-1/photo.png', inAnHour);
    const expires = String(inAnHour / 1000);
    const mac = createHmac('sha256', secret)
      .update(`/files/job-1/photo.png\n${expires}`)
      .digest('base64url');
    expect(url).toBe(`/files/job-1/photo.png?expires=${expires}&sig=${mac}`);
  });

  it('signs the same with a raw secret or an imported key', async () => {
    const key = await importSigningKey(secret);
    expect(await signPath(key, '/files/a', inAnHour)).toBe(
      await signPath(secret, '/files/a', inAnHour),
    );
  });

  it('normalises the path the way the router will see it', async () => {
    const url = await signPath(secret, '/files/a b/../c.png', inAnHour);
    expect(url.startsWith('/files/c.png?')).toBe(true);
    expect(await verifySignedUrl(secret, `http://127.0.0.1:4173${url}`, now)).toBe('ok');
  });

  it('refuses a path with its own query or fragment', async () => {
    await expect(signPath(secret, '/files/a?x=1', inAnHour)).rejects.toThrow(TypeError);
    await expect(signPath(secret, '/files/a#x', inAnHour)).rejects.toThrow(TypeError);
  });
});

describe('verifySignedUrl', () => {
  it('accepts a fresh URL, relative or absolute, string or URL', async () => {
    const url = await signPath(secret, '/files/job-1/out.png', inAnHour);
    expect(await verifySignedUrl(secret, url, now)).toBe('ok');
    expect(await verifySignedUrl(secret, `https://app.example${url}`, now)).toBe('ok');
    expect(await verifySignedUrl(secret, new URL(url, 'https://app.example'), now)).toBe('ok');
    expect(await verifySignedUrl(await importSigningKey(secret), url, now)).toBe('ok');
  });

  it('is expired from the signed second on, not before', async () => {
    const url = await signPath(secret, '/files/a', inAnHour);
    expect(await verifySignedUrl(secret, url, inAnHour - 1)).toBe('ok');
    expect(await verifySignedUrl(secret, url, inAnHour)).toBe('expired');
    expect(await verifySignedUrl(secret, url, inAnHour + 86_400_000)).toBe('expired');
  });

  it('calls a tampered path invalid', async () => {
    const url = await signPath(secret, '/files/job-1/out.png', inAnHour);
    expect(await verifySignedUrl(secret, url.replace('job-1', 'job-2'), now)).toBe('invalid');
    expect(await verifySignedUrl(secret, url.replace('/out.png', '/out.png/'), now)).toBe(
      'invalid',
    );
  });

  it('calls a tampered expiry invalid, whether stretched or shortened', async () => {
    const url = await signPath(secret, '/files/a', inAnHour);
    const later = withParam(url, 'expires', String(inAnHour / 1000 + 86_400));
    expect(await verifySignedUrl(secret, later, now)).toBe('invalid');
    // Moved into the past: still invalid, not 'expired'.
    const earlier = withParam(url, 'expires', String(now / 1000 - 1));
    expect(await verifySignedUrl(secret, earlier, now)).toBe('invalid');
  });

  it('calls a URL signed with another secret invalid', async () => {
    const url = await signPath(createSigningSecret(), '/files/a', inAnHour);
    expect(await verifySignedUrl(secret, url, now)).toBe('invalid');
  });

  it('calls a damaged or missing signature invalid', async () => {
    const url = await signPath(secret, '/files/a', inAnHour);
    const sig = new URL(url, 'http://x').searchParams.get('sig') ?? '';
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(await verifySignedUrl(secret, withParam(url, 'sig', flipped), now)).toBe('invalid');
    expect(await verifySignedUrl(secret, withParam(url, 'sig', sig.slice(0, -1)), now)).toBe(
      'invalid',
    );
    expect(await verifySignedUrl(secret, withParam(url, 'sig', ''), now)).toBe('invalid');
    expect(await verifySignedUrl(secret, withParam(url, 'sig', '!!!'), now)).toBe('invalid');
    expect(await verifySignedUrl(secret, '/files/a', now)).toBe('invalid');
    expect(await verifySignedUrl(secret, `/files/a?expires=${inAnHour / 1000}`, now)).toBe(
      'invalid',
    );
  });

  it('refuses a non-canonical spelling of the right signature', async () => {
    const url = await signPath(secret, '/files/a', inAnHour);
    const sig = new URL(url, 'http://x').searchParams.get('sig') ?? '';
    // 43 characters carry 258 bits for a 256-bit MAC: the last one's low 2 bits are unused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.slice(-1));
    const twin = sig.slice(0, -1) + alphabet.charAt(last ^ 1);
    expect(await verifySignedUrl(secret, withParam(url, 'sig', twin), now)).toBe('invalid');
  });

  it('calls extra, repeated or malformed parameters invalid', async () => {
    const url = await signPath(secret, '/files/a', inAnHour);
    expect(await verifySignedUrl(secret, `${url}&download=1`, now)).toBe('invalid');
    expect(await verifySignedUrl(secret, `${url}&sig=x`, now)).toBe('invalid');
    const expires = String(inAnHour / 1000);
    expect(await verifySignedUrl(secret, url.replace(expires, `${expires}.0`), now)).toBe(
      'invalid',
    );
    expect(await verifySignedUrl(secret, url.replace(expires, `-${expires}`), now)).toBe('invalid');
  });

  it('makes a fresh 32-byte secret each time', () => {
    const a = createSigningSecret();
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(createSigningSecret());
  });
});

describe('base64url', () => {
  it('matches Node and round-trips', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 33]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 250) % 256);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
    expect(fromBase64Url('a')).toBeNull();
    expect(fromBase64Url('ab+/')).toBeNull();
    expect(fromBase64Url('YQ==')).toBeNull();
  });
});
