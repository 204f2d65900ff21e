import { type Page, expect } from '@playwright/test';
import type { RgbaImage } from './images.ts';
import { call, pollUntil } from './api.ts';

// What the operation specs share: put bytes made by a test into the app through the real service
// worker, run an operations-dialect job to its end, and read back what the engine stored.

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Uploads bytes as a multipart form, as the seed's upload example does; returns storage_key. */
export async function uploadBytes(
  page: Page,
  key: string,
  bytes: Uint8Array,
  name: string,
  type = 'image/png',
): Promise<string> {
  const answer = await page.evaluate(
    async ({ name, type, base64, key }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('file', new File([bytes], name, { type }));
      const response = await fetch('/api/v1/upload/api', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}` },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as { storage_key: string } };
    },
    { name, type, base64: toBase64(bytes), key },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.storage_key;
}

export interface Operation {
  type: string;
  params: Record<string, unknown>;
}

export interface FinishedJob {
  id: string;
  status: string;
  error: string | null;
  /** The output file; empty unless the job completed. */
  bytes: Uint8Array;
  contentType: string;
}

/** Creates an operations job, polls it until it ends, and fetches its output when it completed. */
export async function runOperationsJob(
  page: Page,
  key: string,
  inputKey: string,
  operations: Operation[],
  timeout = 120_000,
): Promise<FinishedJob> {
  const created = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: { input_key: inputKey, operations },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const id = (created.body as { id: string }).id;
  const done = await pollUntil(
    page,
    `/api/v1/jobs/api/${id}`,
    key,
    (b) => ['completed', 'failed'].includes(String(b.status)),
    timeout,
  );
  const status = String(done.status);
  if (status !== 'completed') {
    return {
      id,
      status,
      error: String(done.error_message),
      bytes: new Uint8Array(),
      contentType: '',
    };
  }
  const file = await call(page, 'GET', String(done.output_url), { binary: true });
  expect(file.status).toBe(200);
  return {
    id,
    status,
    error: null,
    bytes: new Uint8Array(file.bytes!),
    contentType: file.headers['content-type'] ?? '',
  };
}

export interface StoredJob {
  engine: { model?: string; method?: string; [field: string]: unknown };
  error: string | null;
}

/** The job as IndexedDB holds it: which engine ran (the dialects do not show it), and why it failed. */
export async function storedJob(page: Page, id: string): Promise<StoredJob> {
  return page.evaluate(
    (id) =>
      new Promise<StoredJob>((resolve, reject) => {
        const open = indexedDB.open('kintsugi');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('jobs').objectStore('jobs').get(id);
          get.onsuccess = () => {
            const job = get.result as StoredJob;
            resolve({ engine: job.engine, error: job.error });
            open.result.close();
          };
          get.onerror = () => reject(get.error);
        };
      }),
    id,
  );
}

/** Decodes any image the browser reads (no colour management, straight alpha). */
export async function decodeInPage(page: Page, bytes: Uint8Array): Promise<RgbaImage> {
  const { width, height, base64 } = await page.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);
    const bitmap = await createImageBitmap(blob, {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) {
      binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    }
    return { width: bitmap.width, height: bitmap.height, base64: btoa(binary) };
  }, toBase64(bytes));
  return { width, height, data: new Uint8Array(Buffer.from(base64, 'base64')) };
}
