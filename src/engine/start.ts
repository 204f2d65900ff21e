import type { ApiRecords } from '@/api/store/records.ts';
import { openJobChannel } from '@/jobs/broadcast.ts';
import type { JobStore } from '@/jobs/store.ts';
import { startEngineHost } from './host.ts';
import type { BackendPreference } from '@/ops/operation.ts';
import { afterTerminal, startWebhookDelivery } from '@/api/after-job.ts';

/**
 * Makes this window a candidate engine host: it runs the origin's queue and delivers webhooks
 * while it holds their Web Locks. The app page and /engine.js both start it this one way.
 */
export function startEngine(options: {
  store: JobStore;
  records: ApiRecords;
  backend: () => BackendPreference;
}): () => void {
  const channel = openJobChannel();
  const after = {
    store: options.store,
    records: options.records,
    origin: location.origin,
    now: () => Date.now(),
    post: channel.post,
  };
  const stopHost = startEngineHost({
    store: options.store,
    backend: options.backend,
    afterTerminal: (job) => afterTerminal(job, after),
  });
  const stopDelivery = startWebhookDelivery(after);
  return () => {
    stopHost();
    stopDelivery();
    channel.close();
  };
}
