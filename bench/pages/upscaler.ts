/// <reference types="vite/client" />
// The peer: UpscalerJS with the same ESRGAN-medium weights, on TensorFlow.js backends.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import x4 from '@upscalerjs/esrgan-medium/4x';
import Upscaler from 'upscaler';
import { photo } from './photo.ts';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

export interface PeerSpeed {
  backend: string;
  detail: string;
  mpPerSecond: number;
  latencyMs: number;
  complete: boolean;
  fraction: number;
}

let upscaler: InstanceType<typeof Upscaler> | null = null;

const peer = {
  /** Picks the tfjs backend (once per page) and loads the model from this origin, not a CDN. */
  async setup(
    backend: 'wasm' | 'webgl',
    threads = 1,
  ): Promise<{ backend: string; detail: string }> {
    if (backend === 'wasm') setThreadsCount(threads);
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start ${backend}`);
    await tf.ready();
    let detail = '';
    if (backend === 'wasm') detail = `${getThreadsCount()} thread(s)`;
    if (backend === 'webgl') {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      detail = info && gl ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown';
    }
    upscaler = new Upscaler({ model: { ...x4, path: '/upscaler-models/x4/model.json' } });
    await upscaler.getModel();
    return { backend: tf.getBackend(), detail };
  },

  /**
   * One image through upscaler.upscale with the tiles Kintsugi plans for it (`patch`: the core
   * and the context each side; null when Kintsugi runs the image in one piece), output kept as
   * a tensor (no base64 encoding).
   */
  async speed(
    width: number,
    height: number,
    budget: number,
    patch: { patchSize: number; padding: number } | null,
  ): Promise<PeerSpeed> {
    if (!upscaler) throw new Error('setup() first');
    // A queued backend reports progress as patches are queued, not done: no partial runs there.
    const budgetMs = tf.getBackend() === 'wasm' ? budget : 0;
    const image = await photo(width, height);
    const input = tf.tensor3d(new Uint8Array(image.data.buffer), [height, width, 4], 'int32');
    const rgb = tf.slice(input, [0, 0, 0], [height, width, 3]);
    input.dispose();
    // A warm-up on one patch, as Kintsugi's speed runs have one warm tile.
    const warm = tf.slice(rgb, [0, 0, 0], [Math.min(height, 128), Math.min(width, 128), 3]);
    (await upscaler.upscale(warm, { output: 'tensor', ...patch })).dispose();
    warm.dispose();
    const controller = new AbortController();
    const started = performance.now();
    let fraction = 0;
    let lastAt = started;
    let complete = false;
    try {
      const out = await upscaler.upscale(rgb, {
        output: 'tensor',
        ...patch,
        signal: controller.signal,
        progress: (percent: number) => {
          fraction = percent;
          lastAt = performance.now();
          if (budgetMs > 0 && lastAt - started > budgetMs && percent < 1) controller.abort();
        },
      });
      // WebGL queues its work: only reading the result proves it was done.
      await out.data();
      lastAt = performance.now();
      fraction = 1;
      complete = true;
      out.dispose();
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    rgb.dispose();
    const elapsed = lastAt - started;
    const outMp = (width * height * 16) / 1e6;
    return {
      backend: tf.getBackend(),
      detail: '',
      mpPerSecond: (fraction * outMp) / (elapsed / 1000),
      latencyMs: complete ? elapsed : elapsed / fraction,
      complete,
      fraction,
    };
  },
};

declare global {
  interface Window {
    peer: typeof peer;
  }
}

window.peer = peer;
