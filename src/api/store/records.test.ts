import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createApiKey, revokeKey } from '../keys.ts';
import { ApiRecords, TooManyKeysError } from './records.ts';
import { JobStore } from '@/jobs/store.ts';

let dbCount = 0;

describe('ApiRecords.addKey', () => {
  it('refuses a key past maxActiveKeys, even when tabs create keys at once', async () => {
    const records = new ApiRecords((await JobStore.open(`records-${dbCount++}`)).db);
    const keys = await Promise.all(
      ['a', 'b', 'c'].map((label) => createApiKey('upscale', label, 1)),
    );
    const outcomes = await Promise.allSettled(keys.map((k) => records.addKey(k.record, 2)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(TooManyKeysError);
    expect(String(refused?.reason)).toMatch(/at most 2 active API keys/);
    // A revoked key leaves its slot free.
    const [first] = await records.keys();
    await records.putKey(revokeKey(first!, 2));
    const refusedKey = keys[outcomes.findIndex((o) => o.status === 'rejected')]!;
    await records.addKey(refusedKey.record, 2);
    expect(await records.keys()).toHaveLength(3);
  });
});
