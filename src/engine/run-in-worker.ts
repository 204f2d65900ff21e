import { inference } from './inference-client.ts';
import type { PageOperation, OperationResult, PageRunContext } from '@/ops/operation.ts';

/** The page side of an operation whose work happens in the inference worker. */
export function runInWorker(operation: string): PageOperation['run'] {
  return (input, params, ctx: PageRunContext): Promise<OperationResult> =>
    inference.run(
      { operation, params, input, backend: ctx.backend },
      ctx.signal,
      ctx.progress,
      ctx.engine,
      ctx.preview,
    );
}
