import type { Job } from '@/jobs/job.ts';
import { strings } from './strings.ts';

const e = strings.errors;

/** Trims the trailing full stop a message may have, so it reads inside a sentence. */
const bare = (message: string) => message.trim().replace(/[.\s]+$/, '');

/**
 * A job's error in words a person understands. Messages the engine already writes for people
 * (an unreadable file, an image too large) pass as they are; the technical ones are explained,
 * keeping the original inside so nothing is hidden.
 */
export function explainError(message: string): string {
  const detail = bare(message);
  if (/^This (file|image) /.test(detail) || /missing from storage/.test(detail)) return message;
  if (/^(canceled|cancelled)$|AbortError|was aborted/i.test(detail)) return e.canceled;
  if (/QuotaExceededError|storage quota|quota (has been )?exceeded/i.test(detail)) return e.storage;
  if (/timed? ?out|timeout/i.test(detail)) return e.timeout(detail);
  if (
    /out of memory|allocation failed|Array buffer allocation|RangeError: Invalid array/i.test(
      detail,
    )
  )
    return e.memory;
  if (/must be|has no parameter|needs the parameter/.test(detail)) return e.params(detail);
  if (/webgpu|gpu device|device (was )?lost|GPUBuffer|adapter/i.test(detail)) return e.gpu(detail);
  if (/failed to fetch|networkerror|HTTP \d{3}|load failed/i.test(detail)) return e.network(detail);
  if (/unknown operation|cannot run/i.test(detail)) return e.unsupported(detail);
  if (/WebAssembly|\bwasm\b|RuntimeError: unreachable/i.test(detail)) return e.wasm(detail);
  if (/^[A-Z][^:]*[.!]?$/.test(message.trim()) && !/Error\b/.test(detail)) return message;
  return e.other(detail);
}

/** Failures that come from the input or the choices themselves: running it again changes nothing. */
const hopeless =
  /could not be read|not an image|largest supported input|missing from storage|must be|has no parameter|needs the parameter|unknown operation|cannot run/i;

/**
 * Whether Retry can help: a canceled job, or one that failed on something outside it (memory,
 * the graphics processor, the network, a full storage). A file that is not an image, or a choice
 * the operation refuses, would fail the same way again, so it is not offered.
 */
export function canRetry(job: Pick<Job, 'status' | 'error'>): boolean {
  if (job.status === 'canceled') return true;
  if (job.status !== 'failed') return false;
  return !hopeless.test(job.error ?? '');
}

/** What to do instead of retrying, for a failure retrying cannot fix; null where Retry helps. */
export function insteadOfRetry(job: Pick<Job, 'status' | 'error'>): string | null {
  if (job.status !== 'failed' || canRetry(job)) return null;
  const error = job.error ?? '';
  if (/missing from storage/i.test(error)) return e.addAgain;
  if (/must be|has no parameter|needs the parameter/i.test(error)) return e.changeChoice;
  if (/unknown operation|cannot run/i.test(error)) return e.otherOperation;
  return e.notAPhoto;
}
