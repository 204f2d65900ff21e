import type { ModelEntry, ModelVariant } from '@models/manifest.ts';
import { download, forget, isKept, modelUrl } from '@/inference/model-store.ts';
import { chooseBackend } from '@/inference/backend.ts';
import { type Compute, computeOf, manifest, pickVariant } from '@/inference/models.ts';
import { settings } from '../settings.svelte.ts';

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

/**
 * The row of a model, with the file this device runs: the inference worker picks with the same
 * backend choice, so a model kept here is the one a job loads offline (float16 on a shader-f16
 * GPU). Until the choice is known, the float32 file.
 */
function rowOf(model: ModelEntry, compute: Compute = { float16: false }): ModelRow {
  return {
    id: model.id,
    label: model.label,
    operations: model.operations.join(', '),
    license: model.license,
    variant: pickVariant(model, compute),
    state: 'online',
    progress: null,
    error: null,
  };
}

/** Settings' view of the models: what exists, what this device keeps, and the storage used. */
class ModelsView {
  rows = $state<ModelRow[]>(manifest.models.map((model) => rowOf(model)));
  usage = $state<{ used: number; quota: number } | null>(null);
  persisted = $state(false);

  async refresh(): Promise<void> {
    const choice = await chooseBackend(settings.backend).catch(() => null);
    const compute = choice ? computeOf(choice) : { float16: false };
    for (const row of this.rows) {
      const model = manifest.models.find((m) => m.id === row.id);
      if (model) row.variant = pickVariant(model, compute);
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
