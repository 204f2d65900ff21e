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
