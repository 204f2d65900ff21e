import type { BackendPreference } from '@/ops/operation.ts';
import { chooseBackend, wasmThreads } from '@/inference/backend.ts';

/** An adapter request that never answers must not leave Settings "checking…" forever. */
const ADAPTER_TIMEOUT_MS = 5_000;

export type WebGpuState =
  | { kind: 'checking' }
  | { kind: 'unsupported' }
  | { kind: 'no-adapter' }
  | { kind: 'adapter'; name: string; fallback: boolean; shaderF16: boolean };

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ADAPTER_TIMEOUT_MS)),
  ]);
}

async function probeWebGpu(): Promise<WebGpuState> {
  if (!('gpu' in navigator) || !navigator.gpu) return { kind: 'unsupported' };
  const adapter = await withTimeout(
    navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null),
    null,
  );
  if (!adapter) return { kind: 'no-adapter' };
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return {
    kind: 'adapter',
    name: name || 'unknown GPU',
    fallback: info.isFallbackAdapter,
    shaderF16: adapter.features.has('shader-f16'),
  };
}

/**
 * What the page itself can detect of the device. The engine decides in its worker with the same
 * rules (src/inference/backend.ts); this is what Settings shows so a person can see why.
 */
class Capabilities {
  webgpu = $state<WebGpuState>({ kind: 'checking' });
  readonly isolated = globalThis.crossOriginIsolated;
  readonly cores = navigator.hardwareConcurrency;
  readonly threads = wasmThreads();
  /** Where jobs run with the current backend preference, and why, in the engine's words. */
  choice = $state<string | null>(null);
  /** WebGPU is chosen in Settings but this device has no graphics processor for it. */
  noGpu = $state(false);
  private probed = false;

  async detect(preference: BackendPreference): Promise<void> {
    if (!this.probed) {
      this.probed = true;
      this.webgpu = await probeWebGpu();
    }
    this.choice = null;
    this.noGpu = false;
    if (preference === 'wasm') return;
    const fallback = { backend: 'wasm' as const, reason: 'WASM', shaderF16: false };
    const chosen = await withTimeout(chooseBackend(preference), fallback);
    this.choice = chosen.reason;
    this.noGpu = chosen.noGpu === true;
  }
}

export const capabilities = new Capabilities();
