import { mount } from 'svelte';
import { startEngine } from '@/engine/start.ts';
import { ApiRecords } from '@/api/store/records.ts';
import { JobStore } from '@/jobs/store.ts';
import { apiKeysView } from './api/api-keys.svelte.ts';
import { embedOriginsView } from './settings/embed-origins.svelte.ts';
import { limitsView } from './settings/limits.svelte.ts';
import App from './App.svelte';
import './app.css';
import { jobsView } from './jobs.svelte.ts';
import { presets } from './panel/presets.svelte.ts';
import { pwa } from './settings/pwa.svelte.ts';
import { applyTheme, settings } from './settings.svelte.ts';
import { sharedPhotos } from './start/shared-photos.svelte.ts';

applyTheme();

const store = await JobStore.open();
const records = new ApiRecords(store.db);
await jobsView.connect(store, records);
await apiKeysView.connect(records);
await limitsView.connect(records);
await embedOriginsView.connect(records);
await presets.connect(store.db);
startEngine({ store, records, backend: () => settings.backend });
pwa.connect();

mount(App, { target: document.getElementById('app')! });
await sharedPhotos.open();
