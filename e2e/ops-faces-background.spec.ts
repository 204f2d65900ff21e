import { type Page, expect, test } from '@playwright/test';
import {
  alphaOf,
  fabric,
  laplacianEnergy,
  maskIoU,
  maskRegions,
  pasteDisk,
} from './support/background-scenes.ts';
import { call, createKey, openControlled } from './support/api.ts';
import {
  type Operation,
  decodeInPage,
  runOperationsJob,
  storedJob,
  uploadBytes,
} from './support/ops.ts';
import { readFixturePng } from './support/app.ts';
import { type RgbaImage, blockiness, encodePng, meanGradient, psnr } from './support/images.ts';
import { type FaceSceneSpec, renderFaces } from './support/synthetic-face.ts';

// The face and background operations of the operations dialect, through the real service worker,
// each measured on its output. ISNet runs at 1024² (10–30 s on WASM here); the background tests
// share one page, as a person trying several backgrounds on one photo would, so the engine runs
// ISNet for the first and reuses that matte for the rest (each test still checks its own output).

const ISNET_TIMEOUT = 240_000;

let key = '';

/** Runs a job to completion and decodes its output in the page (PNG or JPEG). */
async function runJob(page: Page, inputKey: string, operations: Operation[], timeout = 90_000) {
  const done = await runOperationsJob(page, key, inputKey, operations, timeout);
  expect(done.error).toBeNull();
  expect(done.status).toBe('completed');
  return { ...done, output: await decodeInPage(page, done.bytes) };
}

const engineOf = async (page: Page, id: string) => (await storedJob(page, id)).engine;

/** A disk cut from the hibiscus photo, enlarged, pasted off-centre over woven fabric: 256². */
async function flowerScene() {
  const photo = await readFixturePng('photo-original-128.png');
  return pasteDisk(photo, fabric(256, 256), { cx: 62, cy: 62, r: 44, scale: 1.5, px: 100, py: 70 });
}

test.describe('background operations on one photo', () => {
  test.describe.configure({ mode: 'serial' });
  let page: Page;

  test.beforeAll(async ({ browser }, testInfo) => {
    page = await browser.newPage({ baseURL: testInfo.project.use.baseURL });
    await openControlled(page);
    key = await createKey(page, 'EnhanceCraft (sk_live_…)');
  });

  test.afterAll(async () => {
    await page.close();
  });

  /** Every test here starts from the same flower-on-fabric scene, uploaded; ISNet is slow. */
  async function uploadScene() {
    test.setTimeout(ISNET_TIMEOUT);
    const scene = await flowerScene();
    const input = await uploadBytes(page, key, encodePng(scene.image), 'flower-disk-on-fabric.png');
    return { scene, input };
  }

  test('remove-background: the matte matches the known mask (IoU ≥ 0.9) with soft edges', async () => {
    const { scene, input } = await uploadScene();
    const done = await runJob(page, input, [{ type: 'remove-background', params: {} }], 200_000);
    expect(done.contentType).toBe('image/png');
    expect([done.output.width, done.output.height]).toEqual([256, 256]);
    const alpha = alphaOf(done.output);
    const iou = maskIoU(alpha, scene.mask);
    const { edge, subject, background } = maskRegions(scene.mask, 256, 256, 2);
    let soft = 0;
    let subjectAlpha = 0;
    let subjectCount = 0;
    let backgroundAlpha = 0;
    let backgroundCount = 0;
    for (let i = 0; i < alpha.length; i++) {
      const a = alpha[i]!;
      if (edge[i] && a > 0.04 && a < 0.96) soft++;
      if (subject[i]) [subjectAlpha, subjectCount] = [subjectAlpha + a, subjectCount + 1];
      if (background[i])
        [backgroundAlpha, backgroundCount] = [backgroundAlpha + a, backgroundCount + 1];
    }
    console.log(
      `remove-background: IoU ${iou.toFixed(4)}, ${soft} soft edge pixels, mean alpha subject ${(subjectAlpha / subjectCount).toFixed(4)} background ${(backgroundAlpha / backgroundCount).toFixed(4)}`,
    );
    expect(iou).toBeGreaterThanOrEqual(0.9);
    expect(soft).toBeGreaterThan(100);
    expect(subjectAlpha / subjectCount).toBeGreaterThan(0.97);
    expect(backgroundAlpha / backgroundCount).toBeLessThan(0.03);
    const engine = await engineOf(page, done.id);
    expect(engine).toMatchObject({ model: 'isnet' });
    expect(String(engine.method)).toContain('blur-fusion');
  });

  test('remove-background output_format jpg: the subject on white, as a JPEG', async () => {
    const { scene, input } = await uploadScene();
    const done = await runJob(
      page,
      input,
      [{ type: 'remove-background', params: { output_format: 'jpg' } }],
      200_000,
    );
    expect(done.contentType).toBe('image/jpeg');
    expect([...done.bytes.slice(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    // The same photo as the test before: the engine reused its matte instead of rerunning ISNet.
    expect(String((await engineOf(page, done.id)).method)).toMatch(/reused from the previous job/);
    const out = done.output;
    const { subject, background } = maskRegions(scene.mask, 256, 256, 3);
    let whiteError = 0;
    let whiteCount = 0;
    let subjectError = 0;
    let subjectCount = 0;
    for (let i = 0; i < scene.mask.length; i++) {
      for (let c = 0; c < 3; c++) {
        const o = i * 4 + c;
        if (background[i])
          [whiteError, whiteCount] = [whiteError + 255 - out.data[o]!, whiteCount + 1];
        if (subject[i]) {
          subjectError += Math.abs(out.data[o]! - scene.image.data[o]!);
          subjectCount++;
        }
      }
    }
    console.log(
      `remove-background jpg: mean distance from white ${(whiteError / whiteCount).toFixed(3)}, subject mean |Δ| ${(subjectError / subjectCount).toFixed(3)} (JPEG q90)`,
    );
    expect(whiteError / whiteCount).toBeLessThan(1);
    expect(subjectError / subjectCount).toBeLessThan(4);
  });

  test('replace-background color: that colour where the mask is 0, the subject where it is 1', async () => {
    const { scene, input } = await uploadScene();
    const done = await runJob(
      page,
      input,
      [
        {
          type: 'replace-background',
          params: { background_type: 'color', background_color: '#20C040' },
        },
      ],
      200_000,
    );
    const out = done.output;
    expect([out.width, out.height]).toEqual([256, 256]);
    const { subject, background } = maskRegions(scene.mask, 256, 256, 3);
    let worstBackground = 0;
    let worstSubject = 0;
    let subjectError = 0;
    let subjectCount = 0;
    let transparent = 0;
    for (let i = 0; i < scene.mask.length; i++) {
      const o = i * 4;
      if (out.data[o + 3] !== 255) transparent++;
      if (background[i]) {
        const d = Math.max(
          Math.abs(out.data[o]! - 0x20),
          Math.abs(out.data[o + 1]! - 0xc0),
          Math.abs(out.data[o + 2]! - 0x40),
        );
        worstBackground = Math.max(worstBackground, d);
      }
      if (subject[i]) {
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(out.data[o + c]! - scene.image.data[o + c]!);
          worstSubject = Math.max(worstSubject, d);
          subjectError += d;
          subjectCount++;
        }
      }
    }
    console.log(
      `replace-background color: worst background |Δ| ${worstBackground}, subject mean |Δ| ${(subjectError / subjectCount).toFixed(3)} worst ${worstSubject}`,
    );
    expect(transparent).toBe(0);
    expect(worstBackground).toBeLessThanOrEqual(3);
    expect(subjectError / subjectCount).toBeLessThan(1);
    expect(worstSubject).toBeLessThanOrEqual(12);
  });

  test('replace-background image: another upload behind the subject; a prompt is a 400', async () => {
    const { scene, input } = await uploadScene();
    // A backdrop of another size: it is scaled to cover 256² (×2 from 128², nothing cropped).
    const backdrop: RgbaImage = { width: 128, height: 128, data: new Uint8Array(128 * 128 * 4) };
    for (let i = 0; i < 128 * 128; i++) {
      const x = i % 128;
      backdrop.data.set([200, 2 * x, 255 - 2 * x, 255], i * 4);
    }
    const backdropKey = await uploadBytes(page, key, encodePng(backdrop), 'gradient-backdrop.png');

    const prompt = await call(page, 'POST', '/api/v1/jobs/api', {
      key,
      json: {
        input_key: input,
        operations: [
          {
            type: 'replace-background',
            params: { background_type: 'prompt', background_prompt: 'a beach at dusk' },
          },
        ],
      },
    });
    expect(prompt.status).toBe(400);
    expect(String((prompt.body as { detail: string }).detail)).toMatch(/text-to-image model/);
    for (const params of [
      { background_type: 'color' },
      { background_type: 'image', background_image_key: 'uploads/nobody/missing.png' },
      { background_type: 'color', background_color: 'green' },
    ]) {
      const bad = await call(page, 'POST', '/api/v1/jobs/api', {
        key,
        json: { input_key: input, operations: [{ type: 'replace-background', params }] },
      });
      expect(bad.status, JSON.stringify(params)).toBe(400);
    }

    const done = await runJob(
      page,
      input,
      [
        {
          type: 'replace-background',
          params: { background_type: 'image', background_image_key: backdropKey },
        },
      ],
      200_000,
    );
    const out = done.output;
    const { subject, background } = maskRegions(scene.mask, 256, 256, 3);
    let backgroundError = 0;
    let backgroundCount = 0;
    let subjectError = 0;
    let subjectCount = 0;
    for (let i = 0; i < scene.mask.length; i++) {
      const o = i * 4;
      const x = i % 256;
      if (background[i]) {
        // The backdrop enlarged ×2: its green ramps 2 per backdrop pixel, 1 per output pixel.
        const expected = [200, x - 0.5, 255 - (x - 0.5)];
        for (let c = 0; c < 3; c++) backgroundError += Math.abs(out.data[o + c]! - expected[c]!);
        backgroundCount += 3;
      }
      if (subject[i]) {
        for (let c = 0; c < 3; c++)
          subjectError += Math.abs(out.data[o + c]! - scene.image.data[o + c]!);
        subjectCount += 3;
      }
    }
    console.log(
      `replace-background image: mean |Δ| background ${(backgroundError / backgroundCount).toFixed(3)}, subject ${(subjectError / subjectCount).toFixed(3)}`,
    );
    expect(backgroundError / backgroundCount).toBeLessThan(2);
    expect(subjectError / subjectCount).toBeLessThan(1);
  });

  test('blur-background: high frequencies drop behind the subject, stay in it, no halo', async () => {
    const { scene, input } = await uploadScene();
    const done = await runJob(
      page,
      input,
      [{ type: 'blur-background', params: { blur_radius: 6 } }],
      200_000,
    );
    const out = done.output;
    expect([out.width, out.height]).toEqual([256, 256]);
    const { subject, background } = maskRegions(scene.mask, 256, 256, 3);
    const before = {
      subject: laplacianEnergy(scene.image, subject),
      background: laplacianEnergy(scene.image, background),
    };
    const after = {
      subject: laplacianEnergy(out, subject),
      background: laplacianEnergy(out, background),
    };
    // A halo is the red subject smeared outward: the ring 4–10 px outside the disk must keep the
    // fabric's blue-grey (R − B about −30), not turn towards the flower's red.
    const near = maskRegions(scene.mask, 256, 256, 4).background;
    const far = maskRegions(scene.mask, 256, 256, 10).background;
    let ringRedness = 0;
    let ringCount = 0;
    for (let i = 0; i < scene.mask.length; i++) {
      if (!near[i] || far[i]) continue;
      ringRedness += out.data[i * 4]! - out.data[i * 4 + 2]!;
      ringCount++;
    }
    console.log(
      `blur-background σ=6: Laplacian energy background ${before.background.toFixed(1)} → ${after.background.toFixed(1)}, subject ${before.subject.toFixed(1)} → ${after.subject.toFixed(1)}; ring R−B ${(ringRedness / ringCount).toFixed(2)}`,
    );
    expect(after.background).toBeLessThan(before.background * 0.1);
    expect(after.subject).toBeGreaterThan(before.subject * 0.9);
    expect(ringRedness / ringCount).toBeLessThan(-20);
  });
});

test.describe('faces and saliency', () => {
  test.beforeEach(async ({ page }) => {
    await openControlled(page);
    key = await createKey(page, 'EnhanceCraft (sk_live_…)');
  });

  test('smart-crop: exact ratios, the salient patch inside, faces kept against saliency', async ({
    page,
  }) => {
    // Flat grey with a bright, detailed patch well right of centre.
    const width = 256;
    const height = 160;
    const patch = { x: 190, y: 50, width: 40, height: 40 };
    const flat: RgbaImage = { width, height, data: new Uint8Array(width * height * 4) };
    let patchPixels = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside =
          x >= patch.x && x < patch.x + patch.width && y >= patch.y && y < patch.y + patch.height;
        const v = inside ? (((x >> 1) + (y >> 1)) % 2 ? 255 : 160) : 100;
        flat.data.set([v, inside ? 230 : 100, v, 255], (y * width + x) * 4);
        if (inside) patchPixels++;
      }
    }
    const input = await uploadBytes(page, key, encodePng(flat), 'bright-patch-right-of-centre.png');
    const expected: Record<string, [number, number]> = {
      '1:1': [160, 160],
      '4:3': [213, 160],
      '16:9': [256, 144],
      '9:16': [90, 160],
      '3:2': [240, 160],
      '2:3': [107, 160],
    };
    for (const [ratio, size] of Object.entries(expected)) {
      const done = await runJob(page, input, [
        { type: 'smart-crop', params: { aspect_ratio: ratio, padding_percent: 10 } },
      ]);
      const { width: w, height: h, data } = done.output;
      expect([w, h], ratio).toEqual(size);
      const [rw, rh] = ratio.split(':').map(Number) as [number, number];
      expect(Math.abs(w - (h * rw) / rh) <= 1 || Math.abs(h - (w * rh) / rw) <= 1, ratio).toBe(
        true,
      );
      // Every patch pixel (green 230) is in the crop.
      let found = 0;
      for (let i = 0; i < w * h; i++) if (data[i * 4 + 1] === 230) found++;
      expect(found, ratio).toBe(patchPixels);
    }

    // A face on the left and the same kind of patch on the right: a 9:16 crop cannot hold both,
    // and it holds the face.
    const faces: FaceSceneSpec = {
      width: 320,
      height: 200,
      faces: [[70, 90, 56]],
      patch: { x: 250, y: 70, width: 40, height: 40 },
    };
    const facePng = await page.evaluate(renderFaces, faces);
    const faceInput = await uploadBytes(
      page,
      key,
      Uint8Array.from(facePng),
      'face-left-patch-right.png',
    );
    const done = await runJob(page, faceInput, [
      { type: 'smart-crop', params: { aspect_ratio: '9:16', padding_percent: 10 } },
    ]);
    expect([done.output.width, done.output.height]).toEqual([113, 200]);
    const engine = await engineOf(page, done.id);
    console.log(`smart-crop with a face: ${String(engine.method)}`);
    expect(String(engine.method)).toMatch(/faces: 1 by face-detect-full \+ face-detect-short/);
    expect(String(engine.method)).toMatch(/kept in the crop: padded/);
    const x = Number(/at \((\d+), 0\)/.exec(String(engine.method))?.[1]);
    expect(x).toBeLessThanOrEqual(70 - 0.47 * 56); // the drawn face's left edge
    expect(x + 113).toBeGreaterThanOrEqual(70 + 0.47 * 56);
  });

  test('enhance-face: faces found, restored in place, the rest untouched; no face → unchanged', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const spec: FaceSceneSpec = {
      width: 320,
      height: 200,
      faces: [
        [90, 90, 70],
        [230, 100, 80],
      ],
    };
    const png = await page.evaluate(renderFaces, spec);
    const input = await uploadBytes(page, key, Uint8Array.from(png), 'two-synthetic-faces.png');
    const original = await page.evaluate(async (bytes) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
      const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      return [...context.getImageData(0, 0, bitmap.width, bitmap.height).data];
    }, png);
    const done = await runJob(
      page,
      input,
      [{ type: 'enhance-face', params: { enhancement_level: 1 } }],
      150_000,
    );
    const out = done.output;
    expect([out.width, out.height]).toEqual([320, 200]);
    const engine = await engineOf(page, done.id);
    console.log(`enhance-face engine: ${JSON.stringify(engine)}`);
    expect(String(engine.method)).toMatch(/^2 face\(s\)/);
    expect(String(engine.model)).toBe('realesr-general-x4v3');
    // Mean change inside each face (around its eyes and mouth) versus far from both faces.
    const meanChange = (x0: number, y0: number, x1: number, y1: number) => {
      let sum = 0;
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          for (let c = 0; c < 3; c++) {
            const o = (y * 320 + x) * 4 + c;
            sum += Math.abs(out.data[o]! - original[o]!);
            n++;
          }
        }
      }
      return sum / n;
    };
    const faceA = meanChange(70, 75, 110, 115);
    const faceB = meanChange(205, 85, 255, 130);
    const corner = meanChange(0, 170, 30, 200);
    const top = meanChange(140, 0, 180, 12);
    console.log(
      `enhance-face: mean |Δ| face A ${faceA.toFixed(2)}, face B ${faceB.toFixed(2)}, outside ${corner.toFixed(3)} / ${top.toFixed(3)}`,
    );
    expect(faceA).toBeGreaterThan(0.5);
    expect(faceB).toBeGreaterThan(0.5);
    expect(corner).toBe(0);
    expect(top).toBe(0);

    const noFace = await uploadBytes(page, key, encodePng(fabric(96, 64)), 'fabric-no-face.png');
    const unchanged = await runJob(page, noFace, [{ type: 'enhance-face', params: {} }]);
    // Byte for byte the file that was uploaded (one comparison, not one expect per byte).
    expect(Buffer.from(unchanged.bytes).equals(Buffer.from(encodePng(fabric(96, 64))))).toBe(true);
    const note = await engineOf(page, unchanged.id);
    expect(String(note.method)).toMatch(/no face found .*returned unchanged/);
  });

  test('enhance-face with its defaults makes a soft, JPEG-compressed real portrait better, not worse', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const original = await readFixturePng('portrait-astronaut-192.png');
    // As phones and messengers deliver portraits: slightly out of focus, then JPEG quality 50.
    const jpeg = await page.evaluate(
      async (bytes) => {
        const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.filter = 'blur(1px)';
        context.drawImage(bitmap, 0, 0);
        const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.5 });
        return [...new Uint8Array(await blob.arrayBuffer())];
      },
      [...encodePng(original)],
    );
    const input = await decodeInPage(page, Uint8Array.from(jpeg));
    const inputKey = await uploadBytes(page, key, Uint8Array.from(jpeg), 'soft-portrait.jpg');
    const done = await runJob(page, inputKey, [{ type: 'enhance-face', params: {} }], 150_000);
    const engine = await engineOf(page, done.id);
    console.log(`enhance-face on a real portrait: ${JSON.stringify(engine)}`);
    expect(String(engine.method)).toMatch(/^1 face\(s\)/);
    const out = done.output;
    const score = (image: RgbaImage) => ({
      psnr: psnr(image, original, { border: 4 }),
      sharpness: meanGradient(image) / meanGradient(original),
      blockiness: blockiness(image, 8),
    });
    const before = score(input);
    const after = score(out);
    console.log(
      `enhance-face, soft q50 portrait: PSNR ${before.psnr.toFixed(2)} → ${after.psnr.toFixed(2)} dB, sharpness ${before.sharpness.toFixed(3)} → ${after.sharpness.toFixed(3)}, blockiness ${before.blockiness.toFixed(3)} → ${after.blockiness.toFixed(3)}`,
    );
    expect(after.psnr).toBeGreaterThan(before.psnr - 0.2);
    expect(after.sharpness).toBeGreaterThan(before.sharpness);
    expect(after.blockiness).toBeLessThan(before.blockiness);
  });
});
