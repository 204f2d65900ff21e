import { chooseBackend, wasmThreads } from '@/inference/backend.ts';
import type { Capabilities } from '@/client/client.ts';
import type { BackendPreference } from '@/ops/operation.ts';

/** An adapter request that never answers must not hold the hello back. */
const ADAPTER_TIMEOUT_MS = 5_000;

/**
 * What this frame can run with, for the hello. The worker decides the backend by the same rule
 * (src/inference/backend.ts); threads need cross-origin isolation, which a frame only has when its
 * parent is isolated and lets it be (allow="cross-origin-isolated").
 */
export async function detectCapabilities(
  preference: BackendPreference,
  operations: readonly string[],
): Promise<Capabilities> {
  const timeout = new Promise<Awaited<ReturnType<typeof chooseBackend>>>((resolve) =>
    setTimeout(
      () =>
        resolve({ backend: 'wasm', reason: 'WASM: no WebGPU adapter answered', shaderF16: false }),
      ADAPTER_TIMEOUT_MS,
    ),
  );
  const choice = await Promise.race([chooseBackend(preference), timeout]);
  return {
    backend: choice.backend,
    backend_reason: choice.reason,
    cross_origin_isolated: globalThis.crossOriginIsolated,
    threads: wasmThreads(),
    operations: [...operations],
  };
}
