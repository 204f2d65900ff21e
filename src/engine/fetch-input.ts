import type { Dialect } from '@/jobs/job.ts';
import { sniffImage, sniffVideo } from '@/media/sniff.ts';

/** The restorations service documents 20 MB; we use the same cap for the others' images. */
const MAX_INPUT_BYTES: Record<Dialect, number> = {
  app: 200 * 1024 * 1024,
  restorations: 20 * 1024 * 1024,
  operations: 50 * 1024 * 1024,
  upscale: 50 * 1024 * 1024,
  video: 2 * 1024 * 1024 * 1024,
};

export class InputFetchError extends Error {}

/**
 * Fetches a job's input URL, stopping as soon as it grows past the dialect's cap (whatever
 * Content-Length said), and types it from its bytes, not from the server's headers.
 */
export async function fetchInput(
  source: string,
  dialect: Dialect,
  signal: AbortSignal,
): Promise<Blob> {
  const limit = MAX_INPUT_BYTES[dialect];
  let response: Response;
  try {
    response = await fetch(source, { signal, credentials: 'omit', redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new InputFetchError(
      `The input at ${shortUrl(source)} could not be fetched: the network failed or the server does not allow this app to read it (CORS)`,
    );
  }
  if (!response.ok) {
    throw new InputFetchError(`The input at ${shortUrl(source)} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limit) throw tooLarge(source, limit);
  if (!response.body) throw new InputFetchError(`The input at ${shortUrl(source)} is empty`);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(source, limit);
    }
    chunks.push(value);
  }
  const head = new Uint8Array(chunks[0]?.subarray(0, 64) ?? []);
  const sniffed = sniffImage(head);
  const type = sniffed.image ?? (dialect === 'video' ? sniffVideo(head) : null);
  if (!type) {
    const found = sniffed.image === null ? sniffed.found : 'something else';
    throw new InputFetchError(
      `The input at ${shortUrl(source)} is ${found}, not an image${dialect === 'video' ? ' or video' : ''} this app can read`,
    );
  }
  return new Blob(chunks as BlobPart[], { type });
}

function tooLarge(source: string, limit: number): InputFetchError {
  return new InputFetchError(
    `The input at ${shortUrl(source)} is larger than ${Math.round(limit / 1024 / 1024)} MB`,
  );
}

/** data: URLs can be megabytes long; an error message needs only their start. */
function shortUrl(source: string): string {
  return source.length > 80 ? `${source.slice(0, 77)}…` : source;
}
