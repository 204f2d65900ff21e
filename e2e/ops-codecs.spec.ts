import { type Page, expect, test } from '@playwright/test';
import { call, createKey, openControlled } from './support/api.ts';
import {
  addPhotos,
  chooseOperation,
  downloadResult,
  readFixturePng,
  waitForStatus,
} from './support/app.ts';
import { decodeInPage, runOperationsJob, uploadBytes } from './support/ops.ts';
import {
  type RgbaImage,
  createImage,
  decodePng,
  downscaleArea,
  encodePng,
  psnr,
  resizeBicubic,
  ssim,
} from './support/images.ts';

// The codec operations (convert, compress-optimize, crop-resize), enhance at a scale without its
// own model, and remove-frame, each measured on its output: the file's real format (magic bytes,
// and the browser decoding it), its size, its pixels against the source.

let key = '';

test.beforeEach(async ({ page }) => {
  await openControlled(page);
  key = await createKey(page, 'EnhanceCraft (sk_live_…)');
});

/** What a file really is, from its first bytes. */
function magic(bytes: Uint8Array): string {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(8, 12))) return 'avif';
  return 'unknown';
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Chromium's own JPEG encoder, to make JPEG inputs (Node has none). */
async function encodeJpegInPage(page: Page, png: Uint8Array, quality: number): Promise<Uint8Array> {
  const base64 = await page.evaluate(
    async ({ b64, quality }) => {
      const bitmap = await createImageBitmap(
        new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]),
      );
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    },
    { b64: toBase64(png), quality },
  );
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

function region(img: RgbaImage, x: number, y: number, w: number, h: number): RgbaImage {
  const out = createImage(w, h);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * img.width + x) * 4;
    out.data.set(img.data.subarray(from, from + w * 4), row * w * 4);
  }
  return out;
}

let grainSeed = 2024;
/** Deterministic sensor-like grain in -amplitude..amplitude. */
function grain(amplitude: number): number {
  grainSeed = (grainSeed * 1103515245 + 12345) & 0x7fffffff;
  return (grainSeed % (2 * amplitude + 1)) - amplitude;
}

/** A 256-px photo: the hibiscus enlarged ×2 with fine grain, as a camera would leave it. */
async function photo256(): Promise<RgbaImage> {
  const big = resizeBicubic(await readFixturePng('photo-original-128.png'), 256, 256);
  for (let i = 0; i < big.data.length; i += 4) {
    for (let c = 0; c < 3; c++)
      big.data[i + c] = Math.min(255, Math.max(0, big.data[i + c]! + grain(3)));
  }
  return big;
}

test('convert writes each asked format, really encoded, that the browser decodes', async ({
  page,
  context,
}) => {
  const wasm: string[] = [];
  context.on('request', (request) => {
    if (request.url().endsWith('.wasm')) wasm.push(request.url());
  });
  // 96×64 of the photo whose right third fades out to fully transparent.
  const source = region(await readFixturePng('photo-wide-300x200.png'), 100, 60, 96, 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 64; x < 96; x++)
      source.data[(y * 96 + x) * 4 + 3] = Math.round((255 * (95 - x)) / 31);
  }
  const input = await uploadBytes(page, key, encodePng(source), 'fading-photo.png');
  const opaque = (img: RgbaImage) => region(img, 0, 0, 60, 64);

  const expected = {
    png: ['png', 'image/png'],
    jpg: ['jpeg', 'image/jpeg'],
    jpeg: ['jpeg', 'image/jpeg'],
    webp: ['webp', 'image/webp'],
    avif: ['avif', 'image/avif'],
  } as const;
  const sizes: Record<string, number> = {};
  for (const [format, [kind, mime]] of Object.entries(expected)) {
    const out = await runOperationsJob(page, key, input, [
      { type: 'convert', params: { output_format: format, quality: 90 } },
    ]);
    expect(out.status, `${format}: ${out.error}`).toBe('completed');
    expect(magic(out.bytes), format).toBe(kind);
    expect(out.contentType, format).toBe(mime);
    const image = await decodeInPage(page, out.bytes);
    expect([image.width, image.height], format).toEqual([96, 64]);
    sizes[format] = out.bytes.length;
    const fidelity = psnr(opaque(image), opaque(source));
    console.log(`convert ${format}: ${out.bytes.length} bytes, PSNR ${fidelity.toFixed(1)} dB`);
    if (format === 'png') {
      // Lossless: alpha and opaque pixels exactly (read by the exact Node decoder). The input
      // decoder (src/media/codecs/decode.ts) reads pixels through a 2D canvas, which stores colour
      // premultiplied, so where alpha is partial a colour may move by its rounding, ≤ 255 / alpha.
      const exact = decodePng(out.bytes);
      let worst = 0;
      const wrong: string[] = [];
      for (let i = 0; i < source.data.length; i += 4) {
        const alpha = source.data[i + 3]!;
        if (exact.data[i + 3] !== alpha) wrong.push(`alpha at ${i / 4}`);
        if (alpha === 0) continue;
        for (let c = 0; c < 3; c++) {
          const error = Math.abs(exact.data[i + c]! - source.data[i + c]!);
          if (error > (alpha === 255 ? 0 : Math.ceil(255 / alpha)))
            wrong.push(`colour at ${i / 4}`);
          if (alpha < 255) worst = Math.max(worst, error);
        }
      }
      expect(wrong).toEqual([]);
      console.log(`convert png: worst colour error where alpha is partial: ${worst}`);
      continue;
    }
    const similarity = ssim(opaque(image), opaque(source));
    console.log(`convert ${format}: SSIM ${similarity.toFixed(4)} on the opaque part`);
    expect(similarity, format).toBeGreaterThan(0.95);
    expect(fidelity, format).toBeGreaterThan(28);
    const alphaAt = (x: number) => image.data[(10 * 96 + x) * 4 + 3]!;
    if (kind === 'jpeg') {
      // No alpha in JPEG: the faded part is composited over white.
      expect(alphaAt(95)).toBe(255);
      const last = (10 * 96 + 95) * 4;
      expect(Math.min(...image.data.subarray(last, last + 3))).toBeGreaterThan(235);
    } else {
      expect(Math.abs(alphaAt(95) - 0)).toBeLessThanOrEqual(2);
      expect(Math.abs(alphaAt(80) - source.data[(10 * 96 + 80) * 4 + 3]!)).toBeLessThanOrEqual(4);
    }
  }
  // Each codec's WASM came from the app's own origin (Vite emitted it as an asset).
  const origin = new URL(page.url()).origin;
  console.log(`codec WASM fetched: ${wasm.map((u) => new URL(u).pathname).join(', ')}`);
  for (const codec of ['squoosh_oxipng', 'mozjpeg_enc', 'webp_enc', 'avif_enc']) {
    expect(wasm.some((u) => u.includes(`/assets/${codec}`))).toBe(true);
  }
  expect(wasm.every((u) => u.startsWith(`${origin}/`))).toBe(true);

  // Quality is passed through: a lower JPEG quality makes a smaller file.
  const rough = await runOperationsJob(page, key, input, [
    { type: 'convert', params: { output_format: 'jpg', quality: 20 } },
  ]);
  console.log(`convert jpg q20: ${rough.bytes.length} bytes (q90: ${sizes.jpg})`);
  expect(rough.bytes.length).toBeLessThan(sizes.jpg! * 0.6);

  const refused = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: { input_key: input, operations: [{ type: 'convert', params: { output_format: 'gif' } }] },
  });
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toContain('output_format');
});

test('compress-optimize makes photos smaller at quality 85, and never makes a file larger', async ({
  page,
}) => {
  const photo = await photo256();
  const png = encodePng(photo);

  // A photographic PNG: MozJPEG wins over lossless oxipng, as the seed's "via JPEG" says.
  const fromPng = await runOperationsJob(
    page,
    key,
    await uploadBytes(page, key, png, 'photo-256.png'),
    [{ type: 'compress-optimize', params: {} }],
  );
  expect(fromPng.status, String(fromPng.error)).toBe('completed');
  const pngScore = ssim(await decodeInPage(page, fromPng.bytes), photo);
  console.log(
    `compress PNG photo: ${png.length} → ${fromPng.bytes.length} bytes (${magic(fromPng.bytes)}), SSIM ${pngScore.toFixed(4)}`,
  );
  expect(fromPng.bytes.length).toBeLessThan(png.length);
  expect(pngScore).toBeGreaterThanOrEqual(0.95);

  // A JPEG from the camera (Chromium's encoder at 0.95) gets MozJPEG at 85.
  const jpeg = await encodeJpegInPage(page, png, 0.95);
  const jpegPixels = await decodeInPage(page, jpeg);
  const fromJpeg = await runOperationsJob(
    page,
    key,
    await uploadBytes(page, key, jpeg, 'photo-256.jpg', 'image/jpeg'),
    [{ type: 'compress-optimize', params: { quality: 85 } }],
  );
  expect(fromJpeg.status, String(fromJpeg.error)).toBe('completed');
  expect(magic(fromJpeg.bytes)).toBe('jpeg');
  const jpegScore = ssim(await decodeInPage(page, fromJpeg.bytes), jpegPixels);
  console.log(
    `compress JPEG photo: ${jpeg.length} → ${fromJpeg.bytes.length} bytes, SSIM ${jpegScore.toFixed(4)}`,
  );
  expect(fromJpeg.bytes.length).toBeLessThan(jpeg.length);
  expect(jpegScore).toBeGreaterThanOrEqual(0.95);

  // A graphic with transparency stays a PNG, losslessly: pixels and alpha exactly as they were.
  const logo = createImage(128, 96);
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 128; x++) {
      const inside = (x - 64) ** 2 + (y - 48) ** 2 < 40 ** 2;
      logo.data.set(
        inside ? [200, 30, 40, 255] : x % 16 < 8 ? [0, 0, 0, 0] : [20, 90, 200, 128],
        (y * 128 + x) * 4,
      );
    }
  }
  const logoPng = encodePng(logo, { filter: 0 });
  const fromLogo = await runOperationsJob(
    page,
    key,
    await uploadBytes(page, key, logoPng, 'logo.png'),
    [{ type: 'compress-optimize', params: { quality: 60 } }],
  );
  expect(fromLogo.status, String(fromLogo.error)).toBe('completed');
  expect(magic(fromLogo.bytes)).toBe('png');
  console.log(
    `compress PNG graphic: ${logoPng.length} → ${fromLogo.bytes.length} bytes (lossless)`,
  );
  expect(fromLogo.bytes.length).toBeLessThan(logoPng.length);
  expect(decodePng(fromLogo.bytes).data).toEqual(logo.data);

  // Already small: quality 100 cannot beat a quality-30 JPEG, so the input comes back as it was.
  const small = await encodeJpegInPage(page, png, 0.3);
  const kept = await runOperationsJob(
    page,
    key,
    await uploadBytes(page, key, small, 'small.jpg', 'image/jpeg'),
    [{ type: 'compress-optimize', params: { quality: 100 } }],
  );
  expect(kept.status, String(kept.error)).toBe('completed');
  console.log(`compress already-small JPEG at q100: ${small.length} → ${kept.bytes.length} bytes`);
  expect(kept.bytes).toEqual(small);
});

test('crop-resize gives exact dimensions, and a crop keeps the source pixels', async ({ page }) => {
  const source = await readFixturePng('photo-wide-300x200.png');
  const input = await uploadBytes(page, key, encodePng(source), 'photo-wide-300x200.png');
  const cases: { params: Record<string, unknown>; size: [number, number] }[] = [
    { params: { crop: { pixels: [40, 30, 120, 90] } }, size: [120, 90] },
    { params: { crop: { percentage: [10, 20, 50, 50] } }, size: [150, 100] },
    { params: { resize: { width: 150, height: 150, maintain_aspect: true } }, size: [150, 100] },
    { params: { resize: { width: 77, height: 91, maintain_aspect: false } }, size: [77, 91] },
    { params: { resize: { width: 100 } }, size: [100, 67] },
    { params: { resize: { width: 1024, height: 1024, maintain_aspect: true } }, size: [1024, 683] },
    {
      params: { crop: { pixels: [0, 0, 200, 200] }, resize: { height: 50 } },
      size: [50, 50],
    },
  ];
  const outputs: RgbaImage[] = [];
  for (const { params, size } of cases) {
    const out = await runOperationsJob(page, key, input, [{ type: 'crop-resize', params }]);
    expect(out.status, String(out.error)).toBe('completed');
    const image = decodePng(out.bytes);
    expect([image.width, image.height], JSON.stringify(params)).toEqual(size);
    outputs.push(image);
  }
  // Crops are copies: every pixel equals the source's.
  expect(outputs[0]!.data).toEqual(region(source, 40, 30, 120, 90).data);
  expect(outputs[1]!.data).toEqual(region(source, 30, 40, 150, 100).data);
  // Halving with Lanczos-3 agrees with plain 2×2 averaging on a photo.
  const halved = psnr(outputs[2]!, downscaleArea(source, 2));
  console.log(`crop-resize 300×200 → 150×100 vs 2×2 area average: PSNR ${halved.toFixed(1)} dB`);
  expect(halved).toBeGreaterThan(32);
  const quartered = psnr(outputs[6]!, downscaleArea(region(source, 0, 0, 200, 200), 4));
  console.log(
    `crop-resize crop 200×200 → 50×50 vs 4×4 area average: PSNR ${quartered.toFixed(1)} dB`,
  );
  expect(quartered).toBeGreaterThan(30);

  const neither = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: { input_key: input, operations: [{ type: 'crop-resize', params: {} }] },
  });
  expect(neither.status).toBe(400);
  expect(JSON.stringify(neither.body)).toContain('needs crop, resize, or both');
  const empty = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: {
      input_key: input,
      operations: [{ type: 'crop-resize', params: { crop: { pixels: [0, 0, 0, 10] } } }],
    },
  });
  expect(empty.status).toBe(400);
  // The upload's size is known, so a crop outside it is refused at submit, not failed later.
  const outside = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: {
      input_key: input,
      operations: [{ type: 'crop-resize', params: { crop: { pixels: [250, 0, 100, 10] } } }],
    },
  });
  expect(outside.status).toBe(400);
  expect(JSON.stringify(outside.body)).toContain('reaches outside the 300×200 image');
});

test('enhance ×6 runs Real-ESRGAN ×4 and enlarges it to exactly six times the size', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const small = downscaleArea(
    region(await readFixturePng('photo-original-128.png'), 16, 24, 96, 80),
    8,
  );
  const input = await uploadBytes(page, key, encodePng(small), 'tiny-12x10.png');
  const out = await runOperationsJob(page, key, input, [{ type: 'enhance', params: { scale: 6 } }]);
  expect(out.status, String(out.error)).toBe('completed');
  const image = decodePng(out.bytes);
  expect([image.width, image.height]).toEqual([72, 60]);
  // The result is the same picture: averaged back down it matches the input.
  const back = psnr(downscaleArea(image, 6), small);
  console.log(
    `enhance ×6 of 12×10: 72×60, averaged back to 12×10 vs input: PSNR ${back.toFixed(1)} dB`,
  );
  expect(back).toBeGreaterThan(25);
});

test('remove-frame crops a white print border to within 2 px of the photo', async ({ page }) => {
  const inner = region(await readFixturePng('photo-wide-300x200.png'), 40, 30, 200, 140);
  const [top, right, bottom, left] = [11, 7, 16, 13];
  const framed = createImage(left + 200 + right, top + 140 + bottom);
  for (let i = 0; i < framed.data.length; i += 4) {
    framed.data.set([247 + grain(3), 245 + grain(3), 240 + grain(3), 255], i);
  }
  for (let y = 0; y < 140; y++) {
    framed.data.set(
      inner.data.subarray(y * 800, (y + 1) * 800),
      ((top + y) * framed.width + left) * 4,
    );
  }
  // Through the app (the operations API takes only the seed's names; restorations puts this
  // step first when asked to remove_frame).
  await chooseOperation(page, 'Remove frame');
  await addPhotos(page, [
    { name: 'framed-print.png', mimeType: 'image/png', buffer: Buffer.from(encodePng(framed)) },
  ]);
  await waitForStatus(page, 'framed-print.png', 'completed');
  const { image } = await downloadResult(page);
  console.log(`remove-frame: ${framed.width}×${framed.height} → ${image.width}×${image.height}`);
  expect(Math.abs(image.width - 200)).toBeLessThanOrEqual(4);
  expect(Math.abs(image.height - 140)).toBeLessThanOrEqual(4);
  if (image.width === 200 && image.height === 140) expect(image.data).toEqual(inner.data);
});
