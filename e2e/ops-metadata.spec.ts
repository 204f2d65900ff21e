import { type Page, expect, test } from '@playwright/test';
import { createKey, openControlled } from './support/api.ts';
import { type RgbaImage, createImage, decodePng, encodePng } from './support/images.ts';
import { runOperationsJob, uploadBytes } from './support/ops.ts';
import { exifOrientation, readMetadata, writeMetadata } from '../src/media/metadata.ts';
import { applyOrientation } from '../src/media/orientation.ts';
import {
  expected as tiffPixels,
  height as tiffHeight,
  tiff,
  width as tiffWidth,
} from '../src/media/tiff-fixture.ts';

// Images as people have them, through convert (the cheapest operation) in real Chromium: exact
// colours under near-zero alpha, every EXIF orientation turned upright with the EXIF and ICC
// profile carried to the output, and TIFF input.

let key = '';

test.beforeEach(async ({ page }) => {
  await openControlled(page);
  key = await createKey(page, 'EnhanceCraft (sk_live_…)');
});

const toPng = [{ type: 'convert', params: { output_format: 'png' } }];

test('a pixel at alpha 1 keeps its exact colour through convert png → png', async ({ page }) => {
  const source = createImage(8, 2);
  const alphas = [1, 2, 3, 17, 128, 254, 255, 0];
  for (let i = 0; i < 16; i++)
    source.data.set([200 - i, 100 + i, 50 + 3 * i, alphas[i % 8]!], i * 4);
  // A fully transparent pixel's colour is not kept by every PNG writer (oxipng may clear it).
  const input = await uploadBytes(page, key, encodePng(source), 'faint-pixels.png');
  const out = await runOperationsJob(page, key, input, toPng);
  expect(out.status, String(out.error)).toBe('completed');
  const result = decodePng(out.bytes);
  for (let i = 0; i < 16; i++) {
    if (alphas[i % 8] === 0) continue;
    expect(Array.from(result.data.subarray(i * 4, i * 4 + 4)), `pixel ${i}`).toEqual(
      Array.from(source.data.subarray(i * 4, i * 4 + 4)),
    );
  }
});

/** Upright test picture: four quadrants red, green, blue, white, so any turn or flip shows. */
function quadrants(width: number, height: number): RgbaImage {
  const img = createImage(width, height);
  const colours = [
    [220, 30, 30],
    [30, 200, 40],
    [30, 40, 220],
    [240, 240, 240],
  ];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      img.data.set([...colours[q]!, 255], (y * width + x) * 4);
    }
  return img;
}

/** EXIF (little-endian TIFF) with an orientation and a GPS IFD holding latitude ref "S". */
function exifWith(orientation: number): Uint8Array {
  const b = new Uint8Array(8 + 2 + 2 * 12 + 4 + 2 + 12 + 4);
  const v = new DataView(b.buffer);
  b.set([0x49, 0x49, 0x2a, 0]);
  v.setUint32(4, 8, true);
  v.setUint16(8, 2, true);
  v.setUint16(10, 0x0112, true);
  v.setUint16(12, 3, true);
  v.setUint32(14, 1, true);
  v.setUint16(18, orientation, true);
  v.setUint16(22, 0x8825, true);
  v.setUint16(24, 4, true);
  v.setUint32(26, 1, true);
  v.setUint32(30, 38, true);
  v.setUint16(38, 1, true);
  v.setUint16(40, 1, true);
  v.setUint16(42, 2, true);
  v.setUint32(44, 2, true);
  b.set([0x53, 0], 48);
  return b;
}

/** A stand-in ICC profile: the decoder ignores it (no colour conversion); it must reach the output. */
const profile = Uint8Array.from({ length: 600 }, (_, i) => (i * 5) & 0xff);

async function jpegInPage(page: Page, png: Uint8Array): Promise<Uint8Array> {
  const base64 = await page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(
      new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]),
    );
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    const bytes = new Uint8Array(
      await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer(),
    );
    return btoa(String.fromCharCode(...bytes));
  }, Buffer.from(png).toString('base64'));
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

function meanOf(img: RgbaImage, x0: number, y0: number, w: number, h: number): number[] {
  const sum = [0, 0, 0];
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++)
      for (let c = 0; c < 3; c++) sum[c]! += img.data[(y * img.width + x) * 4 + c]!;
  return sum.map((s) => Math.round(s / (w * h)));
}

test('every EXIF orientation comes out upright, with the EXIF (orientation 1, GPS) and ICC kept', async ({
  page,
}) => {
  const upright = quadrants(32, 16);
  // Stored pixels that orientation o turns into `upright`: 6 and 8 undo each other, the rest themselves.
  const undo: Record<number, number> = { 6: 8, 8: 6 };
  for (let o = 1; o <= 8; o++) {
    const stored = applyOrientation(upright, undo[o] ?? o);
    const jpeg = writeMetadata(await jpegInPage(page, encodePng(stored)), {
      exif: exifWith(o),
      icc: profile,
    });
    const input = await uploadBytes(page, key, jpeg, `orientation-${o}.jpg`, 'image/jpeg');
    const out = await runOperationsJob(page, key, input, toPng);
    expect(out.status, `${o}: ${out.error}`).toBe('completed');
    const result = decodePng(out.bytes);
    expect([result.width, result.height], `orientation ${o}`).toEqual([32, 16]);
    // Each quadrant's centre keeps its colour (JPEG moves it a little).
    for (const [x, y] of [
      [4, 2],
      [20, 2],
      [4, 10],
      [20, 10],
    ]) {
      const got = meanOf(result, x!, y!, 8, 4);
      const want = meanOf(upright, x!, y!, 8, 4);
      got.forEach((g, c) =>
        expect(Math.abs(g - want[c]!), `orientation ${o} at ${x},${y}`).toBeLessThan(24),
      );
    }
    const meta = readMetadata(out.bytes);
    expect(exifOrientation(meta.exif), `orientation ${o}`).toBe(1);
    expect(new TextDecoder().decode(meta.exif!.subarray(48, 50))).toBe('S\0');
    expect(meta.icc).toEqual(profile);
  }
});

test('TIFF input (LZW 8-bit RGBA, Deflate 16-bit RGB, grey) converts exactly', async ({ page }) => {
  const cases = [
    { bits: 8, samples: 4, compression: 'lzw' },
    { bits: 16, samples: 3, compression: 'deflate' },
    { bits: 8, samples: 1, compression: 'none' },
  ] as const;
  for (const layout of cases) {
    const name = `${layout.bits}-bit-${layout.samples}-samples-${layout.compression}.tif`;
    const input = await uploadBytes(page, key, tiff(layout), name, 'image/tiff');
    const out = await runOperationsJob(page, key, input, toPng);
    expect(out.status, `${name}: ${out.error}`).toBe('completed');
    const result = decodePng(out.bytes);
    expect([result.width, result.height]).toEqual([tiffWidth, tiffHeight]);
    expect(Array.from(result.data), name).toEqual(tiffPixels(layout.samples));
  }
});
