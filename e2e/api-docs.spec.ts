import { type Page, expect, test } from '@playwright/test';
import { call, createKey, openControlled } from './support/api.ts';
import { fixture } from './support/app.ts';

/** Opens the API page with the header's button, as a person would. */
async function openApiPage(page: Page) {
  await page.getByRole('button', { name: 'API', exact: true }).click();
  const api = page.getByRole('region', { name: 'API', exact: true });
  await expect(api).toBeVisible();
  return api;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test.beforeEach(async ({ page }) => {
  await openControlled(page);
});

test('the API page shows every route of every dialect, in its list and in the console', async ({
  page,
}) => {
  // /openapi.json documents exactly the dialects' route tables (src/api/openapi.test.ts).
  const doc = await call(page, 'GET', '/openapi.json');
  const routes = Object.entries((doc.body as { paths: Record<string, object> }).paths).flatMap(
    ([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
  expect(routes.length).toBeGreaterThanOrEqual(13);

  const api = await openApiPage(page);
  const endpoint = api.getByRole('combobox', { name: 'Endpoint' });
  for (const route of routes) {
    await expect(api.getByRole('row', { name: new RegExp(`^${escape(route)} `) })).toHaveCount(1);
    await expect(endpoint.getByRole('option', { name: route, exact: true })).toHaveCount(1);
  }
  await expect(endpoint.getByRole('option')).toHaveCount(routes.length);
  await expect(api.getByRole('link', { name: 'OpenAPI 3.1 document' })).toHaveAttribute(
    'href',
    '/openapi.json',
  );
});

test('Try it sends GET /v1/jobs with a key made in Settings and shows the 200', async ({
  page,
}) => {
  const key = await createKey(page, 'upres.ai (upres_…)', 'console');
  const api = await openApiPage(page);
  await api.getByRole('combobox', { name: 'Endpoint' }).selectOption({ label: 'GET /v1/jobs' });
  await expect(api.getByRole('textbox', { name: 'Request body' })).toBeDisabled();
  await api.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
  await api.getByRole('button', { name: 'Send request' }).click();

  const response = api.getByRole('status', { name: 'Response', exact: true });
  await expect(response).toContainText('HTTP 200');
  await expect(response).toContainText('"has_more": false');
  await expect(response).toContainText('x-ratelimit-limit');

  // Without the key the same request is refused, in the dialect's words.
  await api.getByRole('textbox', { name: 'API key', exact: true }).fill('');
  await api.getByRole('button', { name: 'Send request' }).click();
  await expect(response).toContainText('HTTP 401');
});

test('Try it sends a file to POST /v1/jobs, polls the job and previews its result_url', async ({
  page,
}) => {
  const key = await createKey(page, 'upres.ai (upres_…)', 'console upload');
  const api = await openApiPage(page);
  const endpoint = api.getByRole('combobox', { name: 'Endpoint' });
  const send = api.getByRole('button', { name: 'Send request' });
  const response = api.getByRole('status', { name: 'Response', exact: true });

  await endpoint.selectOption({ label: 'POST /v1/jobs' });
  await api.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
  await api.getByRole('textbox', { name: 'Request body' }).fill('{ "scale": 2 }');
  await api.getByLabel('File (form field “image”)').setInputFiles(fixture('photo-small-32.png'));
  await send.click();
  await expect(response).toContainText('HTTP 201');
  await expect(response).toContainText('"status": "pending"');

  // The id of the job just made is offered for the next request's :id.
  await endpoint.selectOption({ label: 'GET /v1/jobs/:id' });
  await expect(api.getByRole('textbox', { name: 'Path parameter id' })).toHaveValue(
    /^[0-9a-f-]{36}$/,
  );
  await expect(async () => {
    await send.click();
    await expect(response).toContainText('"status": "completed"', { timeout: 1000 });
  }).toPass({ timeout: 90_000 });

  await api.getByRole('button', { name: 'GET result_url' }).click();
  await expect(response.getByRole('img', { name: 'Response image' })).toBeVisible();
  await expect(response).toContainText('HTTP 200');
  await expect(response).toContainText('64×64');
});
