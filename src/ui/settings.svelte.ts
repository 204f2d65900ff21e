import type { BackendPreference } from '../engine/operation.ts';
import type { Operation } from '../jobs/job.ts';

const KEY = 'kintsugi.settings';

interface Stored {
  backend: BackendPreference;
  operation: Operation;
}

const defaults: Stored = { backend: 'auto', operation: { type: 'enhance', params: { scale: 4 } } };

function load(): Stored {
  try {
    return { ...defaults, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Stored>) };
  } catch {
    return defaults;
  }
}

/** The user's choices, remembered across visits. */
class Settings {
  backend = $state<BackendPreference>(defaults.backend);
  operation = $state<Operation>(defaults.operation);

  constructor() {
    const stored = load();
    this.backend = stored.backend;
    this.operation = stored.operation;
  }

  save(): void {
    localStorage.setItem(KEY, JSON.stringify({ backend: this.backend, operation: this.operation }));
  }
}

export const settings = new Settings();
