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

/**
 * Picks the first step's operation by its card, as a person would: "Remove object" is a card;
 * "Upscale ×2" is the Upscale card, then ×2 in its Scale choice.
 */
export async function chooseOperation(page: Page, label: string): Promise<void> {
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  const card = cards.getByRole('radio', { name: label, exact: true });
  const scaled = /^(.+) (×\d+)$/.exec(label);
  // Counted only once the cards are there: right after a reload an empty group counts 0 too.
  await cards.getByRole('radio').first().waitFor();
  if (scaled && (await card.count()) === 0) {
    await cards.getByRole('radio', { name: scaled[1], exact: true }).check();
    await cards
      .getByRole('radiogroup', { name: 'Scale', exact: true })
      .getByRole('radio', { name: scaled[2], exact: true })
      .check();
  } else {
    await card.check();
  }
}

/** The Start button beside a staged photo ("Start Upscale ×4 · about 40 s"). */
export const startButton = (page: Page): Locator =>
  page.getByRole('button', { name: /^Start( |$)/ });

type FilePayload = { name: string; mimeType: string; buffer: Buffer };
const IMAGE_NAME = /\.(png|jpe?g|webp|avif|gif|bmp|tiff?|heic|jxl)$/i;

/**
 * Chooses files through "Choose photos" and starts them: photos are staged first and run on
 * Start; videos go to the queue at once, so Start is pressed only when a photo was among them.
 */
export async function addPhotos(page: Page, files: string[] | FilePayload[]): Promise<void> {
  await page.getByLabel('Choose photos').setInputFiles(files);
  const staged = (files as (string | FilePayload)[]).some((file) =>
    typeof file === 'string'
      ? IMAGE_NAME.test(file)
      : file.mimeType === '' || file.mimeType.startsWith('image/'),
  );
  if (staged) await startButton(page).click();
}

/** Opens the panel's "More" disclosure (presets and where jobs run) if it is closed. */
export async function openMore(page: Page): Promise<void> {
  const more = page.locator('details.more');
  if (!(await more.evaluate((d: HTMLDetailsElement) => d.open))) {
    await more.locator('summary').click();
  }
}

export async function waitForStatus(page: Page, name: string, status: string, timeout = 90_000) {
  await expect(jobRow(page, name)).toHaveAttribute('data-status', status, { timeout });
}

/** Clicks the download link of the selected result and decodes what the browser saved. */
export async function downloadResult(page: Page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    // The download beside the image (ResultActions): the stored result, as it was made.
    page
      .getByRole('region', { name: 'The result' })
      .getByRole('link', { name: 'Download PNG' })
      .click(),
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
