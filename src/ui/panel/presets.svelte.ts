import type { IDBPDatabase } from 'idb';
import type { KintsugiDB } from '@/jobs/db.ts';
import type { Operation } from '@/jobs/job.ts';

/** A named set of steps of the user's own ("Old scans": denoise, then upscale ×2). */
export interface Preset {
  id: string;
  name: string;
  operations: Operation[];
}

/** Where presets live: the settings store of the origin's database, under one key. */
const KEY = 'ui.presets';

/** The user's presets, kept in IndexedDB so they survive reloads and stay with the jobs. */
class Presets {
  list = $state<Preset[]>([]);
  private db: IDBPDatabase<KintsugiDB> | null = null;

  async connect(db: IDBPDatabase<KintsugiDB>): Promise<void> {
    this.db = db;
    const stored = await db.get('settings', KEY);
    this.list = Array.isArray(stored) ? (stored as Preset[]) : [];
  }

  /** Saves the steps under a name; the same name again replaces that preset. */
  async save(name: string, operations: Operation[]): Promise<Preset> {
    const clean = name.trim();
    const existing = this.list.find((p) => p.name === clean);
    const preset: Preset = {
      id: existing?.id ?? crypto.randomUUID(),
      name: clean,
      operations: structuredClone(operations),
    };
    await this.write(
      existing
        ? this.list.map((p) => (p.id === preset.id ? preset : p))
        : [...this.snapshot(), preset],
    );
    return preset;
  }

  async rename(id: string, name: string): Promise<void> {
    const clean = name.trim();
    if (!clean) return;
    await this.write(this.snapshot().map((p) => (p.id === id ? { ...p, name: clean } : p)));
  }

  async remove(id: string): Promise<void> {
    await this.write(this.snapshot().filter((p) => p.id !== id));
  }

  private snapshot(): Preset[] {
    return $state.snapshot(this.list) as Preset[];
  }

  private async write(list: Preset[]): Promise<void> {
    const plain = $state.snapshot(list) as Preset[];
    await this.db?.put('settings', plain, KEY);
    this.list = plain;
  }
}

export const presets = new Presets();
