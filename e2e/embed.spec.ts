import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type ConsoleMessage, type Page, expect, test } from '@playwright/test';
import { createKey, openControlled } from './support/api.ts';
import { fixture } from './support/app.ts';
import { decodePng } from './support/images.ts';

// Another origin: the built examples and client.js served by a tiny server on a free port, as
// an integrator's site would serve its own copy. `isolated` adds COOP/COEP to every response.
const dist = process.env.KINTSUGI_DIST ?? 'dist';
const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
};

async function hostSite(isolated: boolean): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    readFile(join(dist, path)).then(
      (body) => {
        res.setHeader('Content-Type', types[extname(path)] ?? 'application/octet-stream');
        if (isolated) {
          res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
          res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        }
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Every Content Security Policy complaint the page or its frames log. */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) found.push(text);
  });
  return found;
}

function hostPage(site: string, app: string, ui = 'compact'): string {
  return `${site}/examples/embed-host.html?app=${encodeURIComponent(app)}&ui=${ui}`;
}

test('another origin embeds Kintsugi, is asked about once, and gets its resized image back', async ({
  page,
  baseURL,
}) => {
  const app = baseURL!;
  const { origin: site, server } = await hostSite(false);
  try {
    const violations = cspViolations(page);
    const frameLoad = page.waitForResponse((r) => new URL(r.url()).pathname === '/embed');
    await page.goto(hostPage(site, app));
    // The first load comes from vite preview, with the same policy the worker will send.
    const firstHeaders = (await frameLoad).headers();
    expect(firstHeaders['content-security-policy']).toContain(`frame-ancestors 'self' ${site}`);
    expect(firstHeaders['content-security-policy']).toContain(
      "script-src 'self' 'wasm-unsafe-eval'",
    );
    expect(firstHeaders['cross-origin-resource-policy']).toBe('cross-origin');

    // A host page without cross-origin isolation: WASM on one thread, and the hello says so.
    await expect(page.getByRole('status', { name: 'Engine' })).toHaveText(
      'Kintsugi ready: wasm, 1 thread(s), not cross-origin isolated.',
      { timeout: 30_000 },
    );

    await page.getByLabel('Image').setInputFiles(fixture('photo-wide-300x200.png'));
    await page.getByRole('button', { name: 'Resize' }).click();
    const frame = page.frameLocator('#kintsugi');
    const ask = frame.getByRole('dialog', { name: `Allow ${site} to use Kintsugi?` });
    await expect(ask).toBeVisible({ timeout: 30_000 });
    await ask.getByRole('button', { name: 'Always' }).click();
    await expect(ask).toBeHidden();

    const output = page.getByRole('img', { name: 'Resized image' });
    await expect(output).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('alert')).toHaveText('');
    await expect(page.locator('#size')).toContainText('150×100 image/png');

    // Events as the client delivered them: accepted, then progress never going back, then done.
    const events = await page.getByRole('list', { name: 'Events' }).locator('li').allTextContents();
    expect(events[0]).toMatch(/^accepted /);
    const updates = events.slice(1).map((line) => {
      const [status, progress] = line.split(' ');
      return { status: status!, progress: Number(progress) };
    });
    expect(updates.map((u) => u.status)).toContain('processing');
    expect(updates.at(-1)).toEqual({ status: 'completed', progress: 1 });
    for (let i = 1; i < updates.length; i++) {
      expect(updates[i]!.progress).toBeGreaterThanOrEqual(updates[i - 1]!.progress);
    }
    // The Blob the frame transferred is a real PNG of the asked size.
    const bytes = await output.evaluate(async (img: HTMLImageElement) => [
      ...new Uint8Array(await (await fetch(img.src)).arrayBuffer()),
    ]);
    const image = decodePng(new Uint8Array(bytes));
    expect([image.width, image.height]).toEqual([150, 100]);

    // The frame's compact UI shows the job it ran.
    await expect(
      page.frameLocator('#kintsugi').getByRole('listitem', { name: 'photo-wide-300x200.png' }),
    ).toHaveAttribute('data-status', 'completed');

    // The job went through the origin's one queue: the frame lists it for this origin, deletes
    // it, and answers a request about a job it does not know with a typed error.
    const listed = await page.evaluate(async (appOrigin) => {
      const client = '/client.js'; // the host site's copy of the client bundle
      const { Kintsugi } = (await import(client)) as typeof import('../src/client/client.ts');
      const frame = document.getElementById('kintsugi') as HTMLIFrameElement;
      const again = Kintsugi.embed(frame, { origin: appOrigin });
      const hello = await again.ready;
      const jobs = await again.list();
      await again.delete(jobs[0]!.id);
      const after = await again.list();
      const unknown = await again.cancel('no-such-job').catch((e: { code: string }) => e.code);
      again.close();
      return {
        permission: hello.permission,
        jobs: jobs.map((j) => [j.status, j.output?.width, j.output?.height]),
        after: after.length,
        unknown,
      };
    }, app);
    expect(listed).toEqual({
      permission: 'granted',
      jobs: [['completed', 150, 100]],
      after: 0,
      unknown: 'not_found',
    });

    // "Always" is stored: the app's Settings shows the site, and the service worker, which the
    // frame installed, now serves /embed with the site in frame-ancestors.
    const appPage = await page.context().newPage();
    await appPage.goto(app);
    await appPage.getByText('Settings').click();
    await expect(appPage.getByRole('list', { name: 'Allowed sites' })).toContainText(site);

    await appPage.evaluate(async () => {
      await navigator.serviceWorker.ready; // installed (precached) and active
    });
    const controlledLoad = page.waitForResponse((r) => new URL(r.url()).pathname === '/embed');
    await page.reload();
    const second = await controlledLoad;
    expect(second.fromServiceWorker()).toBe(true);
    expect(second.headers()['content-security-policy']).toContain(`frame-ancestors 'self' ${site}`);
    await expect(page.getByRole('status', { name: 'Engine' })).toContainText('Kintsugi ready', {
      timeout: 30_000,
    });
    expect(violations).toEqual([]);
  } finally {
    server.close();
  }
});

test('a cross-origin isolated host that the user denies is refused with an error', async ({
  page,
  baseURL,
}) => {
  const { origin: site, server } = await hostSite(true);
  try {
    const violations = cspViolations(page);
    await page.goto(hostPage(site, baseURL!, 'none'));
    // COEP host + allow="cross-origin-isolated": the frame (CORP cross-origin) is isolated too.
    // Isolated, the frame's WASM gets every core (src/inference/backend.ts wasmThreads).
    const cores = await page.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
    await expect(page.getByRole('status', { name: 'Engine' })).toHaveText(
      `Kintsugi ready: wasm, ${cores} thread(s), cross-origin isolated.`,
      { timeout: 30_000 },
    );

    // Malformed and unknown messages are answered with typed errors, to this origin only.
    const answers = await page.evaluate(async (appOrigin) => {
      const frame = (document.getElementById('kintsugi') as HTMLIFrameElement).contentWindow!;
      const replies: unknown[] = [];
      const done = new Promise<void>((resolve) =>
        window.addEventListener('message', (event) => {
          if (event.origin !== appOrigin) return;
          const { reply_to, type, code } = event.data as Record<string, unknown>;
          replies.push({ reply_to, type, code });
          if (replies.length === 3) resolve();
        }),
      );
      frame.postMessage('junk', appOrigin);
      frame.postMessage(
        { protocol: 'kintsugi-embed', version: 1, id: 'm1', type: 'explode' },
        appOrigin,
      );
      frame.postMessage(
        {
          protocol: 'kintsugi-embed',
          version: 1,
          id: 'm2',
          type: 'create',
          input: { kind: 'url', url: 'ftp://x/a.png' },
          operations: [],
        },
        appOrigin,
      );
      await done;
      return replies;
    }, baseURL!);
    expect(answers).toEqual([
      { reply_to: null, type: 'error', code: 'malformed' },
      { reply_to: 'm1', type: 'error', code: 'unknown_type' },
      { reply_to: 'm2', type: 'error', code: 'invalid_input' },
    ]);

    await page.getByLabel('Image').setInputFiles(fixture('photo-small-32.png'));
    await page.getByRole('button', { name: 'Resize' }).click();
    const ask = page.frameLocator('#kintsugi').getByRole('dialog', {
      name: `Allow ${site} to use Kintsugi?`,
    });
    // ?ui=none: the frame shows the prompt and nothing else.
    await expect(ask).toBeVisible();
    await expect(page.frameLocator('#kintsugi').getByRole('list', { name: 'Jobs' })).toHaveCount(0);
    await ask.getByRole('button', { name: 'Deny' }).click();
    await expect(page.getByRole('alert')).toHaveText(
      `origin_denied: ${site} is not allowed to use this Kintsugi: the user refused it (Settings → Embedding lists the sites that may)`,
    );
    await expect(page.getByRole('img', { name: 'Resized image' })).toBeHidden();
    expect(violations).toEqual([]);

    // Settings → Embedding shows the refusal, takes it back, and adds a site by hand.
    const app = await page.context().newPage();
    await app.goto(baseURL!);
    await app.getByText('Settings').click();
    const refused = app.getByRole('list', { name: 'Refused sites' });
    await expect(refused).toContainText(site);
    await refused.getByRole('button', { name: `Remove ${site}` }).click();
    await expect(refused).toBeHidden();
    const field = app.getByRole('textbox', { name: 'Allow a site' });
    await field.fill('https://ok.example/app');
    await app.getByRole('button', { name: 'Allow', exact: true }).click();
    await expect(app.getByRole('alert').filter({ hasText: 'is not an origin' })).toBeVisible();
    await field.fill('https://ok.example');
    await app.getByRole('button', { name: 'Allow', exact: true }).click();
    await expect(app.getByRole('list', { name: 'Allowed sites' })).toHaveText(
      /https:\/\/ok\.example/,
    );
    await expect(field).toHaveValue('');
  } finally {
    server.close();
  }
});

test('the same-origin example runs a job through the API with client.js', async ({ page }) => {
  const violations = cspViolations(page);
  await openControlled(page);
  // A normal app load under the policy: the worker sends it with every page.
  const reloaded = await page.reload();
  expect(reloaded?.fromServiceWorker()).toBe(true);
  expect(reloaded?.headers()['content-security-policy']).toContain(
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'",
  );
  expect(reloaded?.headers()['content-security-policy']).toContain("frame-ancestors 'self'");
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)', 'client example');

  const example = await page.context().newPage();
  const exampleViolations = cspViolations(example);
  const load = example.waitForResponse((r) => r.url().endsWith('/examples/same-origin.html'));
  await example.goto('/examples/same-origin.html');
  const served = await load;
  expect(served.fromServiceWorker()).toBe(true);
  expect(served.headers()['content-security-policy']).toContain("frame-ancestors 'self'");
  await expect(example.getByRole('status', { name: 'Engine' })).toHaveText(
    'Engine ready (backend: auto).',
    { timeout: 30_000 },
  );
  await example.getByRole('textbox', { name: 'API key' }).fill(key);
  await example.getByLabel('Image').setInputFiles(fixture('photo-small-32.png'));
  await example.getByRole('button', { name: 'Convert to WebP' }).click();
  await expect(example.getByRole('img', { name: 'Converted image' })).toBeVisible({
    timeout: 60_000,
  });
  await expect(example.getByRole('alert')).toHaveText('');
  await expect(example.getByRole('status', { name: 'Progress' })).toContainText('completed');
  await expect(example.locator('#size')).toHaveText('32×32 image/webp');
  expect([...violations, ...exampleViolations]).toEqual([]);
});
