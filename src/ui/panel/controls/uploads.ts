import { ApiBackend } from '@/api/store/backend.ts';
import { JobStore } from '@/jobs/store.ts';

/** The key id the page's own uploads are filed under (API keys have their own). */
const APP_UPLOADS = 'app';

let backend: Promise<ApiBackend> | null = null;

/**
 * Stores a picture the way POST /api/v1/upload/api does (the same IndexedDB stores, through the
 * same backend), so an operation that reads an upload by its storage_key (replace-background's
 * background image) finds it when the job runs. Returns that storage_key.
 */
export async function storeUpload(file: File): Promise<string> {
  backend ??= JobStore.open().then(
    (store) =>
      new ApiBackend({
        store,
        apiKeyId: APP_UPLOADS,
        origin: location.origin,
        now: () => Date.now(),
        // Nothing listens for the page's uploads, and it never signs a URL for one.
        post: () => undefined,
        sign: () => Promise.reject(new Error('The page does not sign URLs')),
      }),
  );
  const upload = await (await backend).putUpload(file, file.name);
  return upload.storage_key;
}
