import { mount } from 'svelte';
import { startEngineHost } from '../engine/host.ts';
import { ApiRecords } from '../jobs/api-records.ts';
import { JobStore } from '../jobs/store.ts';
import { apiKeysView } from './api-keys.svelte.ts';
import App from './App.svelte';
import './app.css';
import { jobsView } from './jobs.svelte.ts';
import { registerServiceWorker } from './pwa.svelte.ts';
import { settings } from './settings.svelte.ts';

const store = await JobStore.open();
await jobsView.connect(store);
await apiKeysView.connect(new ApiRecords(store.db));
startEngineHost({ store, backend: () => settings.backend });
registerServiceWorker();

mount(App, { target: document.getElementById('app')! });
