import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { call, createKey, openControlled, pollUntil } from './support/api.ts';
import { fixture } from './support/app.ts';

interface Received {
  body: string;
  signature: string | undefined;
}

/** A webhook receiver that answers CORS, as a browser-sent webhook needs, and fails at first. */
async function startReceiver(failuresFirst: number) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, x-retroiva-signature');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-retroiva-signature'] as string | undefined });
      res.writeHead(received.length <= failuresFirst ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => server.close() };
}

test('restorations: idempotent create, signed webhook retried until delivered, refund of a failed one, delete', async ({
  page,
}) => {
  const receiver = await startReceiver(1);
  try {
    await openControlled(page);
    const key = await createKey(page, 'PicRenew (pk_live_…)', 'hooks');
    const secret = (await page
      .locator('.keys li', { hasText: 'hooks' })
      .locator('code')
      .nth(1)
      .textContent())!;
    expect(secret).toMatch(/^whsec_/);

    const png = (await readFile(fixture('photo-small-32.png'))).toString('base64');
    const request = {
      image_url: `data:image/png;base64,${png}`,
      preset: 'standard',
      callback_url: receiver.url,
      idempotency_key: 'grandma-1952',
    };
    const first = await call(page, 'POST', '/api/v1/restorations', { key, json: request });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      status: 'analyzing',
      preset: 'standard',
      resolution: '1k',
      credits_charged: 1,
    });
    const id = (first.body as { id: string }).id;
    const again = await call(page, 'POST', '/api/v1/restorations', { key, json: request });
    expect((again.body as { id: string }).id).toBe(id);
    const list = await call(page, 'GET', '/api/v1/restorations', { key });
    expect((list.body as { restorations: unknown[] }).restorations).toHaveLength(1);

    const ended = await pollUntil(page, `/api/v1/restorations/${id}`, key, (b) =>
      ['complete', 'failed'].includes(String(b.status)),
    );
    expect(ended.status).toBe('complete');

    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(2);
    const [attempt1, attempt2] = receiver.received;
    expect(attempt2!.body).toBe(attempt1!.body);
    const expected = createHmac('sha256', secret).update(attempt2!.body).digest('hex');
    expect(attempt2!.signature).toBe(expected);
    // The seed's own check re-serialises the parsed body: it must match byte for byte.
    expect(JSON.stringify(JSON.parse(attempt2!.body))).toBe(attempt2!.body);
    const payload = JSON.parse(attempt2!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      id,
      status: 'complete',
      preset: 'standard',
      credits_charged: 1,
    });
    const output = await call(page, 'GET', String(payload.output_url), { binary: true });
    expect(output.status).toBe(200);
    expect(output.headers['content-type']).toMatch(/^image\//);

    const row = page.locator('.job', { has: page.locator('.webhook') });
    await expect(row.locator('.webhook summary')).toHaveText('Webhook delivered, 2 attempts');

    // No colorization model ships: that restoration fails with the reason, and is refunded.
    const colorize = await call(page, 'POST', '/api/v1/restorations', {
      key,
      json: { image_url: request.image_url, preset: 'colorize' },
    });
    const colorizeId = (colorize.body as { id: string }).id;
    const failed = await pollUntil(page, `/api/v1/restorations/${colorizeId}`, key, (b) =>
      ['complete', 'failed'].includes(String(b.status)),
    );
    expect(failed.status).toBe('failed');
    // Settings is still open from creating the key.
    await expect(page.getByText(/Credits: 2 charged to API jobs, 1 refunded/)).toBeVisible();

    const deleted = await call(page, 'DELETE', `/api/v1/restorations/${id}`, { key });
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } });
    expect((await call(page, 'GET', `/api/v1/restorations/${id}`, { key })).status).toBe(404);
  } finally {
    receiver.close();
  }
});
