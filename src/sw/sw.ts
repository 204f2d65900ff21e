/// <reference lib="webworker" />
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { JOBS_CHANNEL, type JobEvent } from '../jobs/broadcast.ts';
import { ApiRecords } from '../jobs/api-records.ts';
import { JobStore } from '../jobs/store.ts';
import { readOriginLists } from '../embed/origins.ts';
import { createApiServer, isApiRequest } from './api-server.ts';
import {
  contentSecurityPolicy,
  frameAncestorsFor,
  isEmbedPath,
  requesterOrigin,
  withPageHeaders,
} from './page-headers.ts';
import { isShareTarget, receiveShare } from './share-target.ts';

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

// The app shell, the onnxruntime-web runtime and the default models: everything a job needs
// with the network gone. Precached responses keep their COOP/COEP headers, so an offline
// reload is still cross-origin isolated.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// A new version waits until the page says so ("Update available → Reload"), which it does only
// when no job of the origin is running: taking over mid-job would reload the engine's window.
// The first install has nothing to wait for and activates at once.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});
