import type { Operation } from '@/jobs/job.ts';
import { strings } from '../strings.ts';

/**
 * The sample photos on the welcome screen (generated from the test fixtures by
 * scripts/make-samples.ts, ours): one click runs a real job on one of them.
 */
export interface Sample {
  id: 'old' | 'small' | 'drawing';
  file: string;
  label: string;
  operations: Operation[];
}

const w = strings.workspace;

export const samples: readonly Sample[] = [
  {
    id: 'old',
    file: 'old-photo.png',
    label: w.sampleOld,
    operations: [{ type: 'restore-old-photo', params: {} }],
  },
  {
    id: 'small',
    file: 'small-photo.png',
    label: w.sampleSmall,
    operations: [{ type: 'enhance', params: { scale: 4 } }],
  },
  {
    id: 'drawing',
    file: 'drawing.png',
    label: w.sampleDrawing,
    operations: [{ type: 'enhance-anime', params: {} }],
  },
];

export async function sampleFile(sample: Sample): Promise<File> {
  const response = await fetch(`${import.meta.env.BASE_URL}samples/${sample.file}`);
  if (!response.ok) throw new Error(`The sample ${sample.file} did not load (${response.status})`);
  return new File([await response.blob()], sample.file, { type: 'image/png' });
}
