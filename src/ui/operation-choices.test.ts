import { describe, expect, it } from 'vitest';
import { resolveParams } from '../engine/operation.ts';
import { operationMetas } from '../engine/operations/metas.ts';
import { MASK_PARAM, choices, operationOf } from './operation-choices.ts';

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
      if (MASK_PARAM in operationMetas[type]!.params) params[MASK_PARAM] = 'painted';
      let problem = '';
      try {
        resolveParams(operationMetas[type]!, params);
      } catch (error) {
        problem = String(error);
      }
      expect(problem, choice.id).not.toMatch(/needs the parameter/);
    }
    expect(() => resolveParams(operationMetas.convert!, {})).toThrow(/needs the parameter/);
  });
});
