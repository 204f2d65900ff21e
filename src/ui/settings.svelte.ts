import type { BackendPreference } from '../engine/operation.ts';
import type { Operation } from '../jobs/job.ts';

const KEY = 'kintsugi.settings';

export type Theme = 'system' | 'light' | 'dark';

interface Stored {
  backend: BackendPreference;
  operation: Operation;
  theme: Theme;
}

const defaults: Stored = {
  backend: 'auto',
  operation: { type: 'enhance', params: { scale: 4 } },
  theme: 'system',
};

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
  theme = $state<Theme>(defaults.theme);

  constructor() {
    const stored = load();
    this.backend = stored.backend;
    this.operation = stored.operation;
    this.theme = stored.theme;
  }

  save(): void {
    const stored: Stored = $state.snapshot({
      backend: this.backend,
      operation: this.operation,
      theme: this.theme,
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
