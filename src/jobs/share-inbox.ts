/**
 * Photos shared to the installed app (the web app manifest's `share_target`) wait here, in
 * Cache Storage, between the service worker that receives the POST and the page it opens.
 * Cache Storage is reachable from both sides and keeps a File's bytes and type as they came.
 *
 * They wait until the person says what to do with them ("3 photos shared: Add / Discard"):
 * any site can POST a form to /share-target, so arriving here must never start a job by itself.
 */

/** The manifest's share_target: `action`, and the name of its files field (vite.config.ts). */
export const SHARE_ACTION = '/share-target';
export const SHARE_FIELD = 'photos';
/** The query parameter on the page a share opens (the batch id; the page shows every batch). */
export const SHARE_PARAM = 'share';

const CACHE = 'kintsugi-share-inbox';
const PREFIX = '/share-inbox/';
const NAME_HEADER = 'X-File-Name';

const entryUrl = (batch: string, index: number) =>
  new URL(`${PREFIX}${batch}/${index}`, location.origin).href;

/** Keeps the files of one share; returns the batch id the page asks for. */
export async function putShared(files: readonly File[]): Promise<string> {
  const batch = crypto.randomUUID();
  const cache = await caches.open(CACHE);
  await Promise.all(
    files.map((file, index) =>
      cache.put(
        entryUrl(batch, index),
        new Response(file, {
          headers: {
            'Content-Type': file.type || 'application/octet-stream',
            [NAME_HEADER]: encodeURIComponent(file.name),
          },
        }),
      ),
    ),
  );
  return batch;
}

/** The inbox's entries, every batch, in the order they were shared. */
async function entries(cache: Cache, batch?: string): Promise<Request[]> {
  const prefix = new URL(`${PREFIX}${batch === undefined ? '' : `${batch}/`}`, location.origin)
    .href;
  const keys = (await cache.keys()).filter((request) => request.url.startsWith(prefix));
  // Cache.keys() lists in insertion order; the index sorts files of one batch put in parallel.
  const position = (request: Request) => {
    const [batchId = '', index = '0'] = request.url.slice(prefix.length).split('/').slice(-2);
    return { batchId, index: Number(index) };
  };
  const batches = [...new Set(keys.map((k) => position(k).batchId))];
  return keys.sort((a, b) => {
    const pa = position(a);
    const pb = position(b);
    return batches.indexOf(pa.batchId) - batches.indexOf(pb.batchId) || pa.index - pb.index;
  });
}

/** How many shared files wait for the person's answer. */
export async function countShared(): Promise<number> {
  return (await entries(await caches.open(CACHE))).length;
}

/** Every shared file waiting, oldest share first; they leave the inbox. */
export async function takeAllShared(): Promise<File[]> {
  return takeEntries(await caches.open(CACHE), undefined);
}

/** Throws every waiting shared file away. */
export async function discardShared(): Promise<void> {
  const cache = await caches.open(CACHE);
  await Promise.all((await entries(cache)).map((key) => cache.delete(key)));
}

async function takeEntries(cache: Cache, batch: string | undefined): Promise<File[]> {
  const keys = await entries(cache, batch);
  const files: File[] = [];
  for (const key of keys) {
    const response = await cache.match(key);
    if (response) {
      const blob = await response.blob();
      const name = decodeURIComponent(response.headers.get(NAME_HEADER) ?? 'shared');
      const type = response.headers.get('Content-Type') ?? '';
      files.push(new File([blob], name, { type: type === 'application/octet-stream' ? '' : type }));
    }
    await cache.delete(key);
  }
  return files;
}
