import type { ModelEntry, ModelVariant } from '../../models/manifest.ts';
import { download, forget, isKept, modelUrl } from '../engine/model-store.ts';
import { manifest, pickVariant } from '../engine/models.ts';

export interface ModelRow {
  id: string;
  label: string;
  operations: string;
  license: string;
  variant: ModelVariant;
  /** 'builtin': precached with the app; 'kept': stored on request; 'online': fetched when used. */
  state: 'builtin' | 'kept' | 'online';
  progress: number | null;
  error: string | null;
}

function rowOf(model: ModelEntry): ModelRow {
  return {
    id: model.id,
    label: model.label,
    operations: model.operations.join(', '),
    license: model.license,
    variant: pickVariant(model),
    state: 'online',
    progress: null,
    error: null,
  };
}

/** Settings' view of the models: what exists, what this device keeps, and the storage used. */
class ModelsView {
  rows = $state<ModelRow[]>(manifest.models.map(rowOf));
  usage = $state<{ used: number; quota: number } | null>(null);
  persisted = $state(false);

  async refresh(): Promise<void> {
    for (const row of this.rows) {
      const kept = await isKept(row.variant);
      const anywhere = kept || (await caches.match(modelUrl(row.variant))) !== undefined;
      row.state = kept ? 'kept' : anywhere ? 'builtin' : 'online';
    }
    const estimate = await navigator.storage?.estimate?.();
    if (estimate) this.usage = { used: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
    this.persisted = (await navigator.storage?.persisted?.()) ?? false;
  }

  async keep(id: string): Promise<void> {
    const row = this.rows.find((r) => r.id === id);
    if (!row) return;
    row.error = null;
    row.progress = 0;
    // Stored models should survive storage pressure: ask once, when the user first keeps one.
    if (!this.persisted) this.persisted = (await navigator.storage?.persist?.()) ?? false;
    try {
      await download($state.snapshot(row.variant) as ModelVariant, (p) => {
        row.progress = p.loaded / p.total;
      });
    } catch (error) {
      row.error = error instanceof Error ? error.message : String(error);
    } finally {
      row.progress = null;
    }
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    const row = this.rows.find((r) => r.id === id);
    if (!row) return;
    await forget($state.snapshot(row.variant) as ModelVariant);
    await this.refresh();
  }
}

export const modelsView = new ModelsView();
