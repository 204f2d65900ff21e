/*
 * /embed: the page another site shows in an <iframe>. It hosts the engine like the app's own
 * page does, speaks the postMessage protocol (bridge.ts), and shows a compact job list, or only
 * the permission prompt with ?ui=none.
 */
import { mount } from 'svelte';
import { startEngine } from '@/engine/start.ts';
import type { Capabilities } from '@/client/client.ts';
import type { BackendPreference } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import { ApiRecords } from '@/api/store/records.ts';
import { JobStore } from '@/jobs/store.ts';
import EmbedFrame from '@/ui/embed/EmbedFrame.svelte';
import { EmbedFrameView, sendGrant } from '@/ui/embed/embed-frame.svelte.ts';
import '@/ui/app.css';
import { startBridge } from './bridge.ts';
import { detectCapabilities } from './capabilities.ts';
import { normalizeOrigin } from './origins.ts';

const query = new URLSearchParams(location.search);
const compact = query.get('ui') !== 'none';
// /embed?grant=<origin>&nonce=…: the top-level window a frame opens where it cannot check its
// own visibility. It only asks and relays the answer, and refuses to when framed.
const grant = query.get('grant');
const backends: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];
const backend = backends.find((b) => b === query.get('backend')) ?? 'auto';

if (grant !== null) {
  showGrantWindow(grant, query.get('nonce') ?? '');
} else {
  await startFrame();
}

async function startFrame(): Promise<void> {
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
}

function showGrantWindow(origin: string, nonce: string): void {
  const asked = normalizeOrigin(origin);
  if (window.top !== window || asked === null || nonce === '') {
    document.getElementById('app')!.textContent =
      'This page asks for a permission in a window of its own; it cannot be shown here.';
    return;
  }
  const view = new EmbedFrameView();
  void view.ask(asked).then((answer) => {
    sendGrant({ type: 'kintsugi-grant', nonce, origin: asked, answer });
    window.close();
  });
  mount(EmbedFrame, {
    target: document.getElementById('app')!,
    props: {
      view,
      compact: false,
      capabilities: new Promise<Capabilities>(() => {}),
      topLevel: true,
    },
  });
}

// Later loads come from the service worker: offline, and with frame-ancestors from the lists.
if (import.meta.env.PROD && 'serviceWorker' in navigator && !navigator.serviceWorker.controller) {
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .catch((error: unknown) => console.warn('Kintsugi: no service worker in this frame', error));
}
