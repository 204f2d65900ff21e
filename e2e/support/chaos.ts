import { type Page, expect, test } from '@playwright/test';
import { zlibSync } from 'fflate';
import type { LimitsOverrides } from '../../src/api/limits-config.ts';
import { call } from './api.ts';
import { printSummary, recordPart } from './chaos-figures.ts';
import type { WireRequest } from './chaos-requests.ts';

/*
 * Browser-side helpers of the chaos suite: raw IndexedDB reads, requests sent from inside the
 * page (so they reach the real service worker), and hand-made image files (bombs, 16-bit,
 * animated, EXIF orientations).
 */

/** A job as the store keeps it: what the fault specs check. */
export interface StoredJob {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  output: { key: string } | null;
}

/**
 * A fault spec's tally, recorded into the suite's figures after its tests: each scenario counts as
 * survived once its expectations held. Call at the top level of a spec.
 */
export function faultTally(part: string) {
  const figures = { faults_tried: 0, faults_survived: 0, jobs_lost: 0 };
  const notes: string[] = [];
  test.afterAll(async () => {
    await recordPart(part, figures, notes);
    await printSummary();
  });
  async function scenario(name: string, run: () => Promise<void>): Promise<void> {
    figures.faults_tried++;
    await test.step(name, run);
    figures.faults_survived++;
  }
  return { figures, notes, scenario };
}

/** Every record of one object store of the app's database, read directly. */
export function idbAll<T = unknown>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(async (store) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all as T[];
  }, store);
}

/** Writes the rate-limit overrides Settings would write (the service worker reads them per request). */
export async function setLimits(page: Page, overrides: LimitsOverrides): Promise<void> {
  await page.evaluate(async (overrides) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put(overrides, 'limits');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, overrides);
}

/** Limits high enough that a test's own polling is never what it measures. */
export const generousLimits: LimitsOverrides = {
  dialects: {
    restorations: { perMinute: 100_000 },
    operations: { perMinute: 100_000, perMonth: null },
    upscale: { perMinute: 100_000, monthlyQuota: null },
    video: { perMinute: 100_000 },
  },
};

export interface WireAnswer {
  status: number;
  body: unknown;
  /** Set when the browser refused to send it at all (e.g. a header value fetch rejects). */
  thrown?: string;
}

/** Sends generated requests from inside the page, one after another, with the given key. */
export function sendWire(page: Page, requests: WireRequest[], key: string): Promise<WireAnswer[]> {
  return page.evaluate(
    async ({ requests, key }) => {
      const answers: WireAnswer[] = [];
      for (const r of requests) {
        try {
          const headers = new Headers();
          for (const [k, v] of r.headers) {
            try {
              headers.set(k, v);
            } catch {
              // a value Headers refuses is never sent by a browser either
            }
          }
          headers.set('authorization', `Bearer ${key}`);
          let body: BodyInit | undefined;
          if (r.body && 'text' in r.body) body = r.body.text;
          else if (r.body) {
            const form = new FormData();
            for (const [name, value] of r.body.form) {
              if (typeof value === 'string') form.append(name, value);
              else form.append(name, new Blob([new Uint8Array(value.bytes)]), value.filename);
            }
            body = form;
            headers.delete('content-type');
          }
          const hasBody = body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
          const response = await fetch(r.path, {
            method: r.method,
            headers,
            body: hasBody ? body : undefined,
          });
          const text = await response.text();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text, and the test says so
          }
          answers.push({ status: response.status, body: parsed });
        } catch (error) {
          answers.push({ status: 0, body: null, thrown: String(error) });
        }
      }
      return answers;
    },
    { requests, key },
  );
}

/** Uploads a file through the operations dialect and converts it to PNG; returns the job id. */
export async function convertJob(
  page: Page,
  key: string,
  bytes: Uint8Array,
  name: string,
): Promise<{ upload: { status: number; body: unknown }; id?: string }> {
  const upload = await page.evaluate(
    async ({ bytes, name, key }) => {
      const form = new FormData();
      form.append('file', new File([new Uint8Array(bytes)], name));
      const response = await fetch('/api/v1/upload/api', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}` },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
    { bytes: [...bytes], name, key },
  );
  if (upload.status !== 200) return { upload };
  const job = await call(page, 'POST', '/api/v1/jobs/api', {
    key,
    json: {
      input_key: (upload.body as { storage_key: string }).storage_key,
      operations: [{ type: 'convert', params: { output_format: 'png' } }],
    },
  });
  expect(job.status, JSON.stringify(job.body)).toBe(200);
  return { upload, id: (job.body as { id: string }).id };
}

export interface OperationsJob {
  id: string;
  status: string;
  output_url: string | null;
  error_message: string | null;
}

/** Polls an operations job until it is completed or failed. */
export async function settled(page: Page, key: string, id: string, timeout = 60_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const answer = await call(page, 'GET', `/api/v1/jobs/api/${id}`, { key });
    expect(answer.status).toBe(200);
    const job = answer.body as OperationsJob;
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status}`);
    await page.waitForTimeout(300);
  }
}

/** Encodes a picture in the page with the browser's own encoders (JPEG, WebP, PNG). */
export function browserImage(
  page: Page,
  width: number,
  height: number,
  type: 'image/jpeg' | 'image/webp' | 'image/png',
): Promise<Uint8Array> {
  return page
    .evaluate(
      async ({ width, height, type }) => {
        // Red top-left quadrant on blue: where the red ends up tells the orientation.
        const canvas = new OffscreenCanvas(width, height);
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#0000ff';
        g.fillRect(0, 0, width, height);
        g.fillStyle = '#ff0000';
        g.fillRect(0, 0, width / 2, height / 2);
        const blob = await canvas.convertToBlob({ type, quality: 0.95 });
        return [...new Uint8Array(await blob.arrayBuffer())];
      },
      { width, height, type },
    )
    .then((bytes) => Uint8Array.from(bytes));
}

const text = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be16 = (v: number) => [(v >>> 8) & 255, v & 255];
const le16 = (v: number) => [v & 255, (v >>> 8) & 255];
const le24 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255];
const le32 = (v: number) => [...le16(v & 0xffff), ...le16(v >>> 16)];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: number[]): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 255] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: number[]): number[] {
  const body = [...text(type), ...data];
  return [...be32(data.length), ...body, ...be32(crc32(body))];
}

const pngSignature = [0x89, ...text('PNG\r\n\x1a\n')];

function ihdr(width: number, height: number, depth: number, colorType: number): number[] {
  return chunk('IHDR', [...be32(width), ...be32(height), depth, colorType, 0, 0, 0]);
}

/** Rows of RGB pixels from `pixel(x, y)`, at 8 or 16 bits, each row with filter 0, deflated. */
function idat(
  width: number,
  height: number,
  depth: 8 | 16,
  pixel: (x: number, y: number) => number[],
) {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) {
      for (const v of pixel(x, y)) rows.push(...(depth === 16 ? be16(v * 257) : [v]));
    }
  }
  return [...zlibSync(Uint8Array.from(rows))];
}

/** A real 16-bit RGB PNG: red top-left quadrant on blue. */
export function png16(width: number, height: number): Uint8Array {
  const pixel = (x: number, y: number) =>
    x < width / 2 && y < height / 2 ? [255, 0, 0] : [0, 0, 255];
  return Uint8Array.from([
    ...pngSignature,
    ...ihdr(width, height, 16, 2),
    ...chunk('IDAT', idat(width, height, 16, pixel)),
    ...chunk('IEND', []),
  ]);
}

/** A two-frame animated PNG: the first frame (the default image) red, the second green. */
export function apng(width: number, height: number): Uint8Array {
  const frame = (seq: number) => [
    ...be32(seq),
    ...be32(width),
    ...be32(height),
    ...be32(0),
    ...be32(0),
    ...be16(1),
    ...be16(10),
    0,
    0,
  ];
  return Uint8Array.from([
    ...pngSignature,
    ...ihdr(width, height, 8, 2),
    ...chunk('acTL', [...be32(2), ...be32(0)]),
    ...chunk('fcTL', frame(0)),
    ...chunk(
      'IDAT',
      idat(width, height, 8, () => [255, 0, 0]),
    ),
    ...chunk('fcTL', frame(1)),
    ...chunk('fdAT', [...be32(2), ...idat(width, height, 8, () => [0, 255, 0])]),
    ...chunk('IEND', []),
  ]);
}

/**
 * A two-frame animated WebP (VP8X + ANIM + two ANMF frames) made from two still WebP files of the
 * same size, as the browser encodes them: each still's image chunks become one frame's data.
 */
export function animatedWebp(frames: Uint8Array[], width: number, height: number): Uint8Array {
  const chunks = (file: Uint8Array): number[] => {
    // RIFF <size> WEBP, then chunks: keep the image data (VP8/VP8L, and ALPH before a VP8).
    const out: number[] = [];
    for (let at = 12; at + 8 <= file.length;) {
      const id = String.fromCharCode(...file.subarray(at, at + 4));
      const size =
        file[at + 4]! | (file[at + 5]! << 8) | (file[at + 6]! << 16) | (file[at + 7]! << 24);
      const end = at + 8 + size + (size & 1);
      if (id === 'VP8 ' || id === 'VP8L' || id === 'ALPH') out.push(...file.subarray(at, end));
      at = end;
    }
    return out;
  };
  const riffChunk = (id: string, body: number[]) => [
    ...text(id),
    ...le32(body.length),
    ...body,
    ...(body.length & 1 ? [0] : []),
  ];
  const body = [
    ...text('WEBP'),
    ...riffChunk('VP8X', [0x02, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]),
    ...riffChunk('ANIM', [...le32(0), ...le16(0)]),
    ...frames.flatMap((frame) =>
      riffChunk('ANMF', [
        ...le24(0),
        ...le24(0),
        ...le24(width - 1),
        ...le24(height - 1),
        ...le24(100),
        0,
        ...chunks(frame),
      ]),
    ),
  ];
  return Uint8Array.from([...text('RIFF'), ...le32(body.length), ...body]);
}

/**
 * An 8×8 baseline JPEG with four components (C, M, Y, K), flat, as Photoshop writes CMYK: an Adobe
 * APP14 marker (transform 0) and inverted values (255 = no ink). Each block holds only its DC
 * value (quantizer 1), coded with a 4-bit code per DC size and a 1-bit end-of-block.
 */
export function cmykJpeg(ink: [number, number, number, number]): Uint8Array {
  const segment = (marker: number, body: number[]) => [
    0xff,
    marker,
    ...be16(body.length + 2),
    ...body,
  ];
  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >> i) & 1);
  };
  for (const amount of ink) {
    const stored = 255 - amount; // Adobe CMYK is inverted
    const dc = 8 * (stored - 128); // the DCT's DC term of a flat block, level-shifted
    const size = dc === 0 ? 0 : Math.floor(Math.log2(Math.abs(dc))) + 1;
    put(size, 4); // DC table: sizes 0..11 are the 4-bit codes 0000..1011
    if (size > 0) put(dc > 0 ? dc : dc + (1 << size) - 1, size);
    put(0, 1); // AC table: end of block is the code 0
  }
  while (bits.length % 8) bits.push(1);
  const scan: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const byte = bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0);
    scan.push(byte, ...(byte === 0xff ? [0] : []));
  }
  const components = [1, 2, 3, 4];
  return Uint8Array.from([
    0xff,
    0xd8,
    ...segment(0xee, [...text('Adobe'), ...be16(100), 0, 0, 0, 0, 0]),
    ...segment(0xdb, [0, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, ...be16(8), ...be16(8), 4, ...components.flatMap((c) => [c, 0x11, 0])]),
    // DC: twelve codes of length 4; AC: one code of length 1 (end of block).
    ...segment(0xc4, [
      0x00,
      0,
      0,
      0,
      12,
      ...new Array(12).fill(0),
      ...Array.from({ length: 12 }, (_, i) => i),
    ]),
    ...segment(0xc4, [0x10, 1, ...new Array(15).fill(0), 0]),
    ...segment(0xda, [4, ...components.flatMap((c) => [c, 0x00]), 0, 63, 0]),
    ...scan,
    0xff,
    0xd9,
  ]);
}

/** A looping two-frame 1×1 GIF (black, then white). */
export function animatedGif(): Uint8Array {
  const frame = (colour: number) => [
    ...[0x21, 0xf9, 4, 0, ...le16(10), 0, 0],
    ...[0x2c, ...le16(0), ...le16(0), ...le16(1), ...le16(1), 0],
    // LZW, minimum code size 2: clear, the colour index, end.
    ...[2, 2, colour === 0 ? 0x44 : 0x4c, 0x01, 0],
  ];
  return Uint8Array.from([
    ...text('GIF89a'),
    ...le16(1),
    ...le16(1),
    0x80,
    0,
    0,
    ...[0, 0, 0, 255, 255, 255],
    ...[0x21, 0xff, 11, ...text('NETSCAPE2.0'), 3, 1, 0, 0, 0],
    ...frame(0),
    ...frame(1),
    0x3b,
  ]);
}

/** Tiny files whose headers declare `size`×`size` pixels, in four formats. */
export function bombs(size = 30000): Record<string, Uint8Array> {
  return {
    'bomb.png': Uint8Array.from([
      ...pngSignature,
      ...ihdr(size, size, 8, 2),
      ...chunk('IDAT', [...zlibSync(new Uint8Array(64 * 1024))]),
      ...chunk('IEND', []),
    ]),
    'bomb.jpg': Uint8Array.from([
      0xff,
      0xd8,
      ...[0xff, 0xc0, ...be16(17), 8, ...be16(size), ...be16(size), 3],
      ...[1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0],
      ...new Array<number>(2048).fill(0),
      0xff,
      0xd9,
    ]),
    'bomb.webp': Uint8Array.from([
      ...text('RIFF'),
      ...le32(30),
      ...text('WEBPVP8X'),
      ...le32(10),
      0,
      0,
      0,
      0,
      ...le24(size - 1),
      ...le24(size - 1),
    ]),
    'bomb.gif': Uint8Array.from([
      ...text('GIF89a'),
      ...le16(size & 0xffff),
      ...le16(size & 0xffff),
      0,
      0,
      0,
      0x3b,
    ]),
  };
}

/**
 * The JPEG with an EXIF segment saying `orientation` inserted after its SOI, and optionally
 * `padding` more bytes of EXIF-like APP segments (a "huge EXIF").
 */
export function withExif(jpeg: Uint8Array, orientation: number, padding = 0): Uint8Array {
  // TIFF header (big-endian), one IFD with one entry: Orientation (0x0112), SHORT, 1 value.
  const tiff = [
    ...text('MM'),
    ...be16(42),
    ...be32(8),
    ...be16(1),
    ...be16(0x0112),
    ...be16(3),
    ...be32(1),
    ...be16(orientation),
    0,
    0,
    ...be32(0),
  ];
  const exif = [...text('Exif\0\0'), ...tiff];
  const app1 = [0xff, 0xe1, ...be16(exif.length + 2), ...exif];
  const extra: number[] = [];
  for (let left = padding; left > 0; left -= 65_000) {
    const n = Math.min(left, 65_000);
    extra.push(0xff, 0xe2, ...be16(n + 2), ...new Array<number>(n).fill(0x20));
  }
  return Uint8Array.from([0xff, 0xd8, ...app1, ...extra, ...jpeg.subarray(2)]);
}

/** Where EXIF orientation 1–8 puts the stored top-left corner once the picture is upright. */
export const uprightCorner: Readonly<Record<number, 'tl' | 'tr' | 'br' | 'bl'>> = {
  1: 'tl',
  2: 'tr',
  3: 'br',
  4: 'bl',
  5: 'tl',
  6: 'tr',
  7: 'br',
  8: 'bl',
};
