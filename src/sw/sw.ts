/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { JOBS_CHANNEL, type JobEvent } from '../jobs/broadcast.ts';
import { ApiRecords } from '../jobs/api-records.ts';
import { JobStore } from '../jobs/store.ts';
import { createApiServer, isApiRequest } from './api-server.ts';

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

// The app shell, the onnxruntime-web runtime and the default models: everything a job needs
// with the network gone. Precached responses keep their COOP/COEP headers, so an offline
// reload is still cross-origin isolated.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});
