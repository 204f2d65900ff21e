import type { BackendPreference } from '@/ops/operation.ts';
import type { Operation } from '@/jobs/job.ts';
import type { ViewMode } from './results/viewer.svelte.ts';

const KEY = 'kintsugi.settings';

export type Theme = 'system' | 'light' | 'dark';

interface Stored {
  backend: BackendPreference;
  /** What new photos get: one operation, or a chain run in order within one job. */
  operations: Operation[];
  theme: Theme;
  viewMode: ViewMode;
}

const defaults: Stored = {
  backend: 'auto',
  operations: [{ type: 'enhance', params: { scale: 4 } }],
  theme: 'system',
  viewMode: 'slider',
};

function load(): Stored {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Stored> & {
      operation?: Operation;
    };
    // Versions before chains kept a single operation.
    if (!stored.operations?.length && stored.operation) stored.operations = [stored.operation];
    const { operation: _single, ...rest } = stored;
    return {
      ...defaults,
      ...rest,
      operations: rest.operations?.length ? rest.operations : defaults.operations,
    };
  } catch {
    return defaults;
  }
}

/** The user's choices, remembered across visits. */
class Settings {
  backend = $state<BackendPreference>(defaults.backend);
  operations = $state<Operation[]>(defaults.operations);
  theme = $state<Theme>(defaults.theme);
  viewMode = $state<ViewMode>(defaults.viewMode);

  constructor() {
    const stored = load();
    this.backend = stored.backend;
    this.operations = stored.operations;
    this.theme = stored.theme;
    this.viewMode = stored.viewMode;
  }

  save(): void {
    const stored: Stored = $state.snapshot({
      backend: this.backend,
      operations: this.operations,
      theme: this.theme,
      viewMode: this.viewMode,
    });
    localStorage.setItem(KEY, JSON.stringify(stored));
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.save();
    applyTheme(theme);
  }
}

export const settings = new Settings();

/** "system" leaves the colours to prefers-color-scheme; light and dark override it. */
export function applyTheme(theme: Theme = settings.theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
