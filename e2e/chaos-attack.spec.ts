import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { fixture, startButton } from './support/app.ts';
import { call, createKey, openControlled, pollUntil } from './support/api.ts';
import { generousLimits, idbAll, setLimits } from './support/chaos.ts';
import { printSummary, recordPart } from './support/chaos-figures.ts';
import { serveFolder } from './support/static-server.ts';

/*
 * The holes an outside review found by attacking the running app (issue 18), each replayed the
 * way the attacker did it: two tabs racing one idempotency key, another origin framing the embed
 * at opacity 0.0001 and clicking, another origin posting files to /share-target, a 4 MB data:
 * URL echoed back, a webhook receiver that hangs, rejected requests eating a quota, keys past
 * the limit, racing DELETEs, inputs that could be refused at once, API paths with no service
 * worker in control, and status codes the OpenAPI document left out.
 */

let tried = 0;
let passed = 0;
const notes: string[] = [];

async function check(name: string, run: () => Promise<void>): Promise<void> {
  tried++;
  await test.step(name, run);
  passed++;
}

test.afterAll(async () => {
  await recordPart('attack-browser', { checks_tried: tried, checks_passed: passed }, notes);
  await printSummary();
});

/** A page of another origin (another port on 127.0.0.1), written for one test. */
async function attackerSite(files: Record<string, string | Buffer>) {
  const dir = await mkdtemp(join(tmpdir(), 'kintsugi-attacker-'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  const site = await serveFolder(() => dir);
  return {
    url: site.url,
    close: async () => {
      await site.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One value of the app's settings store, read on a page of the app's origin. */
function setting(page: Page, key: string): Promise<unknown> {
  return page.evaluate(async (key) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction('settings').objectStore('settings').get(key);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return value;
  }, key);
}

/** Creates one more key with Settings already open (createKey opens it, and would close it). */
async function anotherKey(page: Page, format: string, label: string): Promise<string> {
  await page.getByLabel('Key format').selectOption({ label: format });
  await page.getByLabel('Key label').fill(label);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const box = page.getByRole('textbox', { name: 'New API key' });
  await expect(box).toHaveValue(/\S{20,}/);
  await expect(page.getByText(label, { exact: true })).toBeVisible();
  return box.inputValue();
}

const photoDataUrl = async () =>
  `data:image/png;base64,${(await readFile(fixture('photo-small-32.png'))).toString('base64')}`;

test('idempotency: 60 racing creates from two tabs make one restoration and one charge', async ({
  page,
  context,
}) => {
  await check('one job, one charge for one idempotency key', async () => {
    await openControlled(page);
    const key = await createKey(page, 'PicRenew (pk_live_…)', 'racer');
    await setLimits(page, generousLimits);
    const second = await context.newPage();
    await second.goto('/');
    expect(await second.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const image = await readFile(fixture('photo-original-128.png'));
    const image_url = `data:image/png;base64,${image.toString('base64')}`;
    const burst = (tab: Page, idempotency_key: string) =>
      tab.evaluate(
        async ({ key, request }) =>
          Promise.all(
            Array.from({ length: 30 }, async () => {
              const response = await fetch('/api/v1/restorations', {
                method: 'POST',
                headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
                body: JSON.stringify(request),
              });
              return {
                status: response.status,
                id: ((await response.json()) as { id: string }).id,
              };
            }),
          ),
        { key, request: { image_url, resolution: '4k', idempotency_key } },
      );
    const rounds = ['race-1', 'race-2', 'race-3'];
    const made: string[] = [];
    for (const round of rounds) {
      const answers = (await Promise.all([burst(page, round), burst(second, round)])).flat();
      const ids = new Set(answers.map((a) => a.id));
      const statuses = answers.map((a) => a.status);
      made.push(`${ids.size} id(s) and ${statuses.filter((s) => s === 202).length} × 202`);
      expect(ids.size, round).toBe(1);
      expect(
        statuses.filter((s) => s === 202),
        round,
      ).toHaveLength(1);
      expect(
        statuses.filter((s) => s === 200),
        round,
      ).toHaveLength(59);
    }
    notes.push(`idempotency: 3 rounds of 60 racing POSTs from 2 tabs → ${made.join('; ')}`);
    const ledger = await idbAll<{ kind: string; credits: number; job_id: string }>(page, 'ledger');
    expect(ledger.filter((e) => e.kind === 'charge').map((e) => e.credits)).toEqual([4, 4, 4]);
  });
});

/** A page of another origin that frames /embed?ui=none nearly transparent over a bait button. */
const clickjackPage = `<!doctype html>
<html><body style="margin:0">
<button id="bait" style="position:absolute;left:0;top:0;width:480px;height:240px">Claim your prize</button>
<iframe id="kintsugi" title="Kintsugi" style="position:absolute;left:0;top:0;width:480px;height:240px;border:0;opacity:0.0001"></iframe>
<script>
  const app = new URLSearchParams(location.search).get('app');
  const frame = document.getElementById('kintsugi');
  window.replies = [];
  addEventListener('message', (event) => { if (event.origin === app) window.replies.push(event.data); });
  frame.src = app + '/embed?ui=none';
  let n = 0;
  setInterval(() => frame.contentWindow.postMessage(
    { protocol: 'kintsugi-embed', version: 1, id: 'list-' + n++, type: 'list', limit: 5 }, app), 500);
</script>
</body></html>`;

function replyTypes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { replies: Array<{ type: string }> }).replies.map((r) => r.type),
  );
}

test('embed: a transparent frame over a bait button cannot be clicked into "Always"', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(90_000);
  await openControlled(page);
  const site = await attackerSite({ 'attack.html': clickjackPage });
  try {
    const attack = await context.newPage();
    await attack.goto(`${site.url}/attack.html?app=${encodeURIComponent(baseURL!)}`);
    const frame = attack.frameLocator('#kintsugi');
    const always = frame.getByRole('button', { name: 'Always' });

    await check(
      'clicks on the prompt while the frame is not fully visible are ignored',
      async () => {
        await expect(always).toBeAttached({ timeout: 30_000 });
        await attack.waitForTimeout(1_000);
        const box = (await always.boundingBox())!;
        for (let i = 0; i < 3; i++) {
          await attack.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
          await attack.waitForTimeout(300);
        }
        await attack.waitForTimeout(1_000);
        expect(await setting(page, 'embed-allowed-origins')).toBeUndefined();
        expect(await replyTypes(attack)).not.toContain('listed');
        notes.push('embed clickjack: 3 clicks through a frame at opacity 0.0001 → ignored');
      },
    );

    await check('a click in the first 500 ms after the prompt shows is ignored', async () => {
      // The frame made fully visible: the prompt arms only after it has been visible 500 ms.
      await attack.evaluate(() => {
        document.getElementById('kintsugi')!.style.opacity = '1';
      });
      const box = (await always.boundingBox())!;
      await attack.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await attack.waitForTimeout(700);
      expect(await setting(page, 'embed-allowed-origins')).toBeUndefined();
      // Once it has been visible long enough, a person's click counts.
      await expect(always).toBeEnabled();
      await attack.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await expect.poll(() => setting(page, 'embed-allowed-origins')).toEqual([site.url]);
      await expect.poll(() => replyTypes(attack)).toContain('listed');
    });
  } finally {
    await site.close();
  }
});

test('embed: where visibility cannot be checked, the grant happens in a Kintsugi window', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(90_000);
  // A browser without IntersectionObserver v2 (Firefox, Safari).
  await context.addInitScript(() => {
    if (typeof IntersectionObserverEntry !== 'undefined')
      delete (IntersectionObserverEntry.prototype as { isVisible?: boolean }).isVisible;
  });
  await openControlled(page);
  const site = await attackerSite({ 'attack.html': clickjackPage });
  try {
    const attack = await context.newPage();
    await attack.goto(`${site.url}/attack.html?app=${encodeURIComponent(baseURL!)}`);
    await attack.evaluate(() => {
      document.getElementById('kintsugi')!.style.opacity = '1';
    });
    const frame = attack.frameLocator('#kintsugi');
    await check(
      'the frame offers a top-level window instead of in-frame grant buttons',
      async () => {
        const grant = frame.getByRole('button', { name: 'Grant in a Kintsugi window' });
        await expect(grant).toBeVisible({ timeout: 30_000 });
        await expect(frame.getByRole('button', { name: 'Always' })).toHaveCount(0);
        const popupOpened = context.waitForEvent('page');
        await grant.click();
        const popup = await popupOpened;
        await popup.waitForLoadState();
        expect(await popup.evaluate(() => window.top === window)).toBe(true);
        const ask = popup.getByRole('dialog', { name: `Allow ${site.url} to use Kintsugi?` });
        await ask.getByRole('button', { name: 'Always' }).click();
        await expect.poll(() => replyTypes(attack)).toContain('listed');
        expect(await setting(page, 'embed-allowed-origins')).toEqual([site.url]);
        notes.push('embed without IntersectionObserver v2: granted in a top-level Kintsugi window');
      },
    );
  } finally {
    await site.close();
  }
});

const sharePage = `<!doctype html>
<html><body>
<form id="share" method="post" enctype="multipart/form-data"><input type="file" name="photos" multiple></form>
<script>
  const app = new URLSearchParams(location.search).get('app');
  const form = document.getElementById('share');
  form.action = app + '/share-target';
  (async () => {
    const png = await (await fetch('photo.png')).blob();
    const files = new DataTransfer();
    for (const name of ['a.png', 'b.png', 'c.png'])
      files.items.add(new File([png], name, { type: 'image/png' }));
    form.querySelector('input').files = files.files;
    form.submit();
  })();
</script>
</body></html>`;

async function jobCount(page: Page): Promise<number> {
  return (await idbAll(page, 'jobs')).length;
}

test('share target: another site posting files queues nothing until the person says Add', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(90_000);
  await openControlled(page);
  const site = await attackerSite({
    'share.html': sharePage,
    'photo.png': await readFile(fixture('photo-small-32.png')),
  });
  const sharePageUrl = `${site.url}/share.html?app=${encodeURIComponent(baseURL!)}`;
  try {
    const victim = await context.newPage();
    await check('a cross-site POST to /share-target queues no job', async () => {
      await victim.goto(sharePageUrl);
      await victim.waitForURL((url) => url.origin === baseURL, { timeout: 30_000 });
      const banner = victim.getByRole('region', { name: 'Shared photos' });
      await expect(banner).toContainText('3 photos shared', { timeout: 30_000 });
      await victim.waitForTimeout(1_500);
      expect(await jobCount(victim)).toBe(0);
      notes.push('share CSRF: 3 files posted from another origin → 0 jobs until confirmed');
    });
    await check('Discard empties the inbox; Add queues what was shared', async () => {
      const banner = victim.getByRole('region', { name: 'Shared photos' });
      await banner.getByRole('button', { name: 'Discard' }).click();
      await expect(banner).toBeHidden();
      await victim.reload();
      await victim.waitForTimeout(1_000);
      await expect(victim.getByRole('region', { name: 'Shared photos' })).toBeHidden();
      expect(await jobCount(victim)).toBe(0);
      await victim.goto(sharePageUrl);
      await victim.waitForURL((url) => url.origin === baseURL, { timeout: 30_000 });
      const again = victim.getByRole('region', { name: 'Shared photos' });
      await again.getByRole('button', { name: 'Add' }).click();
      // Added photos are staged like dropped ones, and queued on Start.
      await startButton(victim).click();
      await expect.poll(() => jobCount(victim)).toBe(3);
      await expect(again).toBeHidden();
    });
  } finally {
    await site.close();
  }
});

/** An MP4 header (an ftyp box) and zeros: a data: URL of `bytes` the video dialect accepts. */
function mp4DataUrl(bytes: number): string {
  const body = Buffer.alloc(bytes);
  Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex').copy(body);
  return `data:video/mp4;base64,${body.toString('base64')}`;
}

test('a 4 MB data: URL is echoed as a short stand-in, in every answer', async ({ page }) => {
  test.setTimeout(90_000);
  await check('create, get, list and cancel answer kilobytes, not megabytes', async () => {
    await openControlled(page);
    const key = await createKey(page, 'Retroiva (sk_live_…)', 'echo');
    await setLimits(page, generousLimits);
    const video_url = mp4DataUrl(3 * 1024 * 1024);
    const sizes = await page.evaluate(
      async ({ key, video_url }) => {
        const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
        const measure = async (path: string, init: RequestInit = {}) => {
          const response = await fetch(path, { headers, ...init });
          const text = await response.text();
          const id = (JSON.parse(text) as { id?: string }).id ?? '';
          return { status: response.status, bytes: text.length, text: text.slice(0, 4000), id };
        };
        const created = await measure('/v2/enhance', {
          method: 'POST',
          body: JSON.stringify({ video_url }),
        });
        const id = created.id;
        return {
          video_url: video_url.length,
          created,
          got: await measure(`/v2/jobs/${id}`),
          listed: await measure('/v2/jobs?limit=100'),
          canceled: await measure(`/v2/jobs/${id}/cancel`, { method: 'POST' }),
        };
      },
      { key, video_url },
    );
    for (const answer of [sizes.created, sizes.got, sizes.listed, sizes.canceled]) {
      expect(answer.status, answer.text).toBe(200);
      expect(answer.bytes).toBeLessThan(2_000);
    }
    const echoed = (JSON.parse(sizes.got.text) as { input_url: string }).input_url;
    expect(echoed).toMatch(/^data:video\/mp4;base64,…\(4\.0 MB\)$/);
    notes.push(
      `data: URL echo: a ${(sizes.video_url / 1024 / 1024).toFixed(1)} MB video_url answered as ${sizes.got.bytes} bytes (${echoed})`,
    );
  });
});

/** A receiver that answers CORS and records when each POST came; `hang` never answers. */
async function receiver(hang: boolean) {
  const received: number[] = [];
  const server: Server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, x-retroiva-signature');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    req.resume();
    req.on('end', () => {
      received.push(Date.now());
      if (!hang) res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test('webhooks: a receiver that hangs does not hold up another receiver', async ({ page }) => {
  test.setTimeout(150_000);
  const stuck = await receiver(true);
  const ready = await receiver(false);
  try {
    await check('a ready delivery goes out while another one hangs', async () => {
      await openControlled(page);
      const key = await createKey(page, 'PicRenew (pk_live_…)', 'hooks');
      await setLimits(page, generousLimits);
      const image_url = await photoDataUrl();
      const create = async (callback_url: string) => {
        const created = await call(page, 'POST', '/api/v1/restorations', {
          key,
          json: { image_url, callback_url },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(202);
        return (created.body as { id: string }).id;
      };
      const done = (id: string) =>
        pollUntil(page, `/api/v1/restorations/${id}`, key, (b) =>
          ['complete', 'failed'].includes(String(b.status)),
        );
      await done(await create(stuck.url));
      await expect.poll(() => stuck.received.length, { timeout: 30_000 }).toBe(1);
      const second = await create(ready.url);
      await done(second);
      const completedAt = Date.now();
      await expect.poll(() => ready.received.length, { timeout: 30_000 }).toBe(1);
      const late = ready.received[0]! - completedAt;
      notes.push(
        `webhooks: with another receiver hanging, a ready delivery went out ${(late / 1000).toFixed(1)} s after the test saw its job end`,
      );
      expect(late).toBeLessThan(3_000);
    });
  } finally {
    stuck.close();
    ready.close();
  }
});

test('upscale quota: rejected requests do not use it, created jobs do', async ({ page }) => {
  await check('two 400s then a valid POST: 201, not 402', async () => {
    await openControlled(page);
    const key = await createKey(page, 'upres.ai (upres_…)', 'quota');
    await setLimits(page, {
      dialects: { ...generousLimits.dialects, upscale: { perMinute: 1000, monthlyQuota: 1 } },
    });
    for (const json of [{ image_url: 'not a url' }, { image_url: 42 }]) {
      expect((await call(page, 'POST', '/v1/jobs', { key, json })).status).toBe(400);
    }
    const valid = await call(page, 'POST', '/v1/jobs', {
      key,
      json: { image_url: await photoDataUrl() },
    });
    expect(valid.status, JSON.stringify(valid.body)).toBe(201);
    const over = await call(page, 'POST', '/v1/jobs', {
      key,
      json: { image_url: await photoDataUrl() },
    });
    expect(over.status).toBe(402);
    notes.push('upscale quota of 1: 400, 400, then 201, then 402');
  });
});

test('maxActiveKeys: Settings refuses a key past the limit', async ({ page }) => {
  await check('a third key with maxActiveKeys 2 is refused, and works after a revoke', async () => {
    await openControlled(page);
    await setLimits(page, { ...generousLimits, maxActiveKeys: 2 });
    await createKey(page, 'PicRenew (pk_live_…)', 'one');
    await anotherKey(page, 'PicRenew (pk_live_…)', 'two');
    await page.getByLabel('Key label').fill('three');
    await page.getByRole('button', { name: 'Create API key' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'at most 2 active' })).toBeVisible();
    const keys = await idbAll<{ label: string }>(page, 'api_keys');
    expect(keys.map((k) => k.label).sort()).toEqual(['one', 'two']);
    await page.getByRole('button', { name: 'Revoke one' }).click();
    await anotherKey(page, 'PicRenew (pk_live_…)', 'three');
    notes.push('maxActiveKeys 2: the third key refused until one was revoked');
  });
});

test('concurrent DELETEs of one restoration: one 200, the rest 404', async ({ page }) => {
  test.setTimeout(150_000);
  await check('racing DELETEs never answer 409 for a finished restoration', async () => {
    await openControlled(page);
    const key = await createKey(page, 'PicRenew (pk_live_…)', 'deleter');
    await setLimits(page, generousLimits);
    const created = await call(page, 'POST', '/api/v1/restorations', {
      key,
      json: { image_url: await photoDataUrl() },
    });
    const id = (created.body as { id: string }).id;
    await pollUntil(page, `/api/v1/restorations/${id}`, key, (b) =>
      ['complete', 'failed'].includes(String(b.status)),
    );
    const statuses = await page.evaluate(
      async ({ key, id }) =>
        Promise.all(
          Array.from({ length: 4 }, async () => {
            const response = await fetch(`/api/v1/restorations/${id}`, {
              method: 'DELETE',
              headers: { Authorization: `Bearer ${key}` },
            });
            return response.status;
          }),
        ),
      { key, id },
    );
    notes.push(`4 racing DELETEs → ${statuses.sort().join(', ')}`);
    expect(statuses.sort()).toEqual([200, 404, 404, 404]);
  });
});

/** A PNG header (signature + IHDR) declaring width × height, and nothing after. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.writeUInt8(8, 16);
  ihdr.writeUInt8(6, 17);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr]);
}

test('inputs that can be refused at submit are refused with a 400 that says why', async ({
  page,
}) => {
  await check(
    'refused at submit: not an image, SVG, huge, blob:, API path, [::1], crop',
    async () => {
      await openControlled(page);
      const key = await createKey(page, 'PicRenew (pk_live_…)', 'inputs');
      await setLimits(page, generousLimits);
      const origin = new URL(page.url()).origin;
      const blobUrl = await page.evaluate(() => URL.createObjectURL(new Blob(['x'])));
      const refused: Record<string, string> = {
        'text as PNG': `data:image/png;base64,${Buffer.from('hello, not an image').toString('base64')}`,
        SVG: `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`,
        '100000×100000 PNG': `data:image/png;base64,${pngHeader(100_000, 100_000).toString('base64')}`,
        'blob: URL': blobUrl,
        'API path': `${origin}/api/v1/restorations`,
        '[::1]': 'http://[::1]:8080/photo.png',
      };
      const outcomes: string[] = [];
      for (const [name, image_url] of Object.entries(refused)) {
        const answer = await call(page, 'POST', '/api/v1/restorations', {
          key,
          json: { image_url },
        });
        outcomes.push(`${name} ${answer.status}`);
        expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBe(400);
        expect((answer.body as { error: string }).error, name).toMatch(/image_url/);
      }
      // The operations dialect knows an upload's size: a crop outside it is refused at once.
      const opsKey = await anotherKey(page, 'EnhanceCraft (sk_live_…)', 'crop');
      const upload = await call(page, 'POST', '/api/v1/upload/api', {
        key: opsKey,
        form: { file: { fixture: 'photo-small-32.png', type: 'image/png' } },
      });
      const crop = await call(page, 'POST', '/api/v1/jobs/api', {
        key: opsKey,
        json: {
          input_key: (upload.body as { storage_key: string }).storage_key,
          operations: [{ type: 'crop-resize', params: { crop: { pixels: [20, 20, 40, 40] } } }],
        },
      });
      outcomes.push(`crop outside 32×32 ${crop.status}`);
      expect(crop.status, JSON.stringify(crop.body)).toBe(400);
      expect(JSON.stringify(crop.body)).toMatch(/32×32|32x32/);
      notes.push(`refused at submit: ${outcomes.join(', ')}`);
    },
  );
});

test('API paths with no service worker in control answer a JSON 503', async ({ page, request }) => {
  await check('vite preview answers /v1, /v2 and /api/v1 with a JSON 503', async () => {
    for (const path of ['/v1/jobs', '/v2/jobs/job_x', '/api/v1/restorations']) {
      const answer = await request.get(path);
      expect(answer.status(), path).toBe(503);
      expect(answer.headers()['content-type'], path).toMatch(/application\/json/);
      expect(await answer.json(), path).toEqual({
        error: 'open the app once so its service worker runs',
      });
    }
    // The first load of the app is not controlled yet: its fetch reaches the server.
    await page.goto('/');
    const first = await page.evaluate(async () => {
      const response = await fetch('/v1/jobs', { method: 'POST' });
      return { controlled: navigator.serviceWorker.controller !== null, status: response.status };
    });
    expect(first).toEqual({ controlled: false, status: 503 });
    notes.push('no service worker in control: /v1, /v2, /api/v1 → JSON 503');
  });
});

test('/openapi.json documents every status the server sends', async ({ page }) => {
  await check(
    '413, 400 malformed id, 405, 400 limit=0 and 429 on GETs are documented',
    async () => {
      await openControlled(page);
      const key = await createKey(page, 'Retroiva (sk_live_…)', 'docs');
      const doc = (await call(page, 'GET', '/openapi.json')).body as {
        paths: Record<
          string,
          Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>
        >;
      };
      const documented = (path: string, method: string) =>
        Object.keys(doc.paths[path]?.[method]?.responses ?? {});
      const sent = [
        { path: '/v2/jobs/{id}', method: 'get', url: '/v2/jobs/%ZZ', verb: 'GET' },
        { path: '/v2/jobs', method: 'get', url: '/v2/jobs?limit=0', verb: 'GET' },
        { path: '/v2/enhance', method: 'post', url: '/v2/enhance', verb: 'PUT' },
      ];
      for (const s of sent) {
        const answer = await call(page, s.verb, s.url, { key });
        expect(documented(s.path, s.method), `${s.verb} ${s.url}`).toContain(String(answer.status));
      }
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          if (method === 'parameters') continue;
          expect(Object.keys(operation.responses), `${method} ${path}`).toContain('429');
          expect(Object.keys(operation.responses), `${method} ${path}`).toContain('405');
          if (operation.requestBody)
            expect(Object.keys(operation.responses), path).toContain('413');
        }
      }
      notes.push('/openapi.json: every status sent for a route is documented for it');
    },
  );
});
