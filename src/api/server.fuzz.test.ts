import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { recordPart, scaled } from '../../e2e/support/chaos-figures.ts';
import { ApiRecords } from './store/records.ts';
import { JobStore } from '@/jobs/store.ts';
import { createApiServer } from '@/sw/api-server.ts';
import { createApiKey, revokeKey, timingSafeEqual } from './keys.ts';

/*
 * The service worker's API server on a real (fake-indexeddb) store: authentication is fuzzed
 * here, before any dialect code runs. Every request without a valid, unrevoked key gets its
 * dialect's 401 with a message, leaves the stored jobs as they were, and no secret is logged.
 */

const runs = scaled(1_500, 200);
const origin = 'http://127.0.0.1:4173';

let dbCount = 0;

async function server() {
  const store = await JobStore.open(`server-fuzz-${dbCount++}`);
  const records = new ApiRecords(store.db);
  const now = Date.UTC(2026, 2, 27, 12);
  const good = await createApiKey('upscale', 'good', now);
  const revoked = await createApiKey('restorations', 'revoked', now);
  await records.putKey(good.record);
  await records.putKey(revokeKey(revoked.record, now));
  const api = createApiServer({
    store: Promise.resolve(store),
    records: Promise.resolve(records),
    origin,
    now: () => now,
    post: () => {},
  });
  const call = (method: string, path: string, authorization?: string, json?: unknown) => {
    const headers = new Headers();
    if (authorization !== undefined) headers.set('authorization', authorization);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return api.handle(
      new Request(origin + path, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
      }),
    );
  };
  const snapshot = async () => JSON.stringify(await store.list());
  return { store, records, good, revoked, call, snapshot };
}

const endpoints: ReadonlyArray<[string, string]> = [
  ['POST', '/api/v1/restorations'],
  ['GET', '/api/v1/restorations'],
  ['GET', '/api/v1/restorations/00000000-0000-4000-8000-000000000001'],
  ['POST', '/api/v1/jobs/api'],
  ['POST', '/v1/jobs'],
  ['GET', '/v1/jobs'],
  ['POST', '/v2/enhance'],
  ['GET', '/v2/jobs'],
  ['POST', '/v2/jobs/job_1/cancel'],
];

function messageOf(body: unknown): string {
  const b = body as { error?: unknown; detail?: unknown };
  if (typeof b.error === 'string') return b.error;
  if (typeof b.detail === 'string') return b.detail;
  return String((b.error as { message?: unknown } | undefined)?.message ?? '');
}

const figures = { inputs_tried: 0, answered_500: 0, stored_jobs_damaged: 0, checks: 0, passed: 0 };

afterAll(async () => {
  await recordPart(
    'fuzz-auth',
    {
      inputs_tried: figures.inputs_tried,
      answered_500: figures.answered_500,
      stored_jobs_damaged: figures.stored_jobs_damaged,
      checks_tried: figures.checks,
      checks_passed: figures.passed,
    },
    [
      'vitest, service-worker API server on fake-indexeddb: missing, malformed, altered, revoked keys',
    ],
  );
});

/** Counts a security check as tried, and as passed once its expectations held. */
async function check(run: () => Promise<void> | void): Promise<void> {
  figures.checks++;
  await run();
  figures.passed++;
}

describe('fuzzing authentication in the service worker API server', () => {
  it(`refuses ${runs} requests with a missing, malformed, altered or revoked key`, async () => {
    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
    const s = await server();
    const seeded = await s.call('POST', '/v1/jobs', `Bearer ${s.good.secret}`, {
      image_url: 'https://a.example/a.png',
    });
    expect(seeded.status).toBe(201);
    const good = s.good.secret;
    const badKey = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Token ${good}`, `${good}`),
      fc.constant(`Bearer ${s.revoked.secret}`),
      fc.constant(`bearer ${good} extra`),
      fc.constant(
        `Bearer ${good.toLowerCase() === good ? good.toUpperCase() : good.toLowerCase()}`,
      ),
      fc
        .tuple(fc.nat({ max: good.length - 1 }), fc.constantFrom(...'0Aaz9Z'))
        .filter(([at, c]) => good[at] !== c)
        .map(([at, c]) => `Bearer ${good.slice(0, at)}${c}${good.slice(at + 1)}`),
      fc.constant(`Bearer ${good.slice(0, -1)}`),
      fc.constant(`Bearer ${good}x`),
      fc.constantFrom('upres_', 'pk_live_', 'sk_live_').map((p) => `Bearer ${p}`),
      fc.string({ maxLength: 80 }).map((t) => `Bearer ${t}`),
      fc.constant(`Bearer ${'k'.repeat(100_000)}`),
    );
    const before = await s.snapshot();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), badKey, async ([method, path], auth) => {
        let response: Response;
        try {
          response = await s.call(
            method,
            path,
            auth,
            method === 'POST' ? { image_url: 'https://a.example/x.png' } : undefined,
          );
        } catch (error) {
          // Headers refuses some generated values (control characters): so would the browser.
          if (error instanceof TypeError) return;
          throw error;
        }
        figures.inputs_tried++;
        if (response.status >= 500) figures.answered_500++;
        const body: unknown = await response.json();
        expect(response.status).toBe(401);
        expect(messageOf(body)).toMatch(/API key/);
      }),
      { numRuns: runs },
    );
    const after = await s.snapshot();
    if (after !== before) figures.stored_jobs_damaged++;
    expect(after).toBe(before);
    await check(() => {
      expect(
        logged.filter((line) => line.includes(good) || line.includes(s.revoked.secret)),
      ).toEqual([]);
    });
    s.store.close();
  }, 600_000);

  it('stops a revoked key at once', async () => {
    await check(async () => {
      const s = await server();
      const auth = `Bearer ${s.good.secret}`;
      expect((await s.call('GET', '/v1/jobs', auth)).status).toBe(200);
      await s.records.putKey(revokeKey(s.good.record, Date.now()));
      const response = await s.call('GET', '/v1/jobs', auth);
      expect(response.status).toBe(401);
      s.store.close();
    });
  });

  it('stores keys only as a SHA-256 hash', async () => {
    await check(async () => {
      const s = await server();
      const stored = JSON.stringify(await s.records.keys());
      expect(stored).not.toContain(s.good.secret);
      expect(stored).not.toContain(s.revoked.secret);
      expect(s.good.record.hash).toMatch(/^[0-9a-f]{64}$/);
      s.store.close();
    });
  });

  it('compares in constant time: timingSafeEqual agrees with equality on any bytes', async () => {
    await check(() => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
          const equal = a.length === b.length && a.every((v, i) => v === b[i]);
          expect(timingSafeEqual(a, b)).toBe(equal);
          expect(timingSafeEqual(a, Uint8Array.from(a))).toBe(true);
        }),
        { numRuns: 2000 },
      );
    });
  });
});
