import { readFile } from 'node:fs/promises';
import { type Page, expect } from '@playwright/test';
import { unzipSync } from 'fflate';
import type { JobSpec, JobStatus } from '../../src/jobs/job.ts';
import { fixture } from './app.ts';

/** What the interface tests read of a stored job, straight from IndexedDB. */
export interface StoredJob {
  id: string;
  status: JobStatus;
  created_at: number;
  spec: JobSpec;
  input: { name: string; width?: number; height?: number };
  output: { name: string; width?: number; height?: number } | null;
}

/** The jobs IndexedDB holds for an input file name, oldest first: the record, not the DOM. */
export function storedJobs(page: Page, name: string): Promise<StoredJob[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = await new Promise<StoredJob[]>((resolve, reject) => {
      const request = db.transaction('jobs').objectStore('jobs').getAll();
      request.onsuccess = () => resolve(request.result as StoredJob[]);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all.filter((job) => job.input.name === name).sort((a, b) => a.created_at - b.created_at);
  }, name);
}

/** A fixture under another file name, so one photo can be several items of a batch. */
export async function photoNamed(name: string, file = 'photo-small-32.png') {
  return { name, mimeType: 'image/png', buffer: await readFile(fixture(file)) };
}

/**
 * Clicks a zip button ("Download all (3)" by default, or "Download this batch (2)") and returns
 * the files inside the zip the browser saved.
 */
export async function downloadZip(
  page: Page,
  name: RegExp = /^Download all/,
): Promise<Record<string, Uint8Array>> {
  const button = page.getByRole('button', { name });
  await expect(button).toBeEnabled();
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  return unzipSync(new Uint8Array(await readFile(await download.path())));
}

/** The CSS transform of every picture of the result view, as the browser computed it. */
export function pictureTransforms(page: Page, selector = '.compare .pane img'): Promise<string[]> {
  return page
    .locator(selector)
    .evaluateAll((images) => images.map((img) => getComputedStyle(img).transform));
}
