import { type Page, expect, test } from '@playwright/test';
import { call, createKey, openControlled } from './support/api.ts';
import { type StoredJob, runOperationsJob, storedJob, uploadBytes } from './support/ops.ts';
import { readFixturePng } from './support/app.ts';
import {
  type RgbaImage,
  createImage,
  decodePng,
  downscaleArea,
  edgeSharpness,
  encodePng,
  psnr,
  resizeBicubic,
} from './support/images.ts';
import {
  addGaussianNoise,
  drawCartoon,
  drawPhotoLike,
  gaussianBlur,
} from './support/restore-images.ts';
import { runBm3d, runCunet } from './support/restore-reference.ts';

// The restoration operations enhance-anime, denoise and deblur, run through the service worker
// with the operations dialect, each measured against the clean picture its input was made from.
// Where an operation chooses between engines, the engine it did not choose is run here in Node
// on the same input, to show the choice was the better one. Every number is printed.

let key = '';

test.beforeEach(async ({ page }) => {
  await openControlled(page);
  key = await createKey(page, 'EnhanceCraft (sk_live_…)');
});

interface Result {
  image: RgbaImage;
  engine: StoredJob['engine'];
}

/** Uploads an image, runs one operation on it, and decodes the PNG it made. */
async function runOperation(
  page: Page,
  input: { name: string; type: string; bytes: Uint8Array },
  type: string,
  params: Record<string, unknown> = {},
): Promise<Result> {
  const inputKey = await uploadBytes(page, key, input.bytes, input.name, input.type);
  const done = await runOperationsJob(page, key, inputKey, [{ type, params }], 110_000);
  expect(done, done.error ?? '').toMatchObject({ status: 'completed', error: null });
  expect(done.contentType).toBe('image/png');
  return { image: decodePng(done.bytes), engine: (await storedJob(page, done.id)).engine };
}

const png = (name: string, img: RgbaImage) => ({
  name: `${name}.png`,
  type: 'image/png',
  bytes: encodePng(img),
});

/**
 * Encodes with Chromium's JPEG encoder at `quality` (0..1) and decodes it again, as the engine
 * will: the JPEG to upload, and the exact pixels the operation starts from.
 */
async function jpegInBrowser(
  page: Page,
  img: RgbaImage,
  quality: number,
): Promise<{ bytes: Uint8Array; decoded: RgbaImage }> {
  const { jpeg, pixels } = await page.evaluate(
    async ({ b64, quality }) => {
      const decode = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      const encode = (bytes: Uint8Array) => {
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) {
          binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        }
        return btoa(binary);
      };
      const source = await createImageBitmap(new Blob([decode(b64)]));
      const canvas = new OffscreenCanvas(source.width, source.height);
      canvas.getContext('2d')!.drawImage(source, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      const bitmap = await createImageBitmap(blob, {
        imageOrientation: 'from-image',
        premultiplyAlpha: 'none',
      });
      const back = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = back.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      return {
        jpeg: encode(new Uint8Array(await blob.arrayBuffer())),
        pixels: encode(new Uint8Array(data.buffer)),
      };
    },
    { b64: Buffer.from(encodePng(img)).toString('base64'), quality },
  );
  return {
    bytes: new Uint8Array(Buffer.from(jpeg, 'base64')),
    decoded: {
      width: img.width,
      height: img.height,
      data: new Uint8Array(Buffer.from(pixels, 'base64')),
    },
  };
}

const dB = (value: number) => `${value.toFixed(2)} dB`;

/** The clean test pictures: the photo fixture, and a generated photo-like picture. */
async function photos(): Promise<{ name: string; clean: RgbaImage }[]> {
  return [
    { name: 'photo-original-128', clean: await readFixturePng('photo-original-128.png') },
    { name: 'photo-like-128', clean: drawPhotoLike(128) },
  ];
}

/** The photos and a flat-colour cartoon: CUnet's own kind of picture. */
async function pictures(): Promise<{ name: string; clean: RgbaImage }[]> {
  return [...(await photos()), { name: 'cartoon-128', clean: drawCartoon(128) }];
}

test('enhance-anime: a cartoon comes back exactly ×4, sharper and closer than bicubic', async ({
  page,
}) => {
  // Drawn at 4 × 256 px with hard black outlines, box-averaged to 256 (anti-aliased), then box-
  // downscaled 4× again: the input. The 256 px drawing is what a perfect ×4 would give back.
  const original = drawCartoon(256);
  const small = downscaleArea(original, 4);
  const { image, engine } = await runOperation(page, png('cartoon-64', small), 'enhance-anime');
  expect([image.width, image.height]).toEqual([256, 256]);
  expect(engine).toMatchObject({ model: 'realesr-animevideov3-x4' });

  const bicubic = resizeBicubic(small, 256, 256);
  const scores = {
    model: psnr(image, original, { border: 4 }),
    bicubic: psnr(bicubic, original, { border: 4 }),
  };
  const sharpness = {
    model: edgeSharpness(image, original),
    bicubic: edgeSharpness(bicubic, original),
  };
  console.log(
    `enhance-anime ×4 on the cartoon: PSNR model ${dB(scores.model)}, bicubic ${dB(scores.bicubic)}; edge sharpness (1 = the original's) model ${sharpness.model.toFixed(3)}, bicubic ${sharpness.bicubic.toFixed(3)}`,
  );
  expect(scores.model).toBeGreaterThan(scores.bicubic + 1);
  expect(sharpness.model).toBeGreaterThan(1.4 * sharpness.bicubic);
  // Sharper than bicubic, yet not past the original: no halos or oversharpening.
  expect(sharpness.model).toBeLessThan(1.05);
});

/**
 * A manga page at 4 × `size`, box-averaged to `size`: paper, a flat grey fill, a dot screentone,
 * black panel borders and lines; `tint` multiplies it (1,1,1 for a grey page, sepia for old print).
 */
function drawMangaPage(size: number, tint: [number, number, number]): RgbaImage {
  const big = size * 4;
  const page: RgbaImage = { width: big, height: big, data: new Uint8Array(big * big * 4) };
  for (let y = 0; y < big; y++) {
    for (let x = 0; x < big; x++) {
      let v = 242; // paper
      if (x > big * 0.55 && y < big * 0.45) v = 160; // flat grey fill
      if (x < big * 0.5 && y > big * 0.5) v = x % 12 < 6 === y % 12 < 6 ? 90 : 230; // screentone
      if (x % (big / 2) < 8 || y % (big / 2) < 8) v = 20; // panel borders
      if (Math.abs(x - y * 0.7 - big * 0.1) < 3 && y < big * 0.45) v = 30; // a line
      const i = (y * big + x) * 4;
      page.data[i] = Math.round(v * tint[0]);
      page.data[i + 1] = Math.round(v * tint[1]);
      page.data[i + 2] = Math.round(v * tint[2]);
      page.data[i + 3] = 255;
    }
  }
  return downscaleArea(page, 4);
}

test('enhance-anime keeps a manga page’s colour: mean drift under half a level per channel', async ({
  page,
}) => {
  for (const [name, tint] of [
    ['grey', [1, 1, 1]],
    ['sepia', [1, 0.93, 0.78]],
  ] as const) {
    const original = drawMangaPage(256, [...tint]);
    const small = downscaleArea(original, 4);
    const { image, engine } = await runOperation(
      page,
      png(`manga-${name}`, small),
      'enhance-anime',
    );
    expect(String(engine.method)).toMatch(/colour held to the input/);
    const mean = (img: RgbaImage, c: number) => {
      let sum = 0;
      for (let i = c; i < img.data.length; i += 4) sum += img.data[i]!;
      return sum / (img.width * img.height);
    };
    const drift = [0, 1, 2].map((c) => mean(image, c) - mean(small, c));
    const sharpness =
      edgeSharpness(image, original) / edgeSharpness(resizeBicubic(small, 256, 256), original);
    console.log(
      `enhance-anime, ${name} manga page: mean drift R ${drift[0]!.toFixed(2)} G ${drift[1]!.toFixed(2)} B ${drift[2]!.toFixed(2)} levels; edge sharpness ${sharpness.toFixed(2)}× bicubic; ${String(engine.method)}`,
    );
    for (const d of drift) expect(Math.abs(d)).toBeLessThanOrEqual(0.5);
    expect(sharpness).toBeGreaterThan(1.2);
  }
});

test('denoise: white noise (σ 15) goes to CBM3D, past CUnet’s best and far past the rest', async ({
  page,
}) => {
  for (const { name, clean } of await pictures()) {
    const noisy = addGaussianNoise(clean, 15, 1);
    const { image, engine } = await runOperation(page, png(`${name}-noise15`, noisy), 'denoise');
    expect([image.width, image.height]).toEqual([clean.width, clean.height]);
    expect(String(engine.method)).toMatch(/^CBM3D.*\(white noise σ 1[4-6]\.\d measured/);
    expect(engine.model).toBeUndefined();
    const before = psnr(noisy, clean);
    const after = psnr(image, clean);
    const cunet: number[] = [];
    for (const level of [0, 1, 2, 3]) cunet.push(psnr(await runCunet(level, noisy), clean));
    console.log(
      `denoise ${name}, Gaussian σ 15: noisy ${dB(before)} → app (${String(engine.method)}) ${dB(after)}; CUnet noise0..3 would give ${cunet.map(dB).join(', ')}`,
    );
    expect(after).toBeGreaterThan(before + 3);
    // CUnet's strongest level comes closest; the level the same enhancement_level picks for
    // JPEG noise (noise2) is far behind.
    expect(after).toBeGreaterThan(Math.max(...cunet) + 0.2);
    expect(after).toBeGreaterThan(cunet[2]! + 3);
  }
});

test('denoise: JPEG quality 30 goes to CUnet, which beats CBM3D', async ({ page }) => {
  for (const { name, clean } of await pictures()) {
    const jpeg = await jpegInBrowser(page, clean, 0.3);
    const input = { name: `${name}-q30.jpg`, type: 'image/jpeg', bytes: jpeg.bytes };
    const { image, engine } = await runOperation(page, input, 'denoise');
    expect(engine).toMatchObject({ model: 'waifu2x-cunet-noise2' });
    expect(String(engine.method)).toMatch(/JPEG artefacts or light noise/);
    const before = psnr(jpeg.decoded, clean);
    const after = psnr(image, clean);
    const cbm3d = psnr(runBm3d(jpeg.decoded, 0.5), clean);
    console.log(
      `denoise ${name}, JPEG q30 (${jpeg.bytes.length} bytes): JPEG ${dB(before)} → app (${String(engine.model)}) ${dB(after)}; CBM3D would give ${dB(cbm3d)}`,
    );
    expect(after).toBeGreaterThan(before + 0.5);
    // CBM3D, told the little white noise JPEG leaves (σ 1 to 1.5), changes almost nothing.
    expect(after).toBeGreaterThan(cbm3d + 0.3);
  }
});

test('denoise: the level picks the CUnet model, and the strongest removes the most', async ({
  page,
}) => {
  const clean = await readFixturePng('photo-original-128.png');
  const jpeg = await jpegInBrowser(page, clean, 0.3);
  const input = { name: 'photo-q30.jpg', type: 'image/jpeg', bytes: jpeg.bytes };
  const light = await runOperation(page, input, 'denoise', { enhancement_level: 0 });
  const strong = await runOperation(page, input, 'denoise', { enhancement_level: 1 });
  expect(light.engine.model).toBe('waifu2x-cunet-noise0');
  expect(strong.engine.model).toBe('waifu2x-cunet-noise3');
  const scores = [jpeg.decoded, light.image, strong.image].map((img) => psnr(img, clean));
  console.log(
    `denoise levels on JPEG q30: input ${dB(scores[0]!)}, level 0 ${dB(scores[1]!)}, level 1 ${dB(scores[2]!)}`,
  );
  expect(scores[1]).toBeGreaterThan(scores[0]!);
  expect(scores[2]).toBeGreaterThan(scores[1]!);

  const bad = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: {
      input_key: await uploadBytes(page, key, input.bytes, input.name, input.type),
      operations: [{ type: 'denoise', params: { enhancement_level: 1.5 } }],
    },
  });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('enhancement_level');
});

test('deblur: a photo blurred by a Gaussian of σ 1.5 gets closer to the sharp original', async ({
  page,
}) => {
  for (const { name, clean } of await photos()) {
    const blurred = gaussianBlur(clean, 1.5);
    const { image, engine } = await runOperation(page, png(`${name}-blur15`, blurred), 'deblur');
    expect([image.width, image.height]).toEqual([clean.width, clean.height]);
    expect(String(engine.method)).toMatch(/^Wiener deconvolution, Gaussian PSF σ \d\.\d\d px/);
    const before = psnr(blurred, clean, { border: 4 });
    const after = psnr(image, clean, { border: 4 });
    const sharpness = [blurred, image].map((img) => edgeSharpness(img, clean));
    console.log(
      `deblur ${name}, blurred σ 1.5: ${dB(before)} → ${dB(after)}; edge sharpness ${sharpness[0]!.toFixed(3)} → ${sharpness[1]!.toFixed(3)} (${String(engine.method)})`,
    );
    expect(after).toBeGreaterThan(before + 1.5);
    expect(sharpness[1]).toBeGreaterThan(sharpness[0]! + 0.1);
    expect(sharpness[1]).toBeLessThan(1.1); // no overshoot past the original's edges
  }
});

test('deblur: the strength scales the correction, and even 1.5 does not ring', async ({ page }) => {
  const clean = await readFixturePng('photo-original-128.png');
  const blurred = gaussianBlur(clean, 1.5);
  const input = png('photo-blur15', blurred);
  const before = psnr(blurred, clean, { border: 4 });
  const scores: string[] = [];
  let previousSigma = 0;
  for (const strength of [0.5, 1, 1.5]) {
    const { image, engine } = await runOperation(page, input, 'deblur', { strength });
    const sigma = Number(/PSF σ (\d+\.\d+) px/.exec(String(engine.method))?.[1]);
    const after = psnr(image, clean, { border: 4 });
    scores.push(`strength ${strength}: PSF σ ${sigma.toFixed(2)} px, ${dB(after)}`);
    expect(sigma).toBeGreaterThan(previousSigma);
    previousSigma = sigma;
    // Even over-corrected, the result stays closer to the original than the blurred input.
    expect(after).toBeGreaterThan(before);
  }
  console.log(`deblur strengths on the σ 1.5 photo (blurred ${dB(before)}): ${scores.join('; ')}`);
});

test('deblur: a sharp picture is left as it is, not sharpened into ringing', async ({ page }) => {
  const sharp = [
    { name: 'photo-original-128', clean: await readFixturePng('photo-original-128.png') },
    { name: 'photo-like-128-no-lens', clean: drawPhotoLike(128, 7, 0) },
    { name: 'cartoon-128', clean: drawCartoon(128) },
  ];
  for (const { name, clean } of sharp) {
    for (const strength of [1, 1.5]) {
      const { image, engine } = await runOperation(page, png(name, clean), 'deblur', { strength });
      const unchanged = psnr(image, clean);
      console.log(
        `deblur ${name} (sharp), strength ${strength}: output vs input ${dB(unchanged)} (${String(engine.method)})`,
      );
      expect(unchanged).toBeGreaterThan(40);
    }
  }
  // The photo-like picture with its 0.6 px lens blur is not sharp: deblur takes it towards the
  // same picture drawn without the lens, rather than adding ripples of its own.
  const lensFree = drawPhotoLike(128, 7, 0);
  const soft = drawPhotoLike(128, 7, 0.6);
  const { image, engine } = await runOperation(page, png('photo-like-128', soft), 'deblur');
  const before = psnr(soft, lensFree, { border: 4 });
  const after = psnr(image, lensFree, { border: 4 });
  console.log(
    `deblur photo-like-128 (0.6 px lens blur) vs the lens-free drawing: ${dB(before)} → ${dB(after)} (${String(engine.method)})`,
  );
  expect(after).toBeGreaterThan(before);
});

test('all three keep transparency, alpha not binarised', async ({ page }) => {
  // The photo with an alpha that falls from opaque at the top to 40% at the bottom. (Lower, and
  // the browser's premultiplied decode leaves the RGB too coarse to measure blur or noise on.)
  const photo = await readFixturePng('photo-original-128.png');
  const size = photo.width;
  const withAlpha = (img: RgbaImage) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        img.data[(y * size + x) * 4 + 3] = 255 - Math.round((y * 153) / (size - 1));
      }
    }
    return img;
  };
  const noisy = withAlpha(addGaussianNoise(photo, 12, 3));
  const blurred = withAlpha(gaussianBlur(photo, 1.5));
  const alphaOf = (img: RgbaImage) => {
    const alpha = createImage(img.width, img.height);
    for (let i = 0; i < img.width * img.height; i++) {
      const a = img.data[i * 4 + 3]!;
      alpha.data.set([a, a, a, 255], i * 4);
    }
    return alpha;
  };
  for (const [type, input] of [
    ['denoise', noisy],
    ['deblur', blurred],
  ] as const) {
    const { image, engine } = await runOperation(page, png(`alpha-${type}`, input), type);
    expect(String(engine.method)).toMatch(/^(CBM3D|Wiener)/);
    expect(alphaOf(image).data).toEqual(alphaOf(input).data);
  }
  // A 64 px version for the ×4 model: one tile, and the same ramp of alpha.
  const small = downscaleArea(noisy, 2);
  const { image } = await runOperation(page, png('alpha-anime', small), 'enhance-anime');
  const expected = resizeBicubic(alphaOf(small), 2 * size, 2 * size);
  const alphaPsnr = psnr(alphaOf(image), expected, { border: 4 });
  const levels = new Set<number>();
  for (let i = 3; i < image.data.length; i += 4) levels.add(image.data[i]!);
  console.log(`enhance-anime alpha vs bicubic alpha: ${dB(alphaPsnr)}, ${levels.size} levels`);
  expect(alphaPsnr).toBeGreaterThan(35);
  expect(levels.size).toBeGreaterThan(100);
});
