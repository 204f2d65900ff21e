import { type CatalogEntry, catalog } from '@models/catalog.ts';
import {
  OPTIONAL_CHANNEL,
  OptionalModelError,
  addOptional,
  installedRecords,
  partialBytes,
  pinnedHash,
  removeOptional,
  sourceUrl,
} from '@/inference/optional/store.ts';

const MIRROR_KEY = 'kintsugi.catalog-mirror';

export interface OptionalRow {
  entry: CatalogEntry;
  installed: boolean;
  /** The hash this device pinned (first download), or the one the host publishes. */
  sha256: string | null;
  /** What is kept of an interrupted download, to resume. */
  partial: { loaded: number; total: number };
  progress: { loaded: number; total: number } | null;
  error: string | null;
}

/** Operations in words, and what runs without an optional model. */
export const operationWords: Record<CatalogEntry['operation'], { uses: string; without: string }> =
  {
    'face-restore': {
      uses: 'enhance-face, restore-old-photo (faces)',
      without: 'Real-ESRGAN on each aligned face (built in, works offline)',
    },
    inpaint: {
      uses: 'remove-object, remove-text',
      without: 'exemplar fill (PatchMatch) and OpenCV Telea',
    },
    colorize: {
      uses: 'restore-old-photo (enable_colorization)',
      without: 'none: colorization is refused',
    },
  };

/**
 * Settings' view of the optional models (models/catalog.ts): which are on this device, the
 * download in progress, and the catalog mirror. Nothing is fetched until Add is pressed.
 */
class OptionalModelsView {
  rows = $state<OptionalRow[]>(
    catalog.map((entry) => ({
      entry,
      installed: false,
      sha256: entry.sha256,
      partial: { loaded: 0, total: 0 },
      progress: null,
      error: null,
    })),
  );
  /**
   * Where to download from instead of each model's host: a folder URL serving the same file
   * names. Set by the user here, shown on every row while set.
   */
  mirror = $state<string>(localStorage.getItem(MIRROR_KEY) ?? '');
  private controllers = new Map<string, AbortController>();

  constructor() {
    new BroadcastChannel(OPTIONAL_CHANNEL).onmessage = () => void this.refresh();
  }

  setMirror(value: string): string | null {
    const trimmed = value.trim();
    if (trimmed && !(URL.canParse(trimmed) && /^https?:$/.test(new URL(trimmed).protocol))) {
      return 'The mirror must be an http(s) URL of a folder';
    }
    this.mirror = trimmed;
    if (trimmed) localStorage.setItem(MIRROR_KEY, trimmed);
    else localStorage.removeItem(MIRROR_KEY);
    return null;
  }

  source(entry: CatalogEntry): string {
    return sourceUrl(entry, this.mirror || null);
  }

  async refresh(): Promise<void> {
    const installed = new Set((await installedRecords()).map((r) => r.id));
    for (const row of this.rows) {
      row.installed = installed.has(row.entry.id);
      row.sha256 = row.entry.sha256 ?? (await pinnedHash(row.entry.id))?.sha256 ?? null;
      row.partial = await partialBytes(row.entry.id);
    }
  }

  async add(id: string): Promise<void> {
    const row = this.rows.find((r) => r.entry.id === id);
    if (!row || row.progress) return;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    row.error = null;
    row.progress = { loaded: row.partial.loaded, total: row.partial.total || row.entry.bytes };
    try {
      await addOptional($state.snapshot(row.entry) as CatalogEntry, {
        mirror: this.mirror || null,
        signal: controller.signal,
        onProgress: (p) => {
          row.progress = p;
        },
      });
    } catch (error) {
      row.error =
        error instanceof OptionalModelError && error.kind === 'canceled'
          ? null
          : error instanceof Error
            ? error.message
            : String(error);
    } finally {
      row.progress = null;
      this.controllers.delete(id);
    }
    await this.refresh();
  }

  cancel(id: string): void {
    this.controllers.get(id)?.abort();
  }

  async remove(id: string): Promise<void> {
    await removeOptional(id);
    await this.refresh();
  }
}

export const optionalModelsView = new OptionalModelsView();
