/// <reference lib="webworker" />
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { JOBS_CHANNEL, type JobEvent } from '@/jobs/broadcast.ts';
import { ApiRecords } from '@/api/store/records.ts';
import { JobStore } from '@/jobs/store.ts';
import { readOriginLists } from '@/embed/origins.ts';
import { createApiServer, isApiRequest } from './api-server.ts';
import {
  contentSecurityPolicy,
  frameAncestorsFor,
  isEmbedPath,
  requesterOrigin,
  withPageHeaders,
} from './page-headers.ts';
import { isShareTarget, receiveShare } from './share-target.ts';
import { RUNTIME_CACHE, type RuntimeFile } from '@/inference/runtime-files.ts';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

const store = JobStore.open();
const channel = new BroadcastChannel(JOBS_CHANNEL);
const api = createApiServer({
  store,
  records: store.then((s) => new ApiRecords(s.db)),
  origin: self.location.origin,
  now: () => Date.now(),
  post: (event: JobEvent) => channel.postMessage(event),
});

// Registered before Workbox's routes so API paths never fall through to the precache.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!isApiRequest(url, self.location.origin)) return;
  event.respondWith(
    api.handle(event.request).catch((error: unknown) => {
      console.error('API request failed', error);
      return new Response(JSON.stringify({ error: 'Internal error' }), {
        status: 500,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
});

// A photo shared to the installed app (manifest share_target) arrives as a POST.
self.addEventListener('fetch', (event) => {
  if (!isShareTarget(event.request, self.location.origin)) return;
  event.respondWith(receiveShare(event.request, self.location.origin));
});

// Every page goes out with the Content Security Policy, and /embed's frame-ancestors follow the
// user's embedding lists (src/sw/page-headers.ts). Registered before the precache route, which
// would otherwise answer /, /embed and /examples/… itself, without the policy.
async function precachedPage(pathname: string): Promise<Response | undefined> {
  const candidates = isEmbedPath(pathname)
    ? ['/embed.html']
    : [pathname, `${pathname}.html`, `${pathname.replace(/\/?$/, '/')}index.html`, '/index.html'];
  for (const candidate of candidates) {
    const page = await matchPrecache(candidate);
    if (page) return page;
  }
  return undefined;
}
registerRoute(
  ({ request }) => request.mode === 'navigate',
  async ({ request, url }) => {
    const page = (await precachedPage(url.pathname)) ?? (await fetch(request));
    const lists = await readOriginLists(new ApiRecords((await store).db));
    const requester = requesterOrigin(request.referrer, self.location.origin);
    const csp = contentSecurityPolicy(frameAncestorsFor(url.pathname, lists, requester));
    return withPageHeaders(page, url.pathname, csp);
  },
);

// The app shell: what the page needs to open, with the network gone too. Precached responses
// keep their COOP/COEP headers, so an offline reload is still cross-origin isolated.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Everything else under /assets/ (the image engine's binary, OpenCV.js, the encoders) is loaded
// only when an operation needs it, and kept from then on: its name carries its hash, so a kept
// copy never goes stale. Registered after the precache route, which answers its own files.
registerRoute(
  ({ request, url }) =>
    request.method === 'GET' &&
    url.origin === self.location.origin &&
    url.pathname.startsWith('/assets/'),
  async ({ request }) => {
    const kept = await caches.match(request.url, { ignoreSearch: true });
    if (kept) return kept;
    const response = await fetch(request);
    if (response.status === 200) {
      const cache = await caches.open(RUNTIME_CACHE);
      await cache.put(request.url, response.clone());
    }
    return response;
  },
);
// A new version waits until the page says so ("Update available → Reload"), which it does only
// when no job of the origin is running: taking over mid-job would reload the engine's window.
// The first install has nothing to wait for and activates at once.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(Promise.all([self.clients.claim(), dropOldRuntimeFiles()]));
});

/**
 * A new version's runtime files carry new hashes: the kept copies of the old ones (the engine,
 * OpenCV.js, the encoders) are dropped once it takes over, so storage holds one set.
 */
async function dropOldRuntimeFiles(): Promise<void> {
  const list = await matchPrecache('/offline-files.json');
  if (!list) return;
  const current = new Set(((await list.json()) as RuntimeFile[]).map((file) => file.path));
  const cache = await caches.open(RUNTIME_CACHE);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !current.has(path)) await cache.delete(request);
  }
}
