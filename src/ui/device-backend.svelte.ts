import { capabilities } from './capabilities.svelte.ts';
import type { EstimateBackend } from './panel/estimate.ts';
import { settings } from './settings.svelte.ts';

/** Where jobs run now, in the estimate tables' terms: WebGPU only on a real (not fallback) adapter. */
export function deviceBackend(): EstimateBackend {
  if (settings.backend === 'wasm') return 'wasm';
  const gpu = capabilities.webgpu;
  return gpu.kind === 'adapter' && !gpu.fallback ? 'webgpu' : 'wasm';
}
