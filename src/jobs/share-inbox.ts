/**
 * Photos shared to the installed app (the web app manifest's `share_target`) wait here, in
 * Cache Storage, between the service worker that receives the POST and the page it opens.
 * Cache Storage is reachable from both sides and keeps a File's bytes and type as they came.
 */

/** The manifest's share_target: `action`, and the name of its files field (vite.config.ts). */
export const SHARE_ACTION = '/share-target';
export const SHARE_FIELD = 'photos';
/** The query parameter that tells the opened app which batch to take. */
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

/** The files of a share, in the order they were shared; they leave the inbox. */
export async function takeShared(batch: string): Promise<File[]> {
  if (!/^[\w-]+$/.test(batch)) return [];
  const cache = await caches.open(CACHE);
  const prefix = new URL(`${PREFIX}${batch}/`, location.origin).href;
  const keys = (await cache.keys())
    .filter((request) => request.url.startsWith(prefix))
    .sort((a, b) => Number(a.url.slice(prefix.length)) - Number(b.url.slice(prefix.length)));
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
