import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_GPU, chooseBackend } from './backend.ts';

/** A navigator whose WebGPU gives this adapter (null: none). */
function withAdapter(adapter: { isFallbackAdapter: boolean } | null) {
  vi.stubGlobal('navigator', {
    gpu: {
      requestAdapter: () =>
        Promise.resolve(
          adapter && {
            info: { vendor: 'test', architecture: '', description: '', ...adapter },
            features: new Set<string>(),
          },
        ),
    },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('chooseBackend', () => {
  it('says plainly when WebGPU is chosen and there is no graphics processor', async () => {
    withAdapter(null);
    expect(await chooseBackend('webgpu')).toMatchObject({
      backend: 'wasm',
      reason: NO_GPU,
      noGpu: true,
    });
  });

  it('runs a software adapter only when WebGPU is chosen by name, and says it is one', async () => {
    withAdapter({ isFallbackAdapter: true });
    expect(await chooseBackend('webgpu')).toMatchObject({ backend: 'webgpu', hardwareGpu: false });
    expect((await chooseBackend('webgpu')).reason).toContain('software fallback adapter');
    expect(await chooseBackend('auto')).toMatchObject({ backend: 'wasm' });
  });

  it('runs WebGPU on a hardware adapter, chosen or automatic', async () => {
    withAdapter({ isFallbackAdapter: false });
    for (const preference of ['webgpu', 'auto'] as const) {
      const choice = await chooseBackend(preference);
      expect(choice).toMatchObject({ backend: 'webgpu', hardwareGpu: true });
      expect(choice.noGpu).toBeUndefined();
    }
  });

  it('on auto, goes to the processor quietly (that is what auto means)', async () => {
    withAdapter(null);
    const choice = await chooseBackend('auto');
    expect(choice.backend).toBe('wasm');
    expect(choice.noGpu).toBeUndefined();
  });
});
