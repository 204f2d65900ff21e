import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { pngChunk } from '../workers/png-stream.ts';
import { damageRandomly } from '../src/engine/operations/restore-old-photo/old-photo-fixture.ts';
import { createKey, openControlled } from './support/api.ts';
import { runOperationsJob, storedJob, uploadBytes } from './support/ops.ts';
import { readFixturePng } from './support/app.ts';
import { type RgbaImage, decodePng, encodePng, psnr, resizeBicubic } from './support/images.ts';
import { addGaussianNoise, drawPhotoLike } from './support/restore-images.ts';

// restore-old-photo through the operations dialect of the real service worker, on inputs shaped
// like the ones people send: PNGs written by other tools (RGB, the image data split over several
// IDAT chunks), a clean photo that must come back as it was, and a 720×576 scan against the
// clock. Every number is printed.

test.describe.configure({ mode: 'serial' });

let key = '';

test.beforeEach(async ({ page }) => {
  await openControlled(page);
  key = await createKey(page, 'EnhanceCraft (sk_live_…)');
});

/**
 * An 8-bit RGB PNG with its zlib stream split over `parts` IDAT chunks and no other chunk, as
 * Pillow and libpng write a photo (they cut IDAT at 64 KiB or 8 KiB).
 */
function rgbPngInChunks(img: RgbaImage, parts: number): Uint8Array {
  const { width, height } = img;
  const stride = width * 3 + 1;
  const raw = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++)
        raw[y * stride + 1 + x * 3 + c] = img.data[(y * width + x) * 4 + c]!;
    }
  }
  const z = deflateSync(raw, { level: 6 });
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const size = Math.ceil(z.length / parts);
  const chunks = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', ihdr),
  ];
  for (let k = 0; k < parts; k++)
    chunks.push(pngChunk('IDAT', z.subarray(k * size, (k + 1) * size)));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(chunks);
}

/** The hibiscus photo at another size (real content, not drawn). */
async function photo(width: number, height: number): Promise<RgbaImage> {
  return resizeBicubic(await readFixturePng('photo-wide-360x240.png'), width, height);
}

test('restore-old-photo reads 352×288 RGB PNGs in three IDAT chunks, whatever their content', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const noisy = addGaussianNoise(await photo(352, 288), 12, 5);
  const entropy: RgbaImage = { width: 352, height: 288, data: new Uint8Array(352 * 288 * 4) };
  for (let i = 0; i < entropy.data.length; i++) {
    entropy.data[i] = i % 4 === 3 ? 255 : Math.imul(i, 2654435761) >>> 24;
  }
  const cases: [string, RgbaImage][] = [
    ['photo', await photo(352, 288)],
    ['noisy photo', noisy], // runs the denoise step too
    ['drawn scene', resizeBicubic(drawPhotoLike(288, 3), 352, 288)],
    ['high entropy', entropy],
    ['odd size', await photo(353, 287)],
  ];
  for (const [name, img] of cases) {
    const bytes = rgbPngInChunks(img, 3);
    const input = await uploadBytes(page, key, bytes, `${name}.png`);
    const started = Date.now();
    const done = await runOperationsJob(page, key, input, [
      { type: 'restore-old-photo', params: {} },
    ]);
    const record = await storedJob(page, done.id);
    console.log(
      `${name} ${img.width}×${img.height}, ${bytes.length} bytes: ${done.status} ${done.error ?? ''} in ${((Date.now() - started) / 1000).toFixed(1)} s; engine: ${record.engine?.method}`,
    );
    expect(done.error, name).toBeNull();
    expect(done.status, name).toBe('completed');
  }
});

test('restore-old-photo gives a clean photo back unchanged, and repairs a scratched 720×576 scan within 15 s', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // A clean photo: no damage, no fading, no noise. Nothing should change.
  const clean = await photo(360, 240);
  const cleanInput = await uploadBytes(page, key, encodePng(clean), 'clean.png');
  const same = await runOperationsJob(page, key, cleanInput, [
    { type: 'restore-old-photo', params: {} },
  ]);
  expect(same.error).toBeNull();
  const back = decodePng(same.bytes);
  const cleanPsnr = psnr(back, clean);
  const cleanRecord = await storedJob(page, same.id);
  console.log(
    `clean 360×240: PSNR against itself ${cleanPsnr.toFixed(2)} dB; engine: ${cleanRecord.engine?.method}`,
  );
  expect(cleanPsnr).toBeGreaterThanOrEqual(45);
  expect(cleanRecord.engine?.method).toMatch(/denoise: skipped/);
  expect(cleanRecord.engine?.method).toMatch(/levels: not faded/);

  // A 720×576 scan with scratches and dust, defaults (faces on).
  const original = await photo(720, 576);
  const broken = damageRandomly(original.data, 720, 576, { seed: 7 });
  const damaged: RgbaImage = { width: 720, height: 576, data: broken.rgba };
  const input = await uploadBytes(page, key, encodePng(damaged), 'scan-720x576.png');
  const started = Date.now();
  const done = await runOperationsJob(page, key, input, [
    { type: 'restore-old-photo', params: {} },
  ]);
  const seconds = (Date.now() - started) / 1000;
  expect(done.error).toBeNull();
  const repaired = decodePng(done.bytes);
  const record = await storedJob(page, done.id);
  const before = psnr(damaged, original);
  const after = psnr(repaired, original);
  console.log(
    `720×576 scan: ${seconds.toFixed(1)} s; PSNR against the undamaged photo ${before.toFixed(2)} → ${after.toFixed(2)} dB; engine: ${record.engine?.method}`,
  );
  expect(after).toBeGreaterThan(before);
  expect(seconds).toBeLessThanOrEqual(15);
});
