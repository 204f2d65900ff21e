/*
 * /embed: the page another site shows in an <iframe>. It hosts the engine like the app's own
 * page does, speaks the postMessage protocol (bridge.ts), and shows a compact job list, or only
 * the permission prompt with ?ui=none.
 */
import { mount } from 'svelte';
import { startEngine } from '../engine/start.ts';
import type { BackendPreference } from '../engine/operation.ts';
import { operationMetas } from '../engine/operations/metas.ts';
import { ApiRecords } from '../jobs/api-records.ts';
import { JobStore } from '../jobs/store.ts';
import EmbedFrame from '../ui/EmbedFrame.svelte';
import { EmbedFrameView } from '../ui/embed-frame.svelte.ts';
import '../ui/app.css';
import { startBridge } from './bridge.ts';
import { detectCapabilities } from './capabilities.ts';

const query = new URLSearchParams(location.search);
const compact = query.get('ui') !== 'none';
const backends: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];
const backend = backends.find((b) => b === query.get('backend')) ?? 'auto';

const store = await JobStore.open();
const records = new ApiRecords(store.db);
const view = new EmbedFrameView();
const capabilities = detectCapabilities(backend, Object.keys(operationMetas));

startBridge({
  store,
  settings: records,
  metas: operationMetas,
  capabilities: () => capabilities,
  ask: view.ask,
  onJob: view.show,
});
startEngine({ store, records, backend: () => backend });
mount(EmbedFrame, {
  target: document.getElementById('app')!,
  props: { view, compact, capabilities },
});

// Later loads come from the service worker: offline, and with frame-ancestors from the lists.
if (import.meta.env.PROD && 'serviceWorker' in navigator && !navigator.serviceWorker.controller) {
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .catch((error: unknown) => console.warn('Kintsugi: no service worker in this frame', error));
}
