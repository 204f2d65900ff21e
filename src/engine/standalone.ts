/*
 * /engine.js: the one-line include that makes any page of this origin a possible engine host.
 *
 *   <script type="module" src="/engine.js"></script>
 *   <script type="module" src="/engine.js" data-backend="wasm"></script>  (or "webgpu")
 *
 * The page's API calls are answered by the service worker, but jobs only run while some window
 * of the origin hosts the engine (DESIGN.md, data flow 3). This starts the same engine host and
 * webhook delivery as the app's own page (src/ui/main.ts), with no UI; the Web Lock still makes
 * exactly one open window run the queue. It also registers the service worker when the page has
 * none, so the API answers on a page visited before the app itself.
 *
 * It reads its own <script> tag for data-backend: the one DOM read outside src/ui/, because an
 * include has no other way to be configured.
 */
import { ApiRecords } from '@/api/store/records.ts';
import { JobStore } from '@/jobs/store.ts';
import type { BackendPreference } from '@/ops/operation.ts';
import { startEngine } from './start.ts';

export interface KintsugiEngine {
  /**
   * Settles once this page can use the API: the job store is open, the engine host has started
   * (it runs the queue as soon as it holds the lock) and a service worker controls the page.
   * Rejects with the reason when one of them cannot happen.
   */
  ready: Promise<void>;
  /** The backend preference this page's engine uses: data-backend, else 'auto'. */
  backend: BackendPreference;
}

declare global {
  interface Window {
    kintsugiEngine?: KintsugiEngine;
  }
}

const backends: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];

/** The <script> that loaded this module (document.currentScript is null for modules). */
function ownScript(): HTMLScriptElement | undefined {
  const self = new URL(import.meta.url).pathname;
  return [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find(
    (script) => new URL(script.src, location.href).pathname === self,
  );
}

function backendPreference(): BackendPreference {
  const asked = ownScript()?.dataset.backend?.trim().toLowerCase();
  return backends.find((b) => b === asked) ?? 'auto';
}

function controllerChange(): Promise<void> {
  return new Promise((resolve) =>
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
  );
}

/**
 * Registers /sw.js unless the page already has a registration, and waits until a service worker
 * controls the page. The worker claims open pages when it activates, so a first visit needs no
 * reload; a page force-reloaded past an active worker stays uncontrolled until a normal reload.
 */
async function ensureServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) {
    throw new Error('This browser has no service workers, so the API cannot answer here');
  }
  if (navigator.serviceWorker.controller) return;
  if (!import.meta.env.PROD) return; // the dev server has no service worker to register
  const existing = await navigator.serviceWorker.getRegistration('/');
  if (existing?.active) {
    throw new Error(
      'The Kintsugi service worker is installed but does not control this page (was it force-reloaded?); reload the page',
    );
  }
  const changed = controllerChange();
  if (!existing) await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await changed;
}

async function start(backend: BackendPreference): Promise<void> {
  const worker = ensureServiceWorker();
  worker.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  const store = await JobStore.open();
  const records = new ApiRecords(store.db);
  startEngine({ store, records, backend: () => backend });
  await worker;
}

const backend = backendPreference();
const ready = start(backend);
// A page that never reads `ready` still hears why the engine could not start.
ready.catch((error: unknown) => console.error('Kintsugi engine did not start', error));
window.kintsugiEngine = { ready, backend };
