import { inference } from '../../inference-client.ts';
import { findModel, pickVariant } from '../../models.ts';
import type { OperationResult, RunContext } from '../../operation.ts';

export async function run(
  input: Blob,
  params: Record<string, unknown>,
  ctx: RunContext,
): Promise<OperationResult> {
  const scale = Number(params.scale);
  const model = findModel('enhance', scale);
  if (!model) throw new Error(`No upscaling model for ×${scale} is installed`);
  return inference.upscale(
    { input, model, variant: pickVariant(model), backend: ctx.backend },
    ctx.signal,
    (done, total, eta) => ctx.progress(done / total, eta),
    ctx.engine,
  );
}
