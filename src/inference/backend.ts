import type { EngineRecord } from '@/jobs/job.ts';
import type { BackendPreference } from '@/ops/operation.ts';

export interface BackendChoice {
  backend: EngineRecord['backend'];
  reason: string;
  /** True when the adapter advertises fp16 shader arithmetic. */
  shaderF16: boolean;
  /** True on WebGPU with a real GPU, not a software fallback adapter. */
  hardwareGpu?: boolean;
  /** WebGPU was chosen in Settings, but this device has no graphics processor for it. */
  noGpu?: boolean;
}

/**
 * Picks the execution provider and says why, in words the UI shows as they are. A software
 * (fallback) WebGPU adapter is slower than WASM by orders of magnitude, so `auto` skips it.
 */
export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'wasm') return wasm('WASM was chosen in Settings');
  const choice = await chooseAuto(preference);
  // WebGPU was asked for, and there is no adapter at all: say so, never quietly. (A software
  // adapter, asked for by name, still runs: its reason says it is one.)
  if (preference === 'webgpu' && choice.backend !== 'webgpu') {
    return { backend: 'wasm', reason: NO_GPU, shaderF16: false, noGpu: true };
  }
  return choice;
}

/** What a person who chose the graphics processor reads when this device has none. */
export const NO_GPU = 'No graphics processor is available here; running on the processor instead';

async function chooseAuto(preference: BackendPreference): Promise<BackendChoice> {
  if (!('gpu' in navigator) || !navigator.gpu) return wasm('this browser has no WebGPU');
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return wasm(`WebGPU refused an adapter (${String(error)})`);
  }
  if (!adapter) return wasm('no WebGPU adapter is available');
  const info = adapter.info;
  const name =
    [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown GPU';
  const fallback = info.isFallbackAdapter;
  if (fallback && preference === 'auto') {
    return wasm(`the only WebGPU adapter is a software fallback (${name}), slower than WASM`);
  }
  return {
    backend: 'webgpu',
    reason:
      `WebGPU on ${name}${fallback ? ' (software fallback adapter)' : ''}` +
      (adapter.features.has('shader-f16') ? ', float16 models (shader-f16)' : ''),
    shaderF16: adapter.features.has('shader-f16'),
    hardwareGpu: !fallback,
  };
}

function wasm(reason: string): BackendChoice {
  return { backend: 'wasm', reason: `WASM: ${reason}`, shaderF16: false };
}

/**
 * Every core, up to 8, when the page is cross-origin isolated (threads need SharedArrayBuffer).
 * Measured on 2 cores (npm run bench, 1024²): 2 threads run the SR models 1.59× (Real-CUGAN) to
 * 1.94× (esrgan-medium ×4) as fast as 1, with the page still answering. The cap of 8 leaves a many-core machine's other cores to
 * the page and the encoders.
 */
export function wasmThreads(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}
