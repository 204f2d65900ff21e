import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Page, expect, test } from '@playwright/test';
import { srgbToLab } from '../src/ops/common/colorize/lab.ts';
import { type Mask, dilateMask, emptyMask } from '../src/ops/common/inpaint/mask.ts';
import { chooseOperation } from './support/app.ts';
import { call, createKey, openControlled, pollUntil } from './support/api.ts';
import { type RgbaImage, createImage, decodePng, encodePng } from './support/images.ts';
import { runOperationsJob, storedJob, uploadBytes } from './support/ops.ts';
import { standInFiles } from './support/stand-in-models.ts';
import { type FaceSceneSpec, renderFaces } from './support/synthetic-face.ts';

// Optional models from public hosts (models/catalog.ts), proven where those hosts cannot be
// reached: a server started here serves stand-ins with each real model's exact signature
// (e2e/support/stand-in-models.ts) under the same file names, and Settings' catalog mirror points
// at it. Its folders: /ok/ serves the files (with Range), /missing/ answers 404, /cut/ drops every
// connection halfway, /flaky/ drops the first one halfway and then honours Range, /slow/ sends
// half and stalls (until Cancel) and then honours Range, /changed/ serves other bytes than /ok/.

/** remove-object grows the caller's mask by this much before filling (its MASK_GROW_PX). */
const MASK_GROW_PX = 2;

let server: Server;
let base = '';
/** The Range headers the server was sent, with the folder asked. */
const ranges: string[] = [];
let key = '';

test.beforeAll(async () => {
  const files = standInFiles();
  server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Expose-Headers', 'Content-Range');
    const [, folder = '', name = ''] = /^\/([^/]+)\/(.+)$/.exec(request.url ?? '') ?? [];
    const original = files.get(name);
    if (!original || folder === 'missing') return void response.writeHead(404).end();
    const bytes = folder === 'changed' ? Uint8Array.from([...original, 0]) : original;
    if (folder === 'cut' || (folder === 'flaky' && !request.headers.range)) {
      response.writeHead(200, { 'Content-Length': bytes.length });
      // Half the bytes, given time to arrive, then the connection closed short of its length.
      response.write(bytes.subarray(0, bytes.length >> 1), () =>
        setTimeout(() => response.socket?.end(), 100),
      );
      return;
    }
    if (folder === 'slow' && !request.headers.range) {
      // Half the bytes, then nothing until the client gives up (Cancel).
      response.writeHead(200, { 'Content-Length': bytes.length });
      response.write(bytes.subarray(0, bytes.length >> 1));
      return;
    }
    if (request.headers.range) ranges.push(`${folder} ${request.headers.range}`);
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const from = range ? Number(range[1]) : 0;
    response.writeHead(range ? 206 : 200, {
      'Content-Length': bytes.length - from,
      ...(range ? { 'Content-Range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    response.end(bytes.subarray(from));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test.beforeEach(async ({ page }) => {
  await openControlled(page);
  key = await createKey(page, 'EnhanceCraft (sk_live_…)'); // leaves Settings open
});

async function useMirror(page: Page, folder: string) {
  await page.getByLabel(/Catalog mirror/).fill(`${base}/${folder}/`);
  await page.getByRole('button', { name: 'Save mirror' }).click();
}

const row = (page: Page, id: string) => page.locator(`tr[data-optional-model="${id}"]`);

/** Presses Add and waits for the row to say it is added, or shows an error (returned). */
async function add(page: Page, id: string, label: string): Promise<string | null> {
  await page.getByRole('button', { name: `Add ${label}`, exact: true }).click();
  const alert = row(page, id).getByRole('alert');
  await expect(
    alert.or(row(page, id).getByRole('button', { name: `Remove ${label}` })),
  ).toBeVisible({
    timeout: 30_000,
  });
  return (await alert.count()) ? alert.innerText() : null;
}

const toDataUrl = (png: Uint8Array) =>
  `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

function rectMask(width: number, height: number, x0: number, y0: number, x1: number, y1: number) {
  const mask = emptyMask(width, height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) mask.data[y * width + x] = 1;
  const img = createImage(width, height);
  for (let i = 0; i < mask.data.length; i++) {
    const v = mask.data[i] ? 255 : 0;
    img.data.set([v, v, v, 255], i * 4);
  }
  return { mask, png: encodePng(img) };
}

function scene(width: number, height: number): RgbaImage {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      img.data.set([40 + x * 2, 30 + y * 3, 200 - x - y, 255], (y * width + x) * 4);
  return img;
}

async function removeObject(page: Page, input: string, maskPng: Uint8Array) {
  const done = await runOperationsJob(page, key, input, [
    { type: 'remove-object', params: { mask_data_url: toDataUrl(maskPng) } },
  ]);
  expect(done.error).toBeNull();
  return { image: decodePng(done.bytes), engine: (await storedJob(page, done.id)).engine };
}

/** Pixels outside the (grown) mask that changed, and deep-inside pixels that are not inverted. */
function inpaintCheck(before: RgbaImage, after: RgbaImage, mask: Mask) {
  const grown = dilateMask(mask, MASK_GROW_PX);
  const deep = emptyMask(mask.width, mask.height);
  const shrunk = dilateMask({ ...mask, data: mask.data.map((v) => 1 - v) }, 4);
  for (let i = 0; i < deep.data.length; i++) deep.data[i] = shrunk.data[i] ? 0 : 1;
  let outsideChanged = 0;
  let deepNotInverted = 0;
  let deepCount = 0;
  for (let i = 0; i < mask.data.length; i++) {
    const same = [0, 1, 2].every((c) => after.data[i * 4 + c] === before.data[i * 4 + c]);
    if (!grown.data[i] && !same) outsideChanged++;
    if (deep.data[i]) {
      deepCount++;
      const off = [0, 1, 2].some(
        (c) => Math.abs(after.data[i * 4 + c]! - (255 - before.data[i * 4 + c]!)) > 12,
      );
      if (off) deepNotInverted++;
    }
  }
  return { outsideChanged, deepNotInverted, deepCount };
}

test('inpainting model: 404, offline, truncated and hash mismatch each refused in words; a drop and a Cancel resume; after Add the job names the model and writes only inside the mask; Remove goes back', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const id = 'mi-gan';
  const label = 'MI-GAN (Picsart)';
  const picture = scene(96, 72);
  const input = await uploadBytes(page, key, encodePng(picture), 'scene-96x72.png');
  const { mask, png: maskPng } = rectMask(96, 72, 30, 20, 62, 46);

  await useMirror(page, 'missing');
  const notFound = await add(page, id, label);
  console.log(`404: ${notFound}`);
  expect(notFound).toMatch(/no longer at .*HTTP 404/);

  await context.setOffline(true);
  const offline = await add(page, id, label);
  await context.setOffline(false);
  console.log(`offline: ${offline}`);
  expect(offline).toMatch(/You are offline/);

  await useMirror(page, 'cut');
  const truncated = await add(page, id, label);
  console.log(`truncated: ${truncated}`);
  expect(truncated).toMatch(/ended early .* truncated/);
  await expect(row(page, id)).toHaveAttribute('data-installed', 'false');

  // First Add pins the hash; the host later serving other bytes is refused.
  await useMirror(page, 'ok');
  expect(await add(page, id, label)).toBeNull();
  const pinned = await row(page, id)
    .getByTitle(/^[0-9a-f]{64}$/)
    .getAttribute('title');
  await page.getByRole('button', { name: `Remove ${label}` }).click();
  await useMirror(page, 'changed');
  const mismatch = await add(page, id, label);
  console.log(`hash mismatch: ${mismatch}`);
  expect(mismatch).toMatch(/not the file this device first added .* It was not kept/);
  await expect(row(page, id)).toHaveAttribute('data-installed', 'false');

  // Every failure left the classical fill in place.
  const classical = await removeObject(page, input, maskPng);
  expect(classical.engine.model).toBeUndefined();
  expect(String(classical.engine.method)).toMatch(/exemplar fill|opencv/i);

  // A connection dropped halfway is resumed with a Range request, into the same pinned file.
  await useMirror(page, 'flaky');
  expect(await add(page, id, label)).toBeNull();
  const half = standInFiles().get('migan_pipeline_v2.onnx')!.length >> 1;
  expect(ranges).toEqual([`flaky bytes=${half}-`]);
  expect(
    await row(page, id)
      .getByTitle(/^[0-9a-f]{64}$/)
      .getAttribute('title'),
  ).toBe(pinned);

  // Cancel keeps what arrived; pressing the button again resumes from there.
  await page.getByRole('button', { name: `Remove ${label}` }).click();
  await useMirror(page, 'slow');
  await page.getByRole('button', { name: `Add ${label}`, exact: true }).click();
  await expect(page.getByRole('progressbar', { name: `Downloading ${label}` })).toHaveAttribute(
    'value',
    String(half),
  );
  await page.getByRole('button', { name: `Cancel adding ${label}` }).click();
  await expect(page.getByRole('button', { name: `Add ${label}`, exact: true })).toHaveText(
    `Resume (${half} bytes kept)`,
  );
  expect(await add(page, id, label)).toBeNull();
  expect(ranges).toEqual([`flaky bytes=${half}-`, `slow bytes=${half}-`]);
  expect(
    await row(page, id)
      .getByTitle(/^[0-9a-f]{64}$/)
      .getAttribute('title'),
  ).toBe(pinned);

  const byModel = await removeObject(page, input, maskPng);
  console.log(`remove-object with ${label}: ${JSON.stringify(byModel.engine)}`);
  expect(String(byModel.engine.model)).toMatch(/^mi-gan \(optional, sha256 [0-9a-f]{12}\)$/);
  const check = inpaintCheck(picture, byModel.image, mask);
  console.log(`inpaint by the stand-in: ${JSON.stringify(check)}`);
  expect(check.outsideChanged).toBe(0);
  expect(check.deepCount).toBeGreaterThan(300);
  expect(check.deepNotInverted).toBe(0);

  await page.getByRole('button', { name: `Remove ${label}` }).click();
  await expect(row(page, id)).toHaveAttribute('data-installed', 'false');
  const back = await removeObject(page, input, maskPng);
  expect(back.engine.model).toBeUndefined();
});

test('face model lands each face back where it was; a colorization model lets the restorations colorize preset run, keeping the luminance', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await useMirror(page, 'ok');
  expect(await add(page, 'gfpgan-1.4', 'GFPGAN v1.4')).toBeNull();
  expect(await add(page, 'ddcolor-tiny', 'DDColor (paper, tiny)')).toBeNull();

  const spec: FaceSceneSpec = { width: 240, height: 200, faces: [[120, 95, 84]] };
  const facePng = Uint8Array.from(await page.evaluate(renderFaces, spec));
  const before = decodePng(facePng);
  const faceInput = await uploadBytes(page, key, facePng, 'one-synthetic-face.png');
  const faces = await runOperationsJob(page, key, faceInput, [
    { type: 'enhance-face', params: { enhancement_level: 1 } },
  ]);
  expect(faces.error).toBeNull();
  const engine = (await storedJob(page, faces.id)).engine;
  console.log(`enhance-face: ${JSON.stringify(engine)}`);
  expect(String(engine.model)).toMatch(/^gfpgan-1\.4 \(optional/);
  const [, x, y, side] = /at \(([\d.]+), ([\d.]+)\) side (\d+)/.exec(String(engine.method)) ?? [];
  const after = decodePng(faces.bytes);
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < 240 * 200; i++) {
    if ([0, 1, 2].some((c) => after.data[i * 4 + c] !== before.data[i * 4 + c])) {
      n++;
      sx += (i % 240) + 0.5;
      sy += Math.floor(i / 240) + 0.5;
    }
  }
  const offset = Math.hypot(sx / n - Number(x), sy / n - Number(y));
  console.log(
    `face: ${n} px changed around (${x}, ${y}) side ${side}; centroid off by ${offset.toFixed(2)} px`,
  );
  expect(n).toBeGreaterThan(0.5 * Number(side) ** 2);
  expect(offset).toBeLessThan(1.5);
  expect(Math.hypot(Number(x) - 120, Number(y) - 95)).toBeLessThan(0.3 * 84);

  // Colorization: the operations dialect now accepts it (its check sees the installed model)...
  const gray = createImage(64, 48);
  for (let i = 0; i < 64 * 48; i++) {
    const v = 70 + (i % 64) + Math.floor(i / 64);
    gray.data.set([v, v, v, 255], i * 4);
  }
  const grayInput = await uploadBytes(page, key, encodePng(gray), 'gray-64x48.png');
  const restored = await runOperationsJob(page, key, grayInput, [
    {
      type: 'restore-old-photo',
      params: { enable_colorization: true, auto_repair_damage: false, face_enhancement_level: 0 },
    },
  ]);
  expect(restored.error).toBeNull();
  const colorEngine = (await storedJob(page, restored.id)).engine;
  console.log(`restore-old-photo: ${JSON.stringify(colorEngine)}`);
  expect(String(colorEngine.model)).toMatch(/^ddcolor-tiny \(optional/);
  const lab = new Float64Array(3);
  const stats = (image: RgbaImage, step: number) => {
    let dL = 0;
    let a = 0;
    let b = 0;
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        const g = gray.data[(y * 64 + x) * 4]!;
        srgbToLab(g, g, g, lab);
        const L0 = lab[0]!;
        const o = ((y * step + (step >> 1)) * image.width + x * step + (step >> 1)) * 4;
        srgbToLab(image.data[o]!, image.data[o + 1]!, image.data[o + 2]!, lab);
        dL += Math.abs(lab[0]! - L0);
        a += lab[1]!;
        b += lab[2]!;
      }
    }
    const n = 64 * 48;
    return { dL: dL / n, a: a / n, b: b / n };
  };
  const own = stats(decodePng(restored.bytes), 1);
  console.log(`colorized (operations): ${JSON.stringify(own)}`);
  expect(own.dL).toBeLessThan(1.5);
  expect(own.a).toBeGreaterThan(24);
  expect(own.b).toBeLessThan(-14);

  // ...and the restorations colorize preset completes instead of failing for lack of a model.
  await page.reload();
  const picRenew = await createKey(page, 'PicRenew (pk_live_…)', 'restorations');
  const created = await call(page, 'POST', '/api/v1/restorations', {
    key: picRenew,
    json: { image_url: toDataUrl(encodePng(gray)), preset: 'colorize' },
  });
  expect(created.status).toBe(202);
  const restoration = (created.body as { id: string }).id;
  const done = await pollUntil(page, `/api/v1/restorations/${restoration}`, picRenew, (b) =>
    ['complete', 'failed'].includes(String(b.status)),
  );
  expect(done.status, JSON.stringify(await storedJob(page, restoration))).toBe('complete');
  const file = await call(page, 'GET', String(done.output_url), { binary: true });
  const upscaled = decodePng(new Uint8Array(file.bytes!));
  expect([upscaled.width, upscaled.height]).toEqual([1024, 768]);
  const preset = stats(upscaled, 16);
  console.log(`colorized (restorations, 1k): ${JSON.stringify(preset)}`);
  expect(preset.dL).toBeLessThan(2);
  expect(preset.a).toBeGreaterThan(20);
  expect(preset.b).toBeLessThan(-12);
});

test('choosing face enhancement offers the face model in plain words, once; Not now is remembered', async ({
  page,
}) => {
  await page.goto('/');
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  await chooseOperation(page, 'Enhance faces');
  const offer = page.getByRole('complementary', { name: 'A stronger face model' });
  await expect(offer).toContainText('GFPGAN v1.4');
  await expect(offer).toContainText('Apache-2.0');
  await expect(offer).toContainText('Real-ESRGAN, built in');
  await expect(offer.getByRole('button', { name: /^Add GFPGAN v1\.4 \(\d+ MB\)$/ })).toBeVisible();
  // Offering it fetched nothing.
  await expect(page.locator('[data-optional-model="gfpgan-1.4"]')).toHaveAttribute(
    'data-installed',
    'false',
  );
  await offer.getByRole('button', { name: 'Not now' }).click();
  await expect(offer).toBeHidden();
  await page.reload();
  await chooseOperation(page, 'Restore old photo');
  await expect(cards.getByRole('radio', { name: 'Restore old photo', exact: true })).toBeChecked();
  await expect(offer).toHaveCount(0);
});

test('a service worker woken from stopped sees the installed colorization model on its first request', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await useMirror(page, 'ok');
  expect(await add(page, 'ddcolor-tiny', 'DDColor (paper, tiny)')).toBeNull();
  const gray = createImage(16, 12);
  for (let i = 0; i < 16 * 12; i++) gray.data.set([90 + i, 90 + i, 90 + i, 255], i * 4);
  const input = await uploadBytes(page, key, encodePng(gray), 'gray-16x12.png');
  const operations = [
    {
      type: 'restore-old-photo',
      params: { enable_colorization: true, auto_repair_damage: false, face_enhancement_level: 0 },
    },
  ];
  // The browser stops an idle service worker whenever it likes; the next request starts a
  // fresh one, whose modules load again. Stop it, wait until it is gone, then ask at once.
  const cdp = await page.context().newCDPSession(page);
  const stopped = new Promise<void>((resolve) => {
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.some((v) => v.runningStatus === 'stopped')) resolve();
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
  const created = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: { input_key: input, operations },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
});
