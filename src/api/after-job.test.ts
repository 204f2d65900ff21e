import { describe, expect, it } from 'vitest';
import type { OutboxRecord } from './webhooks.ts';
import { deliveriesToStart } from './after-job.ts';

function delivery(id: string, url: string, next_at: number): OutboxRecord {
  return {
    id,
    job_id: id,
    api_key_id: 'key',
    dialect: 'restorations',
    event: 'complete',
    url,
    body: '{}',
    headers: {},
    state: 'pending',
    attempts: [],
    max_attempts: 4,
    timeout_ms: 10_000,
    next_at,
    created_at: next_at,
    updated_at: next_at,
  };
}

describe('deliveriesToStart', () => {
  const hanging = 'http://127.0.0.1:9001';
  const ready = 'http://127.0.0.1:9002';

  it('starts a ready receiver while another receiver has one in flight', () => {
    const pending = [delivery('a2', `${hanging}/hook`, 10), delivery('b1', `${ready}/hook`, 20)];
    expect(deliveriesToStart(pending, 100, new Set([hanging]), 4).map((d) => d.id)).toEqual(['b1']);
  });

  it('sends one at a time per receiver origin, earliest due first, at most `limit` in all', () => {
    const pending = [
      delivery('x2', 'https://x.example/hook', 30),
      delivery('x1', 'https://x.example/other', 10),
      ...['a', 'b', 'c', 'd', 'e'].map((h, i) => delivery(h, `https://${h}.example/`, 40 + i)),
      delivery('later', 'https://z.example/', 500),
    ];
    expect(deliveriesToStart(pending, 100, new Set(), 4).map((d) => d.id)).toEqual([
      'x1',
      'a',
      'b',
      'c',
    ]);
    expect(deliveriesToStart(pending, 100, new Set(['https://a.example']), 2)).toHaveLength(1);
  });
});
