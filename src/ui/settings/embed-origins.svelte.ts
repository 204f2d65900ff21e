import type { ApiRecords } from '@/api/store/records.ts';
import { type OriginLists, normalizeOrigin, readOriginLists, remember } from '@/embed/origins.ts';

/** The embedding lists as Settings edits them; the frame and the service worker read the same. */
class EmbedOriginsView {
  lists = $state<OriginLists>({ allowed: [], denied: [] });
  problem = $state<string | null>(null);
  private records: ApiRecords | null = null;

  async connect(records: ApiRecords): Promise<void> {
    this.records = records;
    this.lists = await readOriginLists(records);
  }

  /** Adds what a person typed to the allowed list; false (with the reason shown) if it is not an origin. */
  async allow(text: string): Promise<boolean> {
    const origin = normalizeOrigin(text);
    if (!origin) {
      this.problem = `“${text}” is not an origin: write it as https://example.com (no path)`;
      return false;
    }
    this.problem = null;
    await this.set(origin, 'allowed');
    return true;
  }

  /** Takes an origin off both lists: the next time it embeds Kintsugi, the frame asks again. */
  forget(origin: string): Promise<void> {
    return this.set(origin, 'unknown');
  }

  private async set(origin: string, decision: 'allowed' | 'unknown'): Promise<void> {
    if (!this.records) throw new Error('Embedding settings are not connected to storage');
    this.lists = await remember(this.records, origin, decision);
  }
}

export const embedOriginsView = new EmbedOriginsView();
