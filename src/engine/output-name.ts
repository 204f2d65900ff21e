import type { Job } from '../jobs/job.ts';
import { resolveParams } from './operation.ts';
import { operationMetas } from './operations/metas.ts';

/** `photo.jpg` upscaled ×4 becomes `photo.enhance-x4.png`: the name says what was done. */
export function outputName(job: Pick<Job, 'input' | 'spec'>, extension = 'png'): string {
  const base = job.input.name.replace(/\.[^./]+$/, '') || 'image';
  const tags = job.spec.operations.map((op) => {
    const meta = operationMetas[op.type];
    return meta ? meta.tag(resolveParams(meta, op.params)) : op.type;
  });
  return `${base}.${tags.join('.')}.${extension}`;
}
