import { fileURLToPath } from 'node:url';
import { type Page, expect, test } from '@playwright/test';
import { call, createKey, openControlled, pollUntil } from './support/api.ts';

/*
 * The video dialect end to end on clips the tests make in the page: a square moving across a
 * gradient, encoded with WebCodecs through mediabunny, with a sine tone as the audio track. The
 * results are read back with mediabunny in the page. Clips are 64×48 and a second long, so each
 * job runs a dozen tiny model passes.
 */

type Mediabunny = typeof import('mediabunny');
declare global {
  interface Window {
    Mediabunny: Mediabunny;
  }
}

// The package's script bundle (a global `Mediabunny`); its exports map does not list the path.
const mediabunnyBundle = fileURLToPath(
  new URL('../node_modules/mediabunny/dist/bundles/mediabunny.min.cjs', import.meta.url),
);

interface ClipOptions {
  container: 'mp4' | 'mov' | 'webm';
  width: number;
  height: number;
  frames: number;
  fps: number;
}

interface ClipInfo {
  bytes: number;
  container: string;
  width: number;
  height: number;
  frames: number;
  /** Frames per second, measured from the packets. */
  fps: number;
  decodedFrames: number;
  duration: number;
  videoDuration: number;
  videoCodec: string | null;
  audioCodec: string | null;
  audioDuration: number | null;
  /** x of the moving square's centre in each decoded frame, as a fraction of the width. */
  squareX: number[];
  /** Mean channel value of the top row of the last frame (0 where a letterbox bar is). */
  topRowMean: number;
}

async function loadMediabunny(page: Page): Promise<void> {
  if (await page.evaluate(() => 'Mediabunny' in window)) return;
  await page.addScriptTag({ path: mediabunnyBundle });
}

/** A clip made in the page; returns it as a data: URL. */
async function makeClip(page: Page, options: ClipOptions): Promise<string> {
  await loadMediabunny(page);
  return page.evaluate(async (o) => {
    const M = window.Mediabunny;
    const format =
      o.container === 'webm'
        ? new M.WebMOutputFormat()
        : o.container === 'mov'
          ? new M.MovOutputFormat()
          : new M.Mp4OutputFormat();
    const output = new M.Output({ format, target: new M.BufferTarget() });
    const videoCodec = await M.getFirstEncodableVideoCodec(format.getSupportedVideoCodecs(), {
      width: o.width,
      height: o.height,
    });
    const audioCodec = await M.getFirstEncodableAudioCodec(
      format.getSupportedAudioCodecs().filter((c) => c === 'aac' || c === 'opus'),
    );
    if (!videoCodec || !audioCodec) throw new Error('This Chromium cannot encode a test clip');
    const canvas = new OffscreenCanvas(o.width, o.height);
    const context = canvas.getContext('2d')!;
    const video = new M.CanvasSource(canvas, { codec: videoCodec, bitrate: 400_000 });
    output.addVideoTrack(video, { frameRate: o.fps });
    const audio = new M.AudioSampleSource({ codec: audioCodec, bitrate: 64_000 });
    output.addAudioTrack(audio);
    await output.start();
    const side = Math.round(o.height / 3);
    for (let i = 0; i < o.frames; i++) {
      const gradient = context.createLinearGradient(0, 0, o.width, o.height);
      gradient.addColorStop(0, '#203050');
      gradient.addColorStop(1, '#506030');
      context.fillStyle = gradient;
      context.fillRect(0, 0, o.width, o.height);
      context.fillStyle = '#f0f0f0';
      const x = Math.round(((o.width - side) * i) / Math.max(1, o.frames - 1));
      context.fillRect(x, Math.round((o.height - side) / 2), side, side);
      await video.add(i / o.fps, 1 / o.fps);
    }
    const sampleRate = 48_000;
    const samples = Math.round((sampleRate * o.frames) / o.fps);
    const tone = new Float32Array(samples);
    for (let i = 0; i < samples; i++)
      tone[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
    await audio.add(
      new M.AudioSample({
        data: tone,
        format: 'f32',
        numberOfChannels: 1,
        sampleRate,
        timestamp: 0,
      }),
    );
    await output.finalize();
    const bytes = new Uint8Array(output.target.buffer!);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const type = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm' }[o.container];
    return `data:${type};base64,${btoa(binary)}`;
  }, options);
}

/** Reads a video (by URL) back with mediabunny: tracks, sizes, counts, and where the square is. */
async function inspect(page: Page, url: string): Promise<ClipInfo> {
  await loadMediabunny(page);
  return page.evaluate(async (url) => {
    const M = window.Mediabunny;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    const blob = await response.blob();
    const input = new M.Input({ source: new M.BlobSource(blob), formats: M.ALL_FORMATS });
    const video = await input.getPrimaryVideoTrack();
    if (!video) throw new Error('no video track');
    const audio = await input.getPrimaryAudioTrack();
    const stats = await video.computePacketStats();
    const squareX: number[] = [];
    const canvas = new OffscreenCanvas(video.displayWidth, video.displayHeight);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    let decodedFrames = 0;
    let topRowMean = 0;
    for await (const sample of new M.VideoSampleSink(video).samples()) {
      sample.draw(context, 0, 0);
      sample.close();
      decodedFrames++;
      // The bright square: mean x of the near-white pixels on the middle row.
      const row = context.getImageData(0, Math.floor(canvas.height / 2), canvas.width, 1).data;
      let sum = 0;
      let count = 0;
      for (let x = 0; x < canvas.width; x++) {
        if ((row[x * 4] ?? 0) > 200 && (row[x * 4 + 1] ?? 0) > 200) {
          sum += x;
          count++;
        }
      }
      squareX.push(count ? sum / count / canvas.width : -1);
      const top = context.getImageData(0, 0, canvas.width, 1).data;
      topRowMean = top.reduce((total, v, i) => (i % 4 === 3 ? total : total + v), 0);
      topRowMean /= canvas.width * 3;
    }
    return {
      bytes: blob.size,
      container: (await input.getFormat()).name,
      width: video.displayWidth,
      height: video.displayHeight,
      frames: stats.packetCount,
      fps: stats.averagePacketRate,
      decodedFrames,
      duration: await input.computeDuration(),
      videoDuration: await video.computeDuration(),
      videoCodec: await video.getCodec(),
      audioCodec: audio ? await audio.getCodec() : null,
      audioDuration: audio ? await audio.computeDuration() : null,
      squareX,
      topRowMean,
    };
  }, url);
}

/** Sets the video dialect's output-URL life in the stored Settings (as the Limits page keeps it). */
async function setVideoUrlTtl(page: Page, seconds: number): Promise<void> {
  await page.evaluate(async (seconds) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('kintsugi');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put(
        { retention: { video: { urlTtlSeconds: seconds } } },
        'limits',
      );
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, seconds);
}

/** The engine record the job store keeps for a job (not part of the video dialect's JSON). */
async function engineOf(page: Page, id: string): Promise<{ method?: string } | null> {
  return page.evaluate(
    async (uuid) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('kintsugi');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const job = await new Promise<{ engine: { method?: string } | null } | undefined>(
        (resolve, reject) => {
          const get = db.transaction('jobs').objectStore('jobs').get(uuid);
          get.onsuccess = () => resolve(get.result as { engine: { method?: string } | null });
          get.onerror = () => reject(get.error);
        },
      );
      db.close();
      return job?.engine ?? null;
    },
    id.replace(/^job_/, ''),
  );
}

/** Polls a video job to a final state, keeping every progress value seen on the way. */
async function runToEnd(page: Page, key: string, id: string, timeout = 100_000) {
  const seen: number[] = [];
  const etas: (number | null)[] = [];
  const job = await pollUntil(
    page,
    `/v2/jobs/${id}`,
    key,
    (body) => {
      seen.push(Number(body.progress));
      etas.push(body.eta_seconds as number | null);
      return ['completed', 'failed', 'canceled'].includes(String(body.status));
    },
    timeout,
  );
  return { job, seen, etas };
}

async function enhance(page: Page, key: string, json: object): Promise<string> {
  const created = await call(page, 'POST', '/v2/enhance', { key, json });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return String((created.body as { id: string }).id);
}

// The app's CSP allows only its own scripts; the test's clip maker (mediabunny) is injected.
test.use({ bypassCSP: true });

let key = '';

test.beforeEach(async ({ page }) => {
  await openControlled(page);
  key = await createKey(page, 'Retroiva (sk_live_…)');
});

test('general ×2: every frame upscaled, same duration and frame count, audio kept', async ({
  page,
}) => {
  const clip = { container: 'mp4', width: 64, height: 48, frames: 12, fps: 12 } as const;
  const url = await makeClip(page, clip);
  const source = await inspect(page, url);
  expect([source.width, source.height, source.frames]).toEqual([64, 48, 12]);

  const id = await enhance(page, key, { video_url: url, preset: 'general', upscale_factor: 2 });
  const { job, seen, etas } = await runToEnd(page, key, id);
  expect(job).toMatchObject({ status: 'completed', error: null, progress: 1 });
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
  expect(etas.some((eta) => typeof eta === 'number')).toBe(true);

  const download = await call(page, 'GET', `/v2/jobs/${id}/download`, { key });
  expect(download.status).toBe(200);
  const { url: fileUrl } = download.body as { url: string; expires_at: number };
  const result = await inspect(page, fileUrl);
  expect(result.container).toBe(source.container);
  expect([result.width, result.height]).toEqual([128, 96]);
  expect(result.frames).toBe(12);
  expect(result.decodedFrames).toBe(12);
  expect(result.videoDuration).toBeCloseTo(source.videoDuration, 1);
  expect(result.audioCodec).toBe(source.audioCodec);
  expect(result.audioDuration).toBeCloseTo(source.audioDuration!, 2);
  // The picture is the input's, frame by frame: the square moves the same way.
  for (const [i, x] of result.squareX.entries()) expect(x).toBeCloseTo(source.squareX[i]!, 1);

  // Download links expire: with Settings' video URL life at 2 s, a link works, then answers 410.
  await setVideoUrlTtl(page, 2);
  const short = await call(page, 'GET', `/v2/jobs/${id}/download`, { key });
  const link = short.body as { url: string; expires_at: number };
  expect(link.expires_at - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(2);
  const fresh = await call(page, 'GET', link.url, { binary: true });
  expect(fresh.status).toBe(200);
  expect(fresh.headers['content-type']).toBe('video/mp4');
  expect(fresh.bytes!.length).toBe(result.bytes);
  await page.waitForTimeout(3000);
  const stale = await call(page, 'GET', link.url, { binary: true });
  expect(stale.status).toBe(410);
});

test('cinematic: twice the frames in the same duration, the new ones between their neighbours', async ({
  page,
}) => {
  // Small and short: every frame runs two networks (CUnet, then RIFE between frames).
  const clip = { container: 'webm', width: 32, height: 24, frames: 6, fps: 12 } as const;
  const url = await makeClip(page, clip);
  const source = await inspect(page, url);
  const id = await enhance(page, key, { video_url: url, preset: 'cinematic', upscale_factor: 1 });
  const { job } = await runToEnd(page, key, id);
  expect(job).toMatchObject({ status: 'completed', error: null });
  const download = await call(page, 'GET', `/v2/jobs/${id}/download`, { key });
  const result = await inspect(page, (download.body as { url: string }).url);
  expect(result.container).toBe('WebM');
  expect([result.width, result.height]).toEqual([32, 24]);
  expect(result.frames).toBe(12);
  expect(result.fps).toBeCloseTo(2 * source.fps, 0);
  expect(result.decodedFrames).toBe(12);
  expect(result.videoDuration).toBeCloseTo(source.videoDuration, 1);
  expect(result.audioDuration).toBeCloseTo(source.audioDuration!, 2);
  // Even frames are the input's. Each new odd one shows the square whole, halfway between its
  // neighbours: motion followed, not two faded squares blended.
  for (let i = 0; i < 6; i++) expect(result.squareX[2 * i]).toBeCloseTo(source.squareX[i]!, 1);
  for (let i = 0; i < 5; i++) {
    const halfway = (result.squareX[2 * i]! + result.squareX[2 * i + 2]!) / 2;
    expect(Math.abs(result.squareX[2 * i + 1]! - halfway)).toBeLessThan(0.05);
  }
  // The job records which engine made the new frames.
  expect((await engineOf(page, id))?.method).toMatch(
    /frame interpolation by RIFE 4\.6 frame interpolation \(rife-v4\.6\)/,
  );
});

test('social fits a landscape clip into 1080×1080 with bars; archive keeps the size at ×1', async ({
  page,
}) => {
  const clip = { container: 'mp4', width: 32, height: 24, frames: 6, fps: 12 } as const;
  const url = await makeClip(page, clip);
  const social = await enhance(page, key, { video_url: url, preset: 'social', upscale_factor: 2 });
  const archive = await enhance(page, key, {
    video_url: url,
    preset: 'archive',
    upscale_factor: 1,
  });
  const source = await inspect(page, url);
  for (const [id, size] of [
    [social, [1080, 1080]],
    [archive, [32, 24]],
  ] as const) {
    const { job } = await runToEnd(page, key, id);
    expect(job).toMatchObject({ status: 'completed', error: null });
    const download = await call(page, 'GET', `/v2/jobs/${id}/download`, { key });
    const result = await inspect(page, (download.body as { url: string }).url);
    expect([result.width, result.height]).toEqual(size);
    expect(result.frames).toBe(6);
    expect(result.audioCodec).toBe(source.audioCodec);
    // The whole picture is there, full width; social adds black bars above and below it.
    for (const [i, x] of result.squareX.entries()) expect(x).toBeCloseTo(source.squareX[i]!, 1);
    const method = (await engineOf(page, id))?.method;
    if (id === social) {
      expect(result.topRowMean).toBeLessThan(8);
      expect(method).toMatch(/esrgan-medium-x2 \(×2\) → Lanczos-3 fit .* at 5000 kbit\/s/);
    } else {
      expect(result.topRowMean).toBeGreaterThan(20);
      expect(method).toMatch(/^video: waifu2x-cunet-noise2 \(deblock\/denoise\);/);
    }
  }
});

test('cancel stops a running job; a corrupt file gets a 400 or a failed job naming the frame', async ({
  page,
}) => {
  const url = await makeClip(page, {
    container: 'mp4',
    width: 64,
    height: 48,
    frames: 48,
    fps: 24,
  });
  const id = await enhance(page, key, { video_url: url, preset: 'general', upscale_factor: 4 });
  const running = await pollUntil(page, `/v2/jobs/${id}`, key, (b) => Number(b.progress) > 0);
  const canceled = await call(page, 'POST', `/v2/jobs/${id}/cancel`, { key });
  expect(canceled.status).toBe(200);
  const { job, seen } = await runToEnd(page, key, id, 30_000);
  // The video dialect reads a canceled job as failed with the error "canceled".
  expect(job).toMatchObject({ status: 'failed', error: 'canceled' });
  // Stopped within a frame or two of the cancel (48 frames in all), far from the end.
  expect(Math.max(...seen)).toBeLessThanOrEqual(Number(running.progress) + 3 / 48);

  // Not a video at all: refused at the door.
  const notVideo = await call(page, 'POST', '/v2/enhance', {
    key,
    json: { video_url: `data:video/mp4;base64,${btoa('this is not a video file, just text')}` },
  });
  expect(notVideo.status).toBe(400);
  expect(JSON.stringify(notVideo.body)).toMatch(/not a video|plain text/i);

  // A real MP4 index with its frames cut away: accepted (the head is an MP4), then failed.
  const bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  const cut = bytes.subarray(0, Math.floor(bytes.length / 3));
  // The same MP4 with its frame data overwritten: the index is fine, the pictures are noise.
  const garbled = Buffer.from(bytes);
  const mdat = garbled.indexOf('mdat');
  for (let i = mdat + 4; i < garbled.length; i++) garbled[i] = (i * 7919) & 0xff;
  for (const [broken, reason] of [
    [cut, /^Frame \d+: the file ends early/],
    [garbled, /^Frame \d+: /],
  ] as const) {
    const id = await enhance(page, key, {
      video_url: `data:video/mp4;base64,${broken.toString('base64')}`,
      preset: 'general',
      upscale_factor: 1,
    });
    const failed = await runToEnd(page, key, id, 60_000);
    expect(failed.job.status).toBe('failed');
    expect(String(failed.job.error)).toMatch(reason);
  }
});

test('a MOV dropped on the page becomes a video job, played back when done', async ({ page }) => {
  const url = await makeClip(page, { container: 'mov', width: 64, height: 48, frames: 6, fps: 12 });
  await page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'dropped.mov', { type: 'video/quicktime' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
  }, url);
  const row = page.getByRole('listitem', { name: 'dropped.mov' });
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  const player = page.getByTestId('video-result');
  await expect(player).toBeVisible();
  // The browser's own player reads the result: twice the width and height of the clip.
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight]))
    .toEqual([128, 96]);
  // A QuickTime file in, a QuickTime file out, named for what was done.
  await expect(page.getByRole('link', { name: 'Download dropped.general-x2.mov' })).toBeVisible();
});

test('1080p, 2 s: decoded, re-encoded and muxed at full size (heavy: npm run test:video-heavy)', async ({
  page,
}) => {
  test.skip(!process.env.KINTSUGI_VIDEO_HEAVY, 'heavy; run with npm run test:video-heavy');
  test.setTimeout(600_000);
  const clip = { container: 'mp4', width: 1920, height: 1080, frames: 60, fps: 30 } as const;
  const url = await makeClip(page, clip);
  const source = await inspect(page, url);
  for (const [preset, factor, size] of [
    ['general', 1, [1920, 1080]],
    ['social', 1, [1080, 1080]],
  ] as const) {
    const started = Date.now();
    const id = await enhance(page, key, { video_url: url, preset, upscale_factor: factor });
    const { job } = await runToEnd(page, key, id, 540_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
    const download = await call(page, 'GET', `/v2/jobs/${id}/download`, { key });
    const result = await inspect(page, (download.body as { url: string }).url);
    expect([result.width, result.height]).toEqual(size);
    expect(result.frames).toBe(60);
    expect(result.videoDuration).toBeCloseTo(source.videoDuration, 1);
    console.log(
      `${preset} ×${factor} 1080p: 60 frames in ${(Date.now() - started) / 1000} s; ${(await engineOf(page, id))?.method}`,
    );
  }
});
