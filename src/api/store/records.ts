import type { IDBPDatabase } from 'idb';
import type { LedgerEntry } from '../credits.ts';
import { type ApiKeyRecord, activeKeyCount } from '../keys.ts';
import type { CounterStore } from '../rate-limit.ts';
import { createSigningSecret, importSigningKey, signPath } from '../signed-url.ts';
import type { OutboxRecord } from '../webhooks.ts';
import type { KintsugiDB } from '@/jobs/db.ts';

/** Settings → Limits caps how many keys may be active at once (maxActiveKeys). */
export class TooManyKeysError extends Error {
  constructor(readonly max: number) {
    super(
      `You can have at most ${max} active API keys: revoke one to create another (Limits in Settings sets the number).`,
    );
    this.name = 'TooManyKeysError';
  }
}

/**
 * What the API remembers besides jobs: keys (as hashes), rate-limit counters, and small
 * settings. The page writes keys from Settings; the service worker reads them on every
 * request, so a revoked key stops working at once.
 */
export class ApiRecords {
  private signingKey: Promise<CryptoKey> | null = null;

  constructor(private readonly db: IDBPDatabase<KintsugiDB>) {}

  /** The install-wide key that signs output URLs, made on first use. */
  signingSecret(): Promise<CryptoKey> {
    this.signingKey ??= this.settingOrCreate('signing-secret', createSigningSecret).then(
      importSigningKey,
    );
    return this.signingKey;
  }

  /** Signs a same-origin path so it works until `expiresAt` (Unix ms) and not after. */
  async sign(path: string, expiresAt: number): Promise<string> {
    return signPath(await this.signingSecret(), path, expiresAt);
  }

  /** Writing an entry twice keeps one: its id is `charge:<job>` or `refund:<job>`. */
  async putLedger(entry: LedgerEntry | null): Promise<void> {
    if (entry) await this.db.put('ledger', entry);
  }

  ledger(): Promise<LedgerEntry[]> {
    return this.db.getAll('ledger');
  }

  async putDelivery(record: OutboxRecord): Promise<void> {
    await this.db.put('outbox', record);
  }

  /** Only adds: a delivery that exists already (the same job and event) is left as it is. */
  async addDelivery(record: OutboxRecord): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite');
    if (!(await tx.store.get(record.id))) await tx.store.add(record);
    await tx.done;
  }

  deliveries(): Promise<OutboxRecord[]> {
    return this.db.getAll('outbox');
  }

  async keys(): Promise<ApiKeyRecord[]> {
    return this.db.getAll('api_keys');
  }

  async putKey(record: ApiKeyRecord): Promise<void> {
    await this.db.put('api_keys', record);
  }

  /**
   * Stores a new key unless `max` keys are active already (then TooManyKeysError). Counted and
   * written in one transaction, so two tabs creating keys at once cannot both take the last slot.
   */
  async addKey(record: ApiKeyRecord, max: number): Promise<void> {
    const tx = this.db.transaction('api_keys', 'readwrite');
    const active = activeKeyCount(await tx.store.getAll());
    if (active >= max) {
      tx.abort();
      await tx.done.catch(() => {});
      throw new TooManyKeysError(max);
    }
    await tx.store.add(record);
    await tx.done;
  }

  /**
   * Stamps a key's last use. Read and written in one transaction: writing back a record read
   * earlier could undo a revocation made in between.
   */
  async touchKey(id: string, now: number): Promise<void> {
    const tx = this.db.transaction('api_keys', 'readwrite');
    const record = await tx.store.get(id);
    if (record) await tx.store.put({ ...record, last_used_at: now });
    await tx.done;
  }

  /**
   * Runs `fn` with counters read and written in one readwrite transaction, so two requests
   * racing for the last slot of a window cannot both see it free.
   */
  async withCounters<T>(fn: (store: CounterStore) => Promise<T>): Promise<T> {
    const tx = this.db.transaction('counters', 'readwrite');
    const store: CounterStore = {
      get: (key) => tx.store.get(key),
      put: async (key, counter) => {
        await tx.store.put(counter, key);
      },
    };
    const result = await fn(store);
    await tx.done;
    return result;
  }

  async setting<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('settings', key)) as T | undefined;
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    await this.db.put('settings', value, key);
  }

  /** Returns the stored value, or stores and returns `make()` if there is none (atomically). */
  async settingOrCreate<T>(key: string, make: () => T): Promise<T> {
    const tx = this.db.transaction('settings', 'readwrite');
    let value = (await tx.store.get(key)) as T | undefined;
    if (value === undefined) {
      value = make();
      await tx.store.put(value, key);
    }
    await tx.done;
    return value;
  }
}
