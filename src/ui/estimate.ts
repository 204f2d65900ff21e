import type { Operation } from '../jobs/job.ts';

/** What runs a job, in the terms the estimate tables use. */
export type EstimateBackend = 'webgpu' | 'wasm';

/**
 * How long the operations would take on this device for a photo of this size, in seconds, or
 * undefined where nothing measured supports a figure (the interface then shows no estimate).
 * Placeholder contract: the progress work fills it from measured throughput per model and backend.
 */
export function estimateSeconds(
  operations: readonly Operation[],
  size: { width: number; height: number },
  backend: EstimateBackend,
): number | undefined {
  void operations;
  void size;
  void backend;
  return undefined;
}

/** "about 40 s", "about 3 min", "about 1 h 10 min": minutes for long work, never "338 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `about ${hours} h ${rest} min` : `about ${hours} h`;
}
