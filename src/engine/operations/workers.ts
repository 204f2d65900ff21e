import { enhance } from './enhance/worker.ts';
import type { OpWorker } from './worker-context.ts';

/** The worker side of every operation, by name: what the inference worker can run. */
export const operationWorkers: Readonly<Record<string, OpWorker>> = {
  enhance,
};
