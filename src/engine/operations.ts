import type { PageOperation, PagePrepare } from '@/ops/operation.ts';
import { prepare as replaceBackground } from '@/ops/replace-background/page.ts';
import { type OperationName, registry } from '@/ops/registry.ts';
import { runInWorker } from './run-in-worker.ts';

/** The operations whose page side prepares the input before the worker runs them. */
export const prepares: Partial<Record<OperationName, PagePrepare>> = {
  'replace-background': replaceBackground,
};

function pageOperation(name: OperationName): PageOperation {
  const meta = registry[name];
  const inWorker = runInWorker(name);
  const prepare = prepares[name];
  return {
    meta,
    run: prepare
      ? async (input, params, ctx) => inWorker(input, await prepare(params), ctx)
      : inWorker,
  };
}

/** Every operation of the registry as the page runs it: in the inference worker. */
export const operations: Readonly<Record<string, PageOperation>> = Object.fromEntries(
  (Object.keys(registry) as OperationName[]).map((name) => [name, pageOperation(name)]),
);
