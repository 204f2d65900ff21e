import type { EngineRecord, Job } from '@/jobs/job.ts';
import { manifest } from '@/inference/models.ts';

/** A size in the units a person reads: "412.3 KB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(0.1, bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** A measured time: "0.4 s", "12 s", "3 min 5 s", "1 h 2 min". */
export function formatTaken(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${Math.max(0.1, seconds).toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return total % 60 ? `${minutes} min ${total % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

type Timed = Pick<Job, 'id' | 'created_at' | 'completed_at'>;

/**
 * How long the engine worked on a job. The record has no start time, but the engine runs one
 * job at a time: a job waiting in the queue starts when the job before it ends. So the start is
 * its creation or the latest end of another job between its creation and its own end, whichever
 * is later. Null while it has not ended.
 */
export function timeTaken(job: Timed, others: readonly Timed[]): number | null {
  if (job.completed_at === null) return null;
  let start = job.created_at;
  for (const other of others) {
    const end = other.completed_at;
    if (other.id === job.id || end === null) continue;
    if (end > start && end <= job.completed_at) start = end;
  }
  return Math.max(0, job.completed_at - start);
}

/** The models people know by name, with what each is for; matched by id prefix, in order. */
const plainModelNames: readonly (readonly [string, string])[] = [
  ['realesr-general', 'Real-ESRGAN (general photos)'],
  ['realesrgan-x4plus-anime', 'Real-ESRGAN (anime and drawings)'],
  ['realesrgan-x4plus', 'Real-ESRGAN (finest texture)'],
  ['realesr-animevideov3', 'Real-ESRGAN (anime and drawings)'],
  ['esrgan-medium', 'ESRGAN medium (faithful to the photo)'],
  ['realcugan-', 'Real-CUGAN (anime and drawings)'],
  ['waifu2x-', 'waifu2x (drawings)'],
  ['isnet', 'ISNet (cut-out)'],
  ['face-detect', 'BlazeFace (finds faces)'],
];

/** One model id in plain words: the table above, else the manifest's label without its scale. */
function plainModelName(id: string): string {
  const bare = id.split('@')[0]!.trim();
  const known = plainModelNames.find(([prefix]) => bare.startsWith(prefix));
  if (known) return known[1];
  const entry =
    manifest.models.find((m) => m.id === bare) ?? manifest.analysis?.find((m) => m.id === bare);
  return entry ? entry.label.replace(/\s*×\d+\b/, '') : bare;
}

/**
 * The model(s) that made a result, in plain words ("Real-ESRGAN (general photos)"), or null
 * where no model ran (a classical filter or a codec).
 */
export function modelInPlainWords(engine: EngineRecord | null): string | null {
  if (!engine?.model) return null;
  const names = engine.model.split(' + ').map(plainModelName);
  return [...new Set(names)].join(' and ');
}

/** The engine's own record, for the disclosure: each line "what: value". */
export function engineDetails(engine: EngineRecord | null): [string, string][] {
  if (!engine) return [];
  const lines: [string, string][] = [['Backend', engine.reason]];
  if (engine.model)
    lines.push(['Model', engine.model + (engine.variant ? ` (${engine.variant})` : '')]);
  if (engine.method) lines.push(['Method', engine.method]);
  if (engine.tiles) lines.push(['Tiles', String(engine.tiles)]);
  if (engine.threads) lines.push(['Threads', String(engine.threads)]);
  return lines;
}

export interface ResultFacts {
  /** "1.2 MB → 3.4 MB" */
  size: string;
  /** "2000×1448", when the record says. */
  dimensions: string | null;
  /** "12 s", when the job has ended. */
  took: string | null;
  model: string | null;
}

export function resultFacts(job: Job, all: readonly Job[]): ResultFacts | null {
  if (!job.output) return null;
  const { width, height } = job.output;
  const taken = timeTaken(job, all);
  return {
    size: `${formatBytes(job.input.bytes)} → ${formatBytes(job.output.bytes)}`,
    dimensions: width && height ? `${width}×${height}` : null,
    took: taken === null ? null : formatTaken(taken),
    model: modelInPlainWords(job.engine),
  };
}
