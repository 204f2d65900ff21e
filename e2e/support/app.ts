import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Locator, type Page, expect } from '@playwright/test';
import { decodePng } from './images.ts';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export async function readFixturePng(name: string) {
  return decodePng(new Uint8Array(await readFile(fixture(name))));
}

/** The job's row in the list, found by its input file name as a person would. */
export function jobRow(page: Page, name: string): Locator {
  return page.getByRole('listitem', { name });
}

export async function chooseOperation(page: Page, label: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Operation', exact: true }).selectOption({ label });
}

export async function addPhotos(
  page: Page,
  files: string[] | { name: string; mimeType: string; buffer: Buffer }[],
): Promise<void> {
  await page.getByLabel('Choose photos').setInputFiles(files);
}

export async function waitForStatus(page: Page, name: string, status: string, timeout = 90_000) {
  await expect(jobRow(page, name)).toHaveAttribute('data-status', status, { timeout });
}

/** Clicks the download link of the selected result and decodes what the browser saved. */
export async function downloadResult(page: Page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download PNG' }).click(),
  ]);
  const path = await download.path();
  return {
    name: download.suggestedFilename(),
    image: decodePng(new Uint8Array(await readFile(path))),
  };
}

/**
 * Records every value the named progress bar shows, from inside the page, so no update is
 * missed between two polls of the test.
 */
export async function recordProgress(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __progress: number[] }).__progress = seen;
    const observer = new MutationObserver(() => {
      for (const bar of document.querySelectorAll('[role=progressbar]')) {
        const value = Number(bar.getAttribute('aria-valuenow'));
        if (seen.at(-1) !== value) seen.push(value);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  return () => page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
}
