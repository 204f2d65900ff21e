import { type Page, expect } from '@playwright/test';
import { chooseOperation, fixture, startButton } from './app.ts';
import { type StoredJob, storedJobs } from './ui.ts';

/**
 * Runs one photo through an operation as a person would and waits for the job to end, whatever
 * the panel looks like (operation cards, or the older select), reading the outcome from the
 * job store: the offline and first-visit specs test what is fetched, not the layout.
 */
export async function runPhoto(
  page: Page,
  name: string,
  operation?: string,
  timeout = 120_000,
): Promise<StoredJob> {
  if (operation) {
    const select = page.getByRole('combobox', { name: 'Operation', exact: true });
    if ((await select.count()) > 0) await select.first().selectOption({ label: operation });
    else await chooseOperation(page, operation);
  }
  await page.getByLabel('Choose photos').setInputFiles([fixture(name)]);
  const start = startButton(page);
  await start.click({ timeout: 3_000 }).catch(() => {});
  let job: StoredJob | undefined;
  await expect
    .poll(
      async () => {
        [job] = await storedJobs(page, name);
        return job?.status;
      },
      { timeout, intervals: [100, 250, 500] },
    )
    .toMatch(/^(completed|failed|canceled)$/);
  return job!;
}
