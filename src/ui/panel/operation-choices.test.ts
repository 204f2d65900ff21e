import { describe, expect, it } from 'vitest';
import { resolveParams } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import {
  MASK_PARAM,
  cheapestStep,
  choices,
  defaultChoice,
  operationGroups,
  operationOf,
} from './operation-choices.ts';

// A 1×1 PNG, as the painter would send.
const PAINTED =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAG7buVgAAAABJRU5ErkJggg==';

describe('operationOf', () => {
  it('sends the defaults of required parameters, which the picker shows as chosen', () => {
    const convert = choices.find((c) => c.type === 'convert')!;
    expect(operationOf(convert)).toEqual({ type: 'convert', params: { output_format: 'png' } });
    const x2 = choices.find((c) => c.id === 'enhance:2')!;
    expect(operationOf(x2)).toEqual({ type: 'enhance', params: { scale: 2 } });
  });

  it('never leaves a required parameter out (crop-resize still needs a crop or size from the user)', () => {
    for (const choice of choices) {
      const { type, params } = operationOf(choice);
      // The painter fills the mask; it is not the picker's to send.
      if (MASK_PARAM in operationMetas[type]!.params) params[MASK_PARAM] = PAINTED;
      let problem = '';
      try {
        resolveParams(operationMetas[type]!, params);
      } catch (error) {
        problem = String(error);
      }
      expect(problem, choice.id).not.toMatch(/needs the parameter/);
      // Nor anything else: every choice runs with what the picker sends.
      expect(problem, choice.id).toBe('');
    }
    expect(() => resolveParams(operationMetas.convert!, {})).toThrow(/needs the parameter/);
  });
});

describe('the cards', () => {
  it('put every operation in exactly one group, and name only real operations', () => {
    const grouped = operationGroups.flatMap((g) => [...g.types]);
    expect([...grouped].sort()).toEqual(Object.keys(operationMetas).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it('start Upscale at its own default scale, and "Add a step" at a model-free conversion', () => {
    expect(defaultChoice('enhance')?.id).toBe('enhance:4');
    expect(cheapestStep()).toEqual({ type: 'convert', params: { output_format: 'png' } });
    expect(operationMetas[cheapestStep().type]!.models).toEqual([]);
  });
});
