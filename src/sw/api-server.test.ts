import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '@/api/keys.ts';
import { ApiRecords } from '@/api/store/records.ts';
import { JobStore } from '@/jobs/store.ts';
import { createApiServer } from './api-server.ts';

/* The service worker's API server on a fake-indexeddb store: what only the whole server shows. */

const origin = 'http://127.0.0.1:4173';
const photo = 'https://example.com/photo.png';
let dbCount = 0;

async function server() {
  const store = await JobStore.open(`api-server-${dbCount++}`);
  const records = new ApiRecords(store.db);
  const now = Date.UTC(2026, 2, 27, 12);
  const key = await createApiKey('upscale', 'k', now);
  await records.putKey(key.record);
  const api = createApiServer({
    store: Promise.resolve(store),
    records: Promise.resolve(records),
    origin,
    now: () => now,
    post: () => {},
  });
  const call = async (method: string, path: string, json?: unknown) => {
    const response = await api.handle(
      new Request(origin + path, {
        method,
        headers: {
          authorization: `Bearer ${key.secret}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { store, records, call };
}

describe('the API server', () => {
  it('counts only created jobs against the upscale quota, not refused requests', async () => {
    const { records, call } = await server();
    await records.putSetting('limits', {
      dialects: { upscale: { perMinute: 1000, monthlyQuota: 1 } },
    });
    expect((await call('POST', '/v1/jobs', { image_url: 'not a url' })).status).toBe(400);
    expect((await call('POST', '/v1/jobs', { image_url: 42 })).status).toBe(400);
    expect((await call('POST', '/v1/jobs/x/cancel')).status).toBeGreaterThanOrEqual(400);
    expect((await call('POST', '/v1/jobs', { image_url: photo })).status).toBe(201);
    expect((await call('POST', '/v1/jobs', { image_url: photo })).status).toBe(402);
  });
});
