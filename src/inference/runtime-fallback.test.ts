import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelEntry, ModelVariant } from '@models/manifest.ts';

/*
 * WebGPU failing in the middle of a job (device lost, out of memory): the runtime drops its
 * WebGPU sessions, goes on with WASM from the tile that failed, and says why in the engine
 * record. ORT is replaced by sessions that compute a known function of their input, so the
 * pixels of a run that switched backends can be compared with a run that never did.
 */

interface FakeTensor {
  type: string;
  data: Float32Array;
  dims: number[];
  getData(): Promise<Float32Array>;
  dispose(): void;
}

const state = vi.hoisted(() => ({
  /** Runs each backend has done, and when WebGPU starts failing (its nth run and after). */
  runs: { webgpu: 0, wasm: 0 },
  failWebgpuFrom: Infinity,
  released: [] as string[],
  disposed: 0,
  created: 0,
  lose: null as null | ((info: { reason: string; message: string }) => void),
}));

vi.mock('onnxruntime-web', () => {
  class Tensor implements FakeTensor {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: number[],
    ) {}
    getData() {
      return Promise.resolve(this.data);
    }
    dispose() {
      state.disposed++;
    }
  }
  const device = {
    lost: new Promise<{ reason: string; message: string }>((resolve) => (state.lose = resolve)),
  };
  return {
    env: { wasm: {}, webgpu: { device: Promise.resolve(device) } },
    Tensor,
    InferenceSession: {
      create: (_bytes: unknown, options: { executionProviders: ['webgpu' | 'wasm'] }) => {
        const backend = options.executionProviders[0];
        state.created++;
        return Promise.resolve({
          run: (feeds: Record<string, Tensor>) => {
            const n = ++state.runs[backend];
            if (backend === 'webgpu' && n >= state.failWebgpuFrom)
              return Promise.reject(new Error('GPUBuffer.mapAsync: device is lost'));
            // Nearest-neighbour ×2 of each plane: the same on either backend.
            const input = Object.values(feeds)[0]!;
            const [, c, h, w] = input.dims as [number, number, number, number];
            const out = new Float32Array(c * h * 2 * w * 2);
            for (let p = 0; p < c; p++)
              for (let y = 0; y < h * 2; y++)
                for (let x = 0; x < w * 2; x++)
                  out[p * h * w * 4 + y * w * 2 + x] =
                    input.data[p * h * w + (y >> 1) * w + (x >> 1)]!;
            return Promise.resolve({ out: new Tensor('float32', out, [1, c, h * 2, w * 2]) });
          },
          release: () => {
            state.released.push(backend);
            return Promise.resolve();
          },
        });
      },
    },
  };
});
vi.mock('./model-store.ts', () => ({
  loadModel: () => Promise.resolve(new Uint8Array(1)),
}));
// One build stands for both (the JSEP one, which runs WebGPU and WASM): no binary is fetched.
vi.mock('./ort-loader.ts', async () => {
  const ort = await import('onnxruntime-web');
  return { loadOrt: () => Promise.resolve(ort) };
});
vi.mock('./backend.ts', () => ({
  wasmThreads: () => 1,
  chooseBackend: (preference: string) =>
    Promise.resolve(
      preference === 'wasm'
        ? { backend: 'wasm', reason: 'WASM was chosen in Settings', shaderF16: false }
        : { backend: 'webgpu', reason: 'WebGPU on test GPU', shaderF16: false },
    ),
}));

const { ModelRuntime } = await import('./runtime.ts');

const variant: ModelVariant = { file: 'x2.onnx' } as ModelVariant;
const model = {
  id: 'test-x2',
  scale: 2,
  input: { name: 'in', layout: 'NCHW', channels: 3, range: [0, 1] },
  output: { name: 'out', layout: 'NCHW', channels: 3, range: [0, 1] },
  tile: { size: 16, context: 2, min: 16, max: 16 },
  variants: [variant],
} as unknown as ModelEntry;

/** A 40×40 image of varied pixels: sixteen tiles of 16 with a context of 2. */
function image() {
  const data = new Uint8ClampedArray(40 * 40 * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (i * 37) % 251;
  return { width: 40, height: 40, data };
}

async function upscale(runtime: InstanceType<typeof ModelRuntime>) {
  const rows: Uint8Array[] = [];
  const result = await runtime.runTiled({
    model,
    variant,
    image: image(),
    sink: (band, count) => rows.push(band.slice(0, count * 80 * 4)),
    onProgress: () => {},
    isCanceled: () => false,
  });
  return { ...result, pixels: Buffer.concat(rows) };
}

beforeEach(() => {
  state.runs = { webgpu: 0, wasm: 0 };
  state.failWebgpuFrom = Infinity;
  state.released = [];
});

describe('WebGPU failing mid-job', () => {
  it('runs the failed tile and the rest on WASM, with the same pixels, and says why', async () => {
    const reference = await upscale(await withBackend('wasm'));
    state.runs = { webgpu: 0, wasm: 0 };

    state.failWebgpuFrom = 4;
    const runtime = await withBackend('auto');
    const switched = await upscale(runtime);
    expect(switched.tiles).toBe(16);
    // Three tiles on the GPU; the fourth failed there and ran again on WASM, as did the rest.
    expect(state.runs).toEqual({ webgpu: 4, wasm: 13 });
    expect(switched.pixels.equals(reference.pixels)).toBe(true);
    expect(state.released).toEqual(['webgpu']);
    expect(runtime.engineRecord()).toMatchObject({
      backend: 'wasm',
      reason: expect.stringMatching(
        /^WASM: WebGPU failed mid-job \(.*device is lost\), so it ran again on WASM$/,
      ),
    });

    // The next job stays on WASM: the GPU is not tried again.
    await upscale(runtime);
    expect(state.runs.webgpu).toBe(4);
  });

  it("leaves WebGPU before the next run once the device's lost promise resolves", async () => {
    const runtime = await withBackend('auto');
    await runtime.runWhole(variant, { in: { data: new Float32Array(12), dims: [1, 3, 2, 2] } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    state.lose!({ reason: 'destroyed', message: 'Device was destroyed.' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const out = await runtime.runWhole(variant, {
      in: { data: new Float32Array(12).fill(0.5), dims: [1, 3, 2, 2] },
    });
    expect(out.out!.dims).toEqual([1, 3, 4, 4]);
    expect(out.out!.data.every((v) => v === 0.5)).toBe(true);
    expect(state.runs).toEqual({ webgpu: 1, wasm: 1 });
    expect(runtime.engineRecord().reason).toBe(
      'WASM: the GPU device was lost mid-job (Device was destroyed.), so it ran again on WASM',
    );
  });

  it('throws what WASM itself fails with', async () => {
    const runtime = await withBackend('wasm');
    const session = vi.spyOn(runtime, 'session');
    const failing = { run: () => Promise.reject(new Error('wasm broke')) };
    session.mockResolvedValue(failing as never);
    await expect(
      runtime.runWhole(variant, { in: { data: new Float32Array(12), dims: [1, 3, 2, 2] } }),
    ).rejects.toThrow('wasm broke');
  });
});

async function withBackend(preference: 'auto' | 'wasm') {
  const runtime = new ModelRuntime();
  await runtime.backend(preference);
  return runtime;
}
