import { describe, expect, it, vi } from 'vitest';

vi.mock('../estimate.ts', async (original) => ({
  ...(await original<typeof import('../estimate.ts')>()),
  // Measured figures exist for Real-ESRGAN only, in this stand-in table.
  estimateSeconds: (operations: { params: Record<string, unknown> }[]) =>
    operations[0]?.params.model === 'real-esrgan' ? 150 : undefined,
}));

const { choiceEstimates, estimateBackend } = await import('./choice-estimate.ts');

describe('choiceEstimates', () => {
  it('asks for each choice and shows nothing where no figure is known', () => {
    const upscale = { type: 'enhance', params: { scale: 4 } };
    const size = { width: 100, height: 100 };
    expect(choiceEstimates(upscale, 'model', ['real-esrgan', 'best'], size, 'wasm')).toEqual({
      'real-esrgan': 'about 3 min',
      best: undefined,
    });
  });

  it('counts a fallback adapter as the CPU', () => {
    const adapter = { kind: 'adapter', name: 'x', shaderF16: false } as const;
    expect(estimateBackend('auto', { ...adapter, fallback: true })).toBe('wasm');
    expect(estimateBackend('auto', { ...adapter, fallback: false })).toBe('webgpu');
    expect(estimateBackend('auto', { kind: 'no-adapter' })).toBe('wasm');
    expect(estimateBackend('webgpu', { kind: 'no-adapter' })).toBe('webgpu');
  });
});
