import { type BrowserContext, expect, test } from '@playwright/test';
import manifest from '../models/manifest.json' with { type: 'json' };
import { runPhoto } from './support/offline.ts';

/**
 * What a first visit costs in bytes over the network, from the browser's own network events
 * (every request of the page, its workers and its service worker; a response answered by the
 * service worker or the HTTP cache moved nothing and counts 0). Targets from issue 17: at most
 * 1 MB before the page is usable, at most 15 MB plus the model before the first ×4 result.
 */
const MB = 1_000_000;

interface Fetched {
  url: string;
  bytes: number;
  /** When the request started, in ms since the epoch. */
  started: number;
}

function recordTransfers(context: BrowserContext): Fetched[] {
  const fetched: Fetched[] = [];
  context.on('requestfinished', (request) => {
    void (async () => {
      const response = await request.response();
      if (!response || response.fromServiceWorker()) return;
      const sizes = await request.sizes();
      fetched.push({
        url: new URL(request.url()).pathname,
        bytes: sizes.responseBodySize + sizes.responseHeadersSize,
        started: request.timing().startTime,
      });
    })();
  });
  return fetched;
}

const total = (fetched: Fetched[]) => fetched.reduce((sum, f) => sum + f.bytes, 0);

test('a first visit fetches the shell to become usable, and only what a ×4 job needs to run it', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const fetched = recordTransfers(context);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
  await expect(page.getByLabel('Choose photos')).toBeAttached();
  // Usable: the page has loaded (its load event ended) and takes a photo. What started before
  // that moment is what it cost; the service worker registers only after it.
  const usableAt = await page.evaluate(() => {
    const [navigation] = performance.getEntriesByType(
      'navigation',
    ) as PerformanceNavigationTiming[];
    return performance.timeOrigin + navigation!.loadEventEnd;
  });
  await page.waitForTimeout(500);
  const beforeUsable = fetched.filter((f) => f.started <= usableAt);
  const usable = total(beforeUsable);
  const atUsable = beforeUsable.length;

  const job = await runPhoto(page, 'photo-small-32.png', 'Upscale ×4');
  expect(job.status).toBe('completed');
  await page.waitForTimeout(500);
  const firstResult = total(fetched);

  const general = manifest.models.find((m) => m.id === 'realesr-general-x4v3')!;
  const model = general.variants.find((v) => v.compute === 'float32')!;
  const engine = fetched.filter((f) => /ort-wasm-simd-threaded.*\.wasm$/.test(f.url));
  const summary = {
    usableBytes: usable,
    firstResultBytes: firstResult,
    modelBytes: model.bytes,
    requestsAtUsable: atUsable,
    largest: [...fetched].sort((a, b) => b.bytes - a.bytes).slice(0, 6),
  };
  console.log(`first visit: ${JSON.stringify(summary)}`);
  test.info().annotations.push({ type: 'first-visit bytes', description: JSON.stringify(summary) });

  expect(usable).toBeLessThanOrEqual(1 * MB);
  expect(firstResult).toBeLessThanOrEqual(15 * MB + model.bytes);
  // No graphics processor here: the WASM-only engine, once; never the WebGPU build, OpenCV.js,
  // the AVIF encoder, or any model but the one the job ran.
  expect(engine.map((f) => f.url)).toEqual([expect.stringMatching(/ort-wasm-simd-threaded-/)]);
  const unwanted = fetched.filter((f) =>
    /jsep|opencv|avif|ort\.bundle\.min|\/models\/(?!realesr-general-x4v3)/.test(f.url),
  );
  expect(unwanted).toEqual([]);
  expect(fetched.filter((f) => f.url.includes('/models/')).map((f) => f.url)).toEqual([
    `/${model.file}`,
  ]);
});
