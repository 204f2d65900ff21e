import type { Job } from '@/jobs/job.ts';
import { resolveParams } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import { meta as videoMeta } from '@/ops/video-enhance/meta.ts';

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};

/** The file extension for an output's media type (png when unknown). */
export function extensionFor(type: string): string {
  return EXTENSIONS[type] ?? 'png';
}

/** `photo.jpg` upscaled ×4 becomes `photo.enhance-x4.png`: the name says what was done. */
export function outputName(job: Pick<Job, 'input' | 'spec'>, extension = 'png'): string {
  const base = job.input.name.replace(/\.[^./]+$/, '') || 'image';
  const tags = job.spec.operations.map((op) => {
    const meta = operationMetas[op.type] ?? (op.type === videoMeta.name ? videoMeta : undefined);
    return meta ? meta.tag(resolveParams(meta, op.params)) : op.type;
  });
  return `${base}.${tags.join('.')}.${extension}`;
}
