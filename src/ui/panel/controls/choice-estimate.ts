import type { BackendPreference } from '@/ops/operation.ts';
import type { Operation } from '@/jobs/job.ts';
import type { WebGpuState } from '../../capabilities.svelte.ts';
import { type EstimateBackend, estimateSeconds, formatDuration } from '../estimate.ts';

/** A 1-megapixel photo: what the estimates count when no photo is staged yet. */
export const REFERENCE_SIZE = { width: 1000, height: 1000 };

/** Where the engine will run, in the estimate tables' terms (a fallback adapter is a CPU). */
export function estimateBackend(
  preference: BackendPreference,
  webgpu: WebGpuState,
): EstimateBackend {
  if (preference !== 'auto') return preference;
  return webgpu.kind === 'adapter' && !webgpu.fallback ? 'webgpu' : 'wasm';
}

/**
 * "about 40 s" for the operation with `name` set to each choice, or nothing where no figure is
 * measured for it (the interface then shows none).
 */
export function choiceEstimates(
  operation: Operation,
  name: string,
  choices: readonly string[],
  size: { width: number; height: number },
  backend: EstimateBackend,
): Record<string, string | undefined> {
  return Object.fromEntries(
    choices.map((choice) => {
      const variant = { type: operation.type, params: { ...operation.params, [name]: choice } };
      const seconds = estimateSeconds([variant], size, backend);
      return [choice, seconds === undefined ? undefined : formatDuration(seconds)];
    }),
  );
}
