import { type ApiKeyRecord, createApiKey, revokeKey } from '../api/keys.ts';
import type { ApiDialect } from '../api/limits-config.ts';
import type { ApiRecords } from '../jobs/api-records.ts';

/** The keys as Settings shows them; the secret of a new key lives here until it is replaced. */
class ApiKeysView {
  keys = $state<ApiKeyRecord[]>([]);
  newSecret = $state<string | null>(null);
  private records: ApiRecords | null = null;

  async connect(records: ApiRecords): Promise<void> {
    this.records = records;
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const all = (await this.records?.keys()) ?? [];
    this.keys = all.sort((a, b) => b.created_at - a.created_at);
  }

  async create(style: ApiDialect, label: string): Promise<void> {
    if (!this.records) return;
    const { secret, record } = await createApiKey(style, label.trim() || 'API key', Date.now());
    await this.records.putKey(record);
    this.newSecret = secret;
    await this.refresh();
  }

  async revoke(id: string): Promise<void> {
    const record = this.keys.find((k) => k.id === id);
    if (!record || !this.records) return;
    await this.records.putKey(revokeKey($state.snapshot(record) as ApiKeyRecord, Date.now()));
    await this.refresh();
  }
}

export const apiKeysView = new ApiKeysView();
