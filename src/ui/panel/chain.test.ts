import { describe, expect, it } from 'vitest';
import type { Operation } from '@/jobs/job.ts';
import { addStep, moveStep, removeStep, replaceStep } from './chain.ts';

const denoise: Operation = { type: 'denoise', params: {} };
const enhance: Operation = { type: 'enhance', params: { scale: 4 } };
const convert: Operation = { type: 'convert', params: { output_format: 'webp' } };

describe('chain editing', () => {
  it('adds at the end and removes any step but the last one left', () => {
    const chain = addStep([denoise], enhance);
    expect(chain).toEqual([denoise, enhance]);
    expect(removeStep(chain, 0)).toEqual([enhance]);
    expect(removeStep([enhance], 0)).toEqual([enhance]);
    expect(removeStep(chain, 5)).toEqual(chain);
  });

  it('moves steps up and down, and not past either end', () => {
    const chain = [denoise, enhance, convert];
    expect(moveStep(chain, 2, -1)).toEqual([denoise, convert, enhance]);
    expect(moveStep(chain, 0, 1)).toEqual([enhance, denoise, convert]);
    expect(moveStep(chain, 0, -1)).toEqual(chain);
    expect(moveStep(chain, 2, 1)).toEqual(chain);
  });

  it('never changes the list it was given', () => {
    const chain = [denoise, enhance];
    moveStep(chain, 0, 1);
    replaceStep(chain, 1, convert);
    removeStep(chain, 0);
    expect(chain).toEqual([denoise, enhance]);
    expect(replaceStep(chain, 1, convert)).toEqual([denoise, convert]);
  });
});
