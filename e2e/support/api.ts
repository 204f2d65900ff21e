import { readFile } from 'node:fs/promises';
import { type Page, expect } from '@playwright/test';
import { fixture } from './app.ts';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  bytes?: number[];
}

/**
 * Opens the app and reloads once: the first load of an origin is never controlled by its service
 * worker, and only a controlled page's fetches reach the API.
 */
export async function openControlled(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** Creates a key in Settings as a person would, and reads it from the one-time text box. */
export async function createKey(page: Page, format: string, label = 'test key'): Promise<string> {
  await page.getByText('Settings').click();
  await page.getByLabel('Key format').selectOption({ label: format });
  await page.getByLabel('Key label').fill(label);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const box = page.getByRole('textbox', { name: 'New API key' });
  await expect(box).toHaveValue(/\S{20,}/);
  return box.inputValue();
}

interface CallOptions {
  key?: string;
  json?: unknown;
  /** Raw body text sent as-is (for malformed JSON). */
  text?: string;
  contentType?: string;
  /** Multipart fields; a field whose value is {fixture} becomes a file from e2e/fixtures. */
  form?: Record<string, string | { fixture: string; type: string }>;
  headers?: Record<string, string>;
  /** Read the body as bytes instead of JSON. */
  binary?: boolean;
}

/** Calls the API from inside the page, so the request goes through the real service worker. */
export async function call(
  page: Page,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<ApiAnswer> {
  const files: Record<string, { bytes: number[]; type: string; name: string }> = {};
  for (const [name, value] of Object.entries(o.form ?? {})) {
    if (typeof value !== 'string') {
      files[name] = {
        bytes: [...(await readFile(fixture(value.fixture)))],
        type: value.type,
        name: value.fixture,
      };
    }
  }
  return page.evaluate(
    async ({ method, path, o, files }) => {
      const headers: Record<string, string> = { ...o.headers };
      if (o.key) headers.Authorization = `Bearer ${o.key}`;
      let body: BodyInit | undefined;
      if (o.json !== undefined) {
        body = JSON.stringify(o.json);
        headers['Content-Type'] = 'application/json';
      } else if (o.text !== undefined) {
        body = o.text;
        headers['Content-Type'] = o.contentType ?? 'application/json';
      } else if (o.form) {
        const form = new FormData();
        for (const [name, value] of Object.entries(o.form)) {
          const file = files[name];
          if (file)
            form.append(
              name,
              new File([new Uint8Array(file.bytes)], file.name, { type: file.type }),
            );
          else if (typeof value === 'string') form.append(name, value);
        }
        body = form;
      }
      const response = await fetch(path, { method, headers, body });
      const answer: {
        status: number;
        headers: Record<string, string>;
        body: unknown;
        bytes?: number[];
      } = {
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: null,
      };
      if (o.binary) answer.bytes = [...new Uint8Array(await response.arrayBuffer())];
      else {
        const text = await response.text();
        try {
          answer.body = JSON.parse(text);
        } catch {
          answer.body = text;
        }
      }
      return answer;
    },
    { method, path, o, files },
  );
}

/**
 * Polls a job URL until `done(body)` says so, as the seeds' example loops do: every 1.5 s, and
 * when the key's per-minute limit answers 429, after the Retry-After it names.
 */
export async function pollUntil(
  page: Page,
  path: string,
  key: string,
  done: (body: Record<string, unknown>) => boolean,
  timeout = 120_000,
): Promise<Record<string, unknown>> {
  const end = Date.now() + timeout;
  for (;;) {
    const answer = await call(page, 'GET', path, { key });
    if (answer.status === 429) {
      await page.waitForTimeout(Number(answer.headers['retry-after'] ?? 5) * 1000);
      continue;
    }
    expect(answer.status).toBe(200);
    const body = answer.body as Record<string, unknown>;
    if (done(body)) return body;
    if (Date.now() > end) throw new Error(`timed out polling ${path}: ${JSON.stringify(body)}`);
    await page.waitForTimeout(1500);
  }
}
