import { mount } from 'svelte';
import { startEngineHost } from '../engine/host.ts';
import { JobStore } from '../jobs/store.ts';
import App from './App.svelte';
import './app.css';
import { jobsView } from './jobs.svelte.ts';
import { registerServiceWorker } from './pwa.svelte.ts';
import { settings } from './settings.svelte.ts';

const store = await JobStore.open();
await jobsView.connect(store);
startEngineHost({ store, backend: () => settings.backend });
registerServiceWorker();

mount(App, { target: document.getElementById('app')! });
