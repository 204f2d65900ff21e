import { mount } from 'svelte';
import { startEngineHost } from '../engine/host.ts';
import { afterTerminal, startWebhookDelivery } from '../engine/webhooks.ts';
import { type JobEvent, openJobChannel } from '../jobs/broadcast.ts';
import { ApiRecords } from '../jobs/api-records.ts';
import { JobStore } from '../jobs/store.ts';
import { apiKeysView } from './api-keys.svelte.ts';
import { limitsView } from './limits.svelte.ts';
import App from './App.svelte';
import './app.css';
import { jobsView } from './jobs.svelte.ts';
import { registerServiceWorker } from './pwa.svelte.ts';
import { settings } from './settings.svelte.ts';

const store = await JobStore.open();
const records = new ApiRecords(store.db);
await jobsView.connect(store, records);
await apiKeysView.connect(records);
await limitsView.connect(records);
const channel = openJobChannel();
const after = {
  store,
  records,
  origin: location.origin,
  now: () => Date.now(),
  post: (event: JobEvent) => channel.post(event),
};
startEngineHost({
  store,
  backend: () => settings.backend,
  afterTerminal: (job) => afterTerminal(job, after),
});
startWebhookDelivery(after, (listener) =>
  openJobChannel((event) => {
    if (event.type === 'webhook') listener();
  }),
);
registerServiceWorker();

mount(App, { target: document.getElementById('app')! });
