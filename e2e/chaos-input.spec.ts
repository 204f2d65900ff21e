import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { call, createKey, openControlled } from './support/api.ts';
import {
  animatedGif,
  animatedWebp,
  apng,
  bombs,
  cmykJpeg,
  browserImage,
  convertJob,
  generousLimits,
  idbAll,
  png16,
  sendWire,
  setLimits,
  settled,
  uprightCorner,
  withExif,
} from './support/chaos.ts';
import { printSummary, recordPart, scaled } from './support/chaos-figures.ts';
import { errorMessage, fuzzRequest, toWire } from './support/chaos-requests.ts';
import { type RgbaImage, decodePng, encodePng } from './support/images.ts';

/*
 * Bad input through the real service worker and the real engine: a sample of the generated
 * requests the vitest fuzzers send to the router, and hostile or odd image files.
 */

const figures = { inputs_tried: 0, answered_500: 0, stored_jobs_damaged: 0 };
const notes: string[] = [];

test.afterAll(async () => {
  await recordPart('input-browser', figures, notes);
  await printSummary();
});

test.beforeEach(async ({ page }) => {
  await openControlled(page);
});

interface StoredJob {
  id: string;
  status: string;
}

test('generated bad requests to the real service worker: a 4xx with a message, no job damaged', async ({
  page,
}) => {
  test.setTimeout(scaled(600_000, 120_000));
  const key = await createKey(page, 'upres.ai (upres_…)', 'fuzz');
  await setLimits(page, generousLimits);
  const png = encodePng(solid(8, 8, [200, 40, 40]));
  const seed = await convertJob(page, key, png, 'seed.png');
  expect((await settled(page, key, seed.id!)).status).toBe('completed');
  const before = (await idbAll<StoredJob>(page, 'jobs')).find((j) => j.id === seed.id);

  const count = scaled(1500, 120);
  const requests = fc.sample(fuzzRequest, { numRuns: count, seed: 20261125 }).map(toWire);
  const statuses: Record<number, number> = {};
  let thrown = 0;
  let offApi = 0;
  for (let at = 0; at < requests.length; at += 40) {
    const batch = requests.slice(at, at + 40);
    const answers = await sendWire(page, batch, key);
    for (const [i, answer] of answers.entries()) {
      if (answer.thrown) {
        thrown++;
        continue;
      }
      // The browser resolves dot segments (%2e%2e too) before sending: a path that leaves the
      // API's prefixes is the static server's, not the service worker's, to answer.
      const path = new URL(batch[i]?.path ?? '/', 'http://app.invalid').pathname;
      if (!/^\/(api\/v1|v1|v2)(\/|$)/.test(path)) {
        offApi++;
        continue;
      }
      figures.inputs_tried++;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status >= 500) figures.answered_500++;
      const what = `${batch[i]?.method} ${batch[i]?.path.slice(0, 120)} → ${JSON.stringify(answer.body).slice(0, 200)}`;
      expect(answer.status, what).toBeLessThan(500);
      if (answer.status >= 400) expect(errorMessage(answer.body), what).toBeTruthy();
    }
  }
  const after = (await idbAll<StoredJob>(page, 'jobs')).find((j) => j.id === seed.id);
  if (JSON.stringify(after) !== JSON.stringify(before)) figures.stored_jobs_damaged++;
  expect(after).toEqual(before);
  const output = await call(page, 'GET', String((await settled(page, key, seed.id!)).output_url), {
    binary: true,
  });
  expect(output.status).toBe(200);
  const statusText = Object.entries(statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(', ');
  notes.push(
    `${figures.inputs_tried} generated requests via the service worker (${statusText}; ${thrown} refused by fetch itself, ${offApi} resolved to paths outside the API)`,
  );
});

function solid(width: number, height: number, rgb: number[]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return { width, height, data };
}

/** The colour at the middle of a quadrant of the picture, as 'red', 'blue' or 'other'. */
function colourAt(image: RgbaImage, corner: 'tl' | 'tr' | 'br' | 'bl'): string {
  const x = Math.floor(
    corner === 'tl' || corner === 'bl' ? image.width / 4 : (image.width * 3) / 4,
  );
  const y = Math.floor(
    corner === 'tl' || corner === 'tr' ? image.height / 4 : (image.height * 3) / 4,
  );
  const i = (y * image.width + x) * 4;
  const [r = 0, g = 0, b = 0] = image.data.subarray(i, i + 3);
  if (r > 180 && g < 80 && b < 80) return 'red';
  if (b > 180 && r < 80 && g < 80) return 'blue';
  if (g > 180 && r < 80 && b < 80) return 'green';
  return `other(${r},${g},${b})`;
}

test('hostile and odd image files: refused before decoding, a clear failure, or an upright result', async ({
  page,
}) => {
  test.setTimeout(scaled(300_000, 180_000));
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)', 'images');
  await setLimits(page, generousLimits);
  let cases = 0;
  const tried = () => {
    cases++;
    figures.inputs_tried++;
  };

  // Refused at upload, with the reason: empty, and four decompression bombs by their headers.
  const empty = await convertJob(page, key, new Uint8Array(), 'empty.png');
  tried();
  expect(empty.upload).toMatchObject({ status: 400, body: { detail: 'file is empty' } });
  for (const [name, bytes] of Object.entries(bombs())) {
    const refused = await convertJob(page, key, bytes, name);
    tried();
    expect(refused.upload.status, name).toBe(400);
    expect(errorMessage(refused.upload.body), name).toMatch(/declares 30000×30000 pixels/);
  }
  // A bomb given as a data: URL carries its header with the request: refused at submit too
  // (issue 18 #9); one given by an https URL reaches the engine, which refuses it before decoding.
  // (One key works in every dialect.)
  const upscaleKey = key;
  const bombPng = bombs()['bomb.png']!;
  const byUrl = await call(page, 'POST', '/v1/jobs', {
    key: upscaleKey,
    json: { image_url: `data:image/png;base64,${Buffer.from(bombPng).toString('base64')}` },
  });
  tried();
  expect(byUrl.status, JSON.stringify(byUrl.body)).toBe(400);
  expect(errorMessage(byUrl.body)).toMatch(/declares 30000×30000 pixels/);

  // Damaged files of each format: the job settles, completed or failed with a reason.
  const jpeg = await browserImage(page, 64, 48, 'image/jpeg');
  const webp = await browserImage(page, 64, 48, 'image/webp');
  const png = await browserImage(page, 64, 48, 'image/png');
  const garbage = (head: Uint8Array) => {
    const out = new Uint8Array(head.length);
    out.set(head.subarray(0, 40));
    for (let i = 40; i < out.length; i++) out[i] = (i * 7919) & 255;
    return out;
  };
  const damaged: Record<string, Uint8Array> = {
    'truncated.jpg': jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    'truncated.webp': webp.subarray(0, Math.floor(webp.length / 2)),
    'truncated.png': png.subarray(0, Math.floor(png.length / 2)),
    'corrupt.jpg': garbage(jpeg),
    'corrupt.webp': garbage(webp),
    'corrupt.png': garbage(png),
  };
  const outcomes: string[] = [];
  for (const [name, bytes] of Object.entries(damaged)) {
    const made = await convertJob(page, key, bytes, name);
    tried();
    if (made.upload.status !== 200) {
      expect(made.upload.status, name).toBe(400);
      expect(errorMessage(made.upload.body), name).toBeTruthy();
      outcomes.push(`${name}: refused`);
      continue;
    }
    const job = await settled(page, key, made.id!);
    if (job.status === 'failed')
      expect(job.error_message, name).toMatch(/could not be read|damaged/);
    else {
      const out = await call(page, 'GET', String(job.output_url), { binary: true });
      expect(decodePng(new Uint8Array(out.bytes!)).width, name).toBe(64);
    }
    outcomes.push(`${name}: ${job.status}`);
  }

  // Odd but valid files: each completes with the picture it holds, upright.
  const expectResult = async (
    name: string,
    bytes: Uint8Array,
    size: [number, number],
    check?: (image: RgbaImage) => void,
  ) => {
    const made = await convertJob(page, key, bytes, name);
    tried();
    expect(made.upload.status, `${name}: ${JSON.stringify(made.upload.body)}`).toBe(200);
    const job = await settled(page, key, made.id!);
    expect(job, name).toMatchObject({ status: 'completed' });
    const out = await call(page, 'GET', String(job.output_url), { binary: true });
    const image = decodePng(new Uint8Array(out.bytes!));
    expect([image.width, image.height], name).toEqual(size);
    check?.(image);
  };
  await expectResult('one-pixel.png', encodePng(solid(1, 1, [10, 20, 30])), [1, 1]);
  await expectResult('really-a-png.jpg', png, [64, 48]);
  await expectResult('animated.gif', animatedGif(), [1, 1]);
  await expectResult('animated.png', apng(8, 8), [8, 8], (image) =>
    expect(colourAt(image, 'tl'), 'APNG: the first frame').toBe('red'),
  );
  await expectResult('sixteen-bit.png', png16(16, 8), [16, 8], (image) => {
    expect(colourAt(image, 'tl')).toBe('red');
    expect(colourAt(image, 'br')).toBe('blue');
  });
  // An animated WebP (red quadrant on blue, then all green): the first frame, as for APNG.
  const green = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(32, 16);
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#00ff00';
    g.fillRect(0, 0, 32, 16);
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.95 });
    return [...new Uint8Array(await blob.arrayBuffer())];
  });
  const stillWebp = await browserImage(page, 32, 16, 'image/webp');
  const animated = animatedWebp([stillWebp, Uint8Array.from(green)], 32, 16);
  // The browser's own decoder sees two frames: the file is what this case says it is.
  const frameCount = await page.evaluate(
    async (bytes) => {
      const decoder = new ImageDecoder({ data: Uint8Array.from(bytes), type: 'image/webp' });
      await decoder.tracks.ready;
      return decoder.tracks.selectedTrack?.frameCount;
    },
    [...animated],
  );
  expect(frameCount).toBe(2);
  await expectResult('animated.webp', animated, [32, 16], (image) => {
    expect(colourAt(image, 'tl'), 'animated WebP: the first frame').toBe('red');
    expect(colourAt(image, 'br'), 'animated WebP: the first frame').toBe('blue');
  });
  // A CMYK JPEG as Photoshop writes it (Adobe marker, inverted inks): full magenta and yellow.
  await expectResult('cmyk.jpg', cmykJpeg([0, 255, 255, 0]), [8, 8], (image) =>
    expect(colourAt(image, 'tl'), 'CMYK magenta + yellow').toBe('red'),
  );
  const photo = await browserImage(page, 32, 16, 'image/jpeg');
  await expectResult('huge-exif.jpg', withExif(photo, 1, 700_000), [32, 16]);
  for (let orientation = 1; orientation <= 8; orientation++) {
    const turned = orientation >= 5;
    await expectResult(
      `orientation-${orientation}.jpg`,
      withExif(photo, orientation),
      turned ? [16, 32] : [32, 16],
      (image) => {
        const corner = uprightCorner[orientation]!;
        expect(colourAt(image, corner), `orientation ${orientation}`).toBe('red');
      },
    );
  }
  notes.push(`${cases} image files (${outcomes.join(', ')})`);
});
