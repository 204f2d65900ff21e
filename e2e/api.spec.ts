import { expect, test } from '@playwright/test';
import { call, createKey, openControlled, pollUntil } from './support/api.ts';
import { decodePng } from './support/images.ts';

test.beforeEach(async ({ page }) => {
  await openControlled(page);
});

test('upscale dialect: multipart job, poll, signed result with ranges, list, as the OpenAPI says', async ({
  page,
}) => {
  const key = await createKey(page, 'upres.ai (upres_…)');
  expect(key).toMatch(/^upres_/);

  const created = await call(page, 'POST', '/v1/jobs', {
    key,
    form: { image: { fixture: 'photo-small-32.png', type: 'image/png' }, scale: '2' },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    status: 'pending',
    model: 'wavespeed-ai/real-esrgan',
    scale: 2,
  });
  expect(created.headers['x-ratelimit-limit']).toBe('60');
  expect(Number(created.headers['x-ratelimit-remaining'])).toBeLessThan(60);
  const { id } = created.body as { id: string };
  expect(id).toMatch(/^[0-9a-f-]{36}$/);

  const job = await pollUntil(page, `/v1/jobs/${id}`, key, (b) => b.status === 'completed');
  expect(job).toMatchObject({ id, model: 'wavespeed-ai/real-esrgan', scale: 2, error: null });
  expect(job.original_filename).toBe('photo-small-32.png');
  const resultUrl = String(job.result_url);
  expect(new URL(resultUrl).origin).toBe(new URL(page.url()).origin);

  const file = await call(page, 'GET', resultUrl, { binary: true });
  expect(file.status).toBe(200);
  expect(file.headers['content-type']).toBe('image/png');
  expect(Number(file.headers['content-length'])).toBe(file.bytes!.length);
  const image = decodePng(new Uint8Array(file.bytes!));
  expect([image.width, image.height]).toEqual([64, 64]);

  const part = await call(page, 'GET', resultUrl, {
    binary: true,
    headers: { Range: 'bytes=0-7' },
  });
  expect(part.status).toBe(206);
  expect(part.bytes).toEqual(file.bytes!.slice(0, 8));

  const tampered = await call(page, 'GET', resultUrl.replace(/sig=[^&]+/, 'sig=AAAA'), {
    binary: true,
  });
  expect(tampered.status).toBe(403);

  const list = await call(page, 'GET', '/v1/jobs?limit=10&status=completed', { key });
  expect(list.status).toBe(200);
  expect(list.body).toMatchObject({ has_more: false });
  expect((list.body as { data: { id: string }[] }).data.map((j) => j.id)).toContain(id);
});

test('operations dialect: the seed example (upload, create, poll until completed) as written', async ({
  page,
}) => {
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)');
  expect(key).toMatch(/^sk_live_/);

  const upload = await call(page, 'POST', '/api/v1/upload/api', {
    key,
    form: { file: { fixture: 'photo-small-32.png', type: 'image/png' } },
  });
  expect(upload.status).toBe(200);
  expect(upload.body).toMatchObject({ filename: 'photo-small-32.png', content_type: 'image/png' });
  const storageKey = (upload.body as { storage_key: string }).storage_key;
  expect(upload.headers['x-ratelimit-limit']).toBe('50');
  expect(upload.headers['x-ratelimit-limit-month']).toBe('50000');

  const job = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: { input_key: storageKey, operations: [{ type: 'enhance', params: { scale: 2 } }] },
  });
  expect([200, 201]).toContain(job.status);
  const id = (job.body as { id: string }).id;

  const done = await pollUntil(page, `/api/v1/jobs/api/${id}`, key, (b) =>
    ['completed', 'failed'].includes(String(b.status)),
  );
  expect(done).toMatchObject({ id, status: 'completed', error_message: null });
  expect(Object.keys(done).sort()).toEqual(
    ['created_at', 'error_message', 'id', 'input_url', 'output_url', 'status', 'updated_at'].sort(),
  );
  const output = await call(page, 'GET', String(done.output_url), { binary: true });
  expect(output.status).toBe(200);
  expect(decodePng(new Uint8Array(output.bytes!)).width).toBe(64);

  const bad = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: { input_key: storageKey, operations: [{ type: 'enhance', params: { scale: 9 } }] },
  });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('scale');
});

test('no key, a wrong key and a revoked key are refused in each dialect’s format', async ({
  page,
}) => {
  const none = await call(page, 'GET', '/v1/jobs');
  expect(none.status).toBe(401);
  expect(none.body).toEqual({ error: expect.any(String) });
  const wrong = await call(page, 'GET', '/api/v1/restorations', { key: 'pk_live_nope' });
  expect(wrong.status).toBe(401);

  const key = await createKey(page, 'PicRenew (pk_live_…)', 'soon revoked');
  expect((await call(page, 'GET', '/api/v1/restorations', { key })).status).toBe(200);
  await page.getByRole('button', { name: 'Revoke soon revoked' }).click();
  await expect(page.getByText('revoked', { exact: true })).toBeVisible();
  expect((await call(page, 'GET', '/api/v1/restorations', { key })).status).toBe(401);
});

test('bad requests get the dialect’s 4xx with a reason, never a 500', async ({ page }) => {
  const key = await createKey(page, 'upres.ai (upres_…)');
  const malformed = await call(page, 'POST', '/v1/jobs', { key, text: '{"image_url": ' });
  expect(malformed.status).toBe(400);
  expect(malformed.body).toEqual({ error: expect.stringMatching(/JSON/i) });

  const scale = await call(page, 'POST', '/v1/jobs', {
    key,
    json: { image_url: 'https://example.com/a.jpg', scale: 12 },
  });
  expect(scale.status).toBe(400);
  expect(JSON.stringify(scale.body)).toContain('scale');

  const unknown = await call(page, 'GET', '/v1/nothing-here', { key });
  expect(unknown.status).toBe(404);
  expect(unknown.headers['content-type']).toContain('application/json');

  const missing = await call(page, 'GET', '/v1/jobs/00000000-0000-4000-8000-000000000000', { key });
  expect(missing.status).toBe(404);

  const limit = await call(page, 'GET', '/v1/jobs?limit=0', { key });
  expect(limit.status).toBe(400);
});

test('openapi.json documents all four dialects', async ({ page }) => {
  const doc = await call(page, 'GET', '/openapi.json');
  expect(doc.status).toBe(200);
  const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
  for (const path of ['/v1/jobs', '/api/v1/restorations', '/api/v1/jobs/api', '/v2/enhance']) {
    expect(paths.some((p) => p.startsWith(path))).toBe(true);
  }
});

test('past the per-minute limit 429 with Retry-After; past the monthly quota 402 with quota and used', async ({
  page,
}) => {
  const key = await createKey(page, 'upres.ai (upres_…)');
  await page.getByLabel('Requests per minute for upscale').fill('3');
  await page.getByLabel('Requests per minute for upscale').press('Tab');
  await page.getByLabel('Jobs per month for upscale').fill('1');
  await page.getByLabel('Jobs per month for upscale').press('Tab');

  // The window is a fixed UTC minute: start well inside one so it cannot reset mid-test.
  const second = new Date().getUTCSeconds();
  if (second > 45) await page.waitForTimeout((61 - second) * 1000);

  const job = { image_url: 'https://example.com/a.jpg', scale: 2 };
  const first = await call(page, 'POST', '/v1/jobs', { key, json: job });
  expect(first.status).toBe(201);
  expect(first.headers['x-ratelimit-limit']).toBe('3');
  expect(first.headers['x-ratelimit-remaining']).toBe('2');

  const overQuota = await call(page, 'POST', '/v1/jobs', { key, json: job });
  expect(overQuota.status).toBe(402);
  expect(overQuota.body).toEqual({ error: expect.any(String), quota: 1, used: 1 });

  // The refused request was not counted: two more fit in this minute, then 429.
  expect((await call(page, 'GET', '/v1/jobs', { key })).status).toBe(200);
  const last = await call(page, 'GET', '/v1/jobs', { key });
  expect(last.headers['x-ratelimit-remaining']).toBe('0');
  const limited = await call(page, 'GET', '/v1/jobs', { key });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(limited.body).toEqual({ error: expect.any(String) });
});
