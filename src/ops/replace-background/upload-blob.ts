import { openKintsugiDB } from '@/jobs/db.ts';

/**
 * The file of an upload (POST /api/v1/upload/api), read on the page side where IndexedDB is:
 * the worker gets it as a Blob beside the job's input. The operations dialect already checked,
 * when the job was created, that the upload exists and belongs to the job's API key.
 */
export async function readUploadBlob(storageKey: string): Promise<Blob> {
  const db = await openKintsugiDB();
  try {
    const upload = await db.get('uploads', storageKey);
    const blob = upload && (await db.get('blobs', upload.blob_key));
    if (!blob) {
      throw new Error(
        `The background image ${storageKey.slice(0, 200)} is no longer stored; upload it again`,
      );
    }
    return blob;
  } finally {
    db.close();
  }
}
