import type * as Ort from 'onnxruntime-web';
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import wasmOnlyUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { RUNTIME_CACHE, runtimeFile } from './runtime-files.ts';
import { wasmThreads } from './backend.ts';

export type OrtModule = typeof Ort;
export { RUNTIME_CACHE };

/**
 * onnxruntime-web comes in two builds: the WASM-only one (ort-wasm-simd-threaded.wasm, 14 MB,
 * 3.7 MB gzipped) and the JSEP one that adds WebGPU (28 MB). Only a worker that runs on a
 * hardware WebGPU adapter loads the JSEP build; every other device never fetches it.
 */
export function ortWasmUrl(webgpu: boolean): string {
  return new URL(webgpu ? jsepWasmUrl : wasmOnlyUrl, self.location.origin).href;
}

const loaded = new Map<boolean, Promise<OrtModule>>();

async function load(webgpu: boolean): Promise<OrtModule> {
  // The binary goes through the runtime cache (src/inference/runtime-files.ts): fetched once, kept,
  // then read from the device, offline too, even before a service worker controls the page.
  const [ort, binary] = await Promise.all([
    webgpu
      ? (import('onnxruntime-web') as Promise<OrtModule>)
      : (import('onnxruntime-web/wasm') as Promise<OrtModule>),
    runtimeFile(ortWasmUrl(webgpu), 'the image engine'),
  ]);
  ort.env.wasm.wasmBinary = binary;
  ort.env.wasm.numThreads = wasmThreads();
  ort.env.wasm.proxy = false;
  return ort;
}

/** The onnxruntime-web build for this backend, loaded once per worker. */
export function loadOrt(webgpu: boolean): Promise<OrtModule> {
  let ort = loaded.get(webgpu);
  if (!ort) {
    ort = load(webgpu);
    ort.catch(() => loaded.delete(webgpu));
    loaded.set(webgpu, ort);
  }
  return ort;
}
