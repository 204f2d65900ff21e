import type { OperationMeta } from '../operation.ts';
import { meta as enhance } from './enhance/meta.ts';

/**
 * The metas alone, for code that validates or describes operations without running them
 * (the service worker, the API validators, the docs) and so must not pull in the workers.
 */
export const operationMetas: Readonly<Record<string, OperationMeta>> = {
  [enhance.name]: enhance,
};
