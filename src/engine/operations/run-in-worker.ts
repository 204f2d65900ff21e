import { inference } from '../inference-client.ts';
import type { OperationModule, OperationResult, RunContext } from '../operation.ts';

/** The page side of an operation whose work happens in the inference worker. */
export function runInWorker(operation: string): OperationModule['run'] {
  return (input, params, ctx: RunContext): Promise<OperationResult> =>
    inference.run(
      { operation, params, input, backend: ctx.backend },
      ctx.signal,
      ctx.progress,
      ctx.engine,
      ctx.preview,
    );
}
