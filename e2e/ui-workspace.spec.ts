import { readFile } from 'node:fs/promises';
import { type Page, expect, test } from '@playwright/test';
import { chooseOperation, fixture, jobRow, startButton, waitForStatus } from './support/app.ts';
import { createImage, encodePng } from './support/images.ts';
import { storedJobs } from './support/ui.ts';

/** Drops files on the page the way a file manager does: a drop event carrying a DataTransfer. */
async function dropFiles(page: Page, files: { name: string; bytes: number[]; type: string }[]) {
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const f of files) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, f));
    const target = document.querySelector('.drop-target') ?? document.body;
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, dataTransfer: transfer }));
    target.dispatchEvent(
      new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }),
    );
  }, files);
}

/** Counts the person's clicks (trusted events only) from now on. */
async function countClicks(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __clicks: number };
    w.__clicks = 0;
    addEventListener('click', (e) => e.isTrusted && w.__clicks++, { capture: true });
  });
  return () => page.evaluate(() => (window as unknown as { __clicks: number }).__clicks);
}

/** A manga-like page: white paper, ink outlines, a flat screen tone and one flat colour. */
function mangaPng(width: number, height: number): Buffer {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2, y - height / 2);
      let c = [255, 255, 255];
      if (d < width / 4) c = [240, 200, 170];
      if (y > height * 0.75) c = [180, 180, 180];
      if (Math.abs(d - width / 4) < 1.5 || x % 60 < 2 || Math.abs(y - height * 0.75) < 1.5)
        c = [15, 15, 20];
      img.data.set([...c, 255], (y * width + x) * 4);
    }
  }
  return Buffer.from(encodePng(img));
}

test('a newcomer: open, drop a photo, and one click on Start gives the result', async ({
  page,
}) => {
  await page.goto('/');
  // The welcome: a drop zone that says what to do, the file chooser, and samples.
  await expect(page.getByText('Drop photos here, paste, or choose')).toBeVisible();
  await expect(page.getByLabel('Choose photos')).toBeAttached();
  await expect(page.getByRole('button', { name: /^Try: / })).toHaveCount(3);
  const clicks = await countClicks(page);

  const bytes = [...(await readFile(fixture('photo-small-32.png')))];
  await dropFiles(page, [{ name: 'dropped.png', bytes, type: 'image/png' }]);
  // The photo fills the stage and waits: nothing runs before Start.
  await expect(page.getByRole('img', { name: 'dropped.png, ready to start' })).toBeVisible();
  expect(await storedJobs(page, 'dropped.png')).toEqual([]);
  // Start names what will happen (the default, Upscale ×4).
  await expect(startButton(page)).toContainText('Upscale ×4');
  await startButton(page).click();

  await waitForStatus(page, 'dropped.png', 'completed');
  // The result is the hero: the comparison with its download, right there.
  await expect(page.getByRole('link', { name: /^Download/ }).first()).toBeVisible();
  const [job] = await storedJobs(page, 'dropped.png');
  expect([job?.output?.width, job?.output?.height]).toEqual([128, 128]);
  expect(await clicks()).toBeLessThanOrEqual(2);
});

test('a sample photo runs a real job in one click', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try: small photo ×4' }).click();
  await waitForStatus(page, 'small-photo.png', 'completed');
  const [job] = await storedJobs(page, 'small-photo.png');
  expect(job?.spec.operations).toEqual([{ type: 'enhance', params: { scale: 4 } }]);
  expect([job?.output?.width, job?.output?.height]).toEqual([256, 256]);
  // The sample's choice is now the choice shown.
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  await expect(cards.getByRole('radio', { name: 'Upscale', exact: true })).toBeChecked();
});

test('operations are radios in outcome groups, each with a plain description and a picture', async ({
  page,
}) => {
  await page.goto('/');
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  await expect(cards.getByRole('group')).toHaveText(
    ['Enlarge', 'Repair', 'Cut out', 'Retouch', 'Convert'].map((g) => new RegExp(`^${g}`, 'i')),
  );
  const radios = cards.locator('input[aria-labelledby]');
  const names = await radios.evaluateAll((els) =>
    els.map((el) => document.getElementById(el.getAttribute('aria-labelledby')!)!.textContent),
  );
  expect(names.length).toBeGreaterThanOrEqual(16);
  for (const name of names) {
    const radio = cards.getByRole('radio', { name: name!, exact: true });
    await expect(radio).toHaveAccessibleDescription(/\w{4,}.*\./);
  }
  // The before/after pictures are ours and small.
  const pictures = cards.locator('img');
  await expect(pictures).toHaveCount(names.length);
  const sizes = await pictures.evaluateAll((imgs) =>
    Promise.all(imgs.map(async (img) => (await fetch((img as HTMLImageElement).src)).blob())).then(
      (blobs) => blobs.map((b) => b.size),
    ),
  );
  expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(150_000);
  // Upscale's scales are a segmented choice inside its card; the default is ×4.
  const scales = cards.getByRole('radiogroup', { name: 'Scale', exact: true });
  await expect(scales.locator('label')).toHaveText(['×2', '×3', '×4', '×8']);
  await expect(scales.getByRole('radio', { name: '×4' })).toBeChecked();
  // Keyboard: arrows move between the cards like any radio group.
  await cards.getByRole('radio', { name: 'Upscale', exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(cards.getByRole('radio', { name: 'Upscale anime ×4', exact: true })).toBeChecked();
  await expect(scales).toHaveCount(0);
  // "Add a step" starts from the cheapest sensible step, a format conversion.
  await page.getByRole('button', { name: 'Add a step' }).click();
  await expect(page.getByRole('combobox', { name: 'Then, step 2' })).toHaveValue('convert');
});

test('a manga-like picture gets the anime model suggested; a photo does not', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose photos').setInputFiles(fixture('photo-wide-300x200.png'));
  await expect(startButton(page)).toBeVisible();
  const hint = page.getByRole('status').filter({ hasText: 'looks like a drawing' });
  // Give the look at the photo time to finish: it must stay quiet.
  await page.waitForTimeout(1_000);
  await expect(hint).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear' }).click();

  await page.getByLabel('Choose photos').setInputFiles({
    name: 'manga-page.png',
    mimeType: 'image/png',
    buffer: mangaPng(480, 360),
  });
  await expect(hint).toBeVisible();
  await hint.getByRole('button', { name: 'Use Upscale anime ×4' }).click();
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  await expect(cards.getByRole('radio', { name: 'Upscale anime ×4', exact: true })).toBeChecked();
  await expect(hint).toHaveCount(0);
  await expect(startButton(page)).toContainText('Upscale anime ×4');
  await startButton(page).click();
  await expect(jobRow(page, 'manga-page.png')).toBeVisible();
  const [job] = await storedJobs(page, 'manga-page.png');
  expect(job?.spec.operations).toEqual([{ type: 'enhance-anime', params: {} }]);
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`no layout shift after load at ${viewport.width} px (CLS ≤ 0.05), first visit and with a result`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number };
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources: { node?: Node; previousRect: DOMRect; currentRect: DOMRect }[];
        })[])
          if (!entry.hadRecentInput) {
            w.__cls += entry.value;
            // What moved, for the log when the budget is exceeded.
            console.log(
              `layout shift ${entry.value.toFixed(4)}: ${entry.sources
                .map(
                  (s) =>
                    `${(s.node as Element | undefined)?.className ?? s.node?.nodeName} ${JSON.stringify(s.previousRect)} -> ${JSON.stringify(s.currentRect)}`,
                )
                .join('; ')}`,
            );
          }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const cls = () => page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    page.on('console', (m) => m.text().startsWith('layout shift') && console.log(m.text()));
    await page.goto('/');
    // Long enough for the service worker to report "ready offline" and the samples to load.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForTimeout(2_000);
    const first = await cls();
    console.log(`CLS at ${viewport.width} px, first visit: ${first.toFixed(4)}`);
    expect(first).toBeLessThanOrEqual(0.05);

    // Returning with a result: the comparison and its tools load into space kept for them.
    await chooseOperation(page, 'Upscale ×2');
    await page.getByLabel('Choose photos').setInputFiles(fixture('photo-small-32.png'));
    await startButton(page).click();
    await waitForStatus(page, 'photo-small-32.png', 'completed');
    await page.reload();
    await expect(jobRow(page, 'photo-small-32.png')).toBeVisible();
    await page.waitForTimeout(2_000);
    const returning = await cls();
    console.log(`CLS at ${viewport.width} px, with a result: ${returning.toFixed(4)}`);
    expect(returning).toBeLessThanOrEqual(0.05);
  });
}
