import { type ApiKeyRecord, createApiKey, revokeKey } from '@/api/keys.ts';
import { type ApiDialect, type LimitsOverrides, resolveLimits } from '@/api/limits-config.ts';
import { type ApiRecords, TooManyKeysError } from '@/api/store/records.ts';
import { openJobChannel } from '@/jobs/broadcast.ts';
import { isTerminal } from '@/jobs/job.ts';

/** The keys as Settings shows them; the secret of a new key lives here until it is replaced. */
class ApiKeysView {
  keys = $state<ApiKeyRecord[]>([]);
  newSecret = $state<string | null>(null);
  /** Why the last key could not be created, e.g. the limit on active keys. */
  error = $state<string | null>(null);
  charged = $state(0);
  refunded = $state(0);
  private records: ApiRecords | null = null;

  async connect(records: ApiRecords): Promise<void> {
    this.records = records;
    // Charges and refunds follow API jobs as they are created and end.
    openJobChannel((event) => {
      if (event.type === 'created' || (event.type === 'job' && isTerminal(event.job.status))) {
        void this.refresh();
      }
    });
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const all = (await this.records?.keys()) ?? [];
    this.keys = all.sort((a, b) => b.created_at - a.created_at);
    const ledger = (await this.records?.ledger()) ?? [];
    this.charged = ledger.filter((e) => e.kind === 'charge').reduce((s, e) => s + e.credits, 0);
    this.refunded = -ledger.filter((e) => e.kind === 'refund').reduce((s, e) => s + e.credits, 0);
  }

  async create(style: ApiDialect, label: string): Promise<void> {
    if (!this.records) return;
    const { secret, record } = await createApiKey(style, label.trim() || 'API key', Date.now());
    const limits = resolveLimits(await this.records.setting<LimitsOverrides>('limits'));
    try {
      await this.records.addKey(record, limits.maxActiveKeys);
    } catch (error) {
      if (!(error instanceof TooManyKeysError)) throw error;
      this.error = error.message;
      this.newSecret = null;
      return;
    }
    this.error = null;
    this.newSecret = secret;
    await this.refresh();
  }

  async revoke(id: string): Promise<void> {
    const record = this.keys.find((k) => k.id === id);
    if (!record || !this.records) return;
    await this.records.putKey(revokeKey($state.snapshot(record) as ApiKeyRecord, Date.now()));
    this.error = null;
    await this.refresh();
  }
}

export const apiKeysView = new ApiKeysView();
