import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { LedgerEntry } from '@/api/credits.ts';
import type { ApiKeyRecord } from '@/api/keys.ts';
import type { Counter } from '@/api/rate-limit.ts';
import type { OutboxRecord } from '@/api/webhooks.ts';
import type { Job } from './job.ts';

/** A file sent to an upload endpoint, kept until a job uses it. */
export interface UploadRecord {
  storage_key: string;
  filename: string;
  size: number;
  content_type: string;
  blob_key: string;
  created_at: number;
  /** Declared pixel size (absent on uploads stored before it was recorded). */
  width?: number;
  height?: number;
}

/**
 * The origin's one database: jobs and their files, and what the API needs to remember
 * (keys, counters, uploads, webhook outbox, credit ledger, settings). One schema, so a single
 * transaction can span a job and its bookkeeping.
 */
export interface KintsugiDB extends DBSchema {
  jobs: {
    key: string;
    value: Job;
    indexes: {
      by_created: number;
      by_status: string;
      by_dialect_created: [string, number];
      by_idempotency: [string, string];
    };
  };
  blobs: { key: string; value: Blob };
  uploads: { key: string; value: UploadRecord };
  api_keys: { key: string; value: ApiKeyRecord };
  counters: { key: string; value: Counter };
  outbox: { key: string; value: OutboxRecord };
  ledger: { key: string; value: LedgerEntry };
  settings: { key: string; value: unknown };
}

export const DB_NAME = 'kintsugi';
const DB_VERSION = 2;

export function openKintsugiDB(name = DB_NAME): Promise<IDBPDatabase<KintsugiDB>> {
  return openDB<KintsugiDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
        jobs.createIndex('by_created', 'created_at');
        jobs.createIndex('by_status', 'status');
        db.createObjectStore('blobs');
      }
      if (oldVersion < 2) {
        const jobs = tx.objectStore('jobs');
        jobs.createIndex('by_dialect_created', ['dialect', 'created_at']);
        jobs.createIndex('by_idempotency', ['dialect', 'idempotency_key']);
        db.createObjectStore('uploads', { keyPath: 'storage_key' });
        db.createObjectStore('api_keys', { keyPath: 'id' });
        db.createObjectStore('counters');
        db.createObjectStore('outbox', { keyPath: 'id' });
        db.createObjectStore('ledger', { keyPath: 'id' });
        db.createObjectStore('settings');
      }
    },
  });
}
