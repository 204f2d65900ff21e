// npm run bench [-- --quick] [--models=a,b] [--sizes=256,1024,1920x1080] [--budget=10]
//   [--backends=wasm-1,wasm-all,webgpu,native-1,native-all] [--skip=peer,memory,quality]
//   [--memory-size=3840x2160] [--label=text] [--out=bench/results] [--no-readme] [--no-build]
//
// Measures Kintsugi in real Chromium (Debian's /usr/bin/chromium, the test suite's flags) against
// a `vite preview` of the bench pages (bench/vite.config.ts), the same models natively with
// onnxruntime-node, UpscalerJS on the same weights, the memory of a whole ×4 job through the app's
// inference worker, and quality; writes bench/results/<date>.json, <date>.md and latest.md, and
// the README's benchmark section.
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from '@playwright/test';
import prettier from 'prettier';
import { encodePng } from '../e2e/support/images.ts';
import type { Manifest } from '../models/manifest.ts';
import { chromiumArgs } from '../playwright.config.ts';
import type {} from './pages/kintsugi.ts';
import type {} from './pages/upscaler.ts';
import { nativeSession, runNative } from './lib/native.ts';
import { nodePhoto } from './lib/photo-node.ts';
import { startSampling } from './lib/processes.ts';
import { qualityOf } from './lib/quality.ts';
import { realWorldQuality } from './real-world.ts';
import { tileSizeFor } from '../src/inference/tiler.ts';
import { runsWhole } from '../src/inference/whole-image.ts';
import {
  type BackendClass,
  type BenchReport,
  type MemoryResult,
  type PeerRow,
  type SpeedRow,
  type Target,
  toMarkdown,
  withBenchSection,
} from './lib/report.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const FULL_MODELS = [
  'realesr-general-x4v3',
  'realesrgan-x4plus',
  'esrgan-medium-x2',
  'esrgan-medium-x4',
  'esrgan-medium-x8',
  'realesr-animevideov3-x4',
  'realesrgan-x4plus-anime',
  'realcugan-x2-conservative',
];
const QUICK_MODELS = ['esrgan-medium-x4', 'realesr-animevideov3-x4'];
const PEER_MODEL = 'esrgan-medium-x4';

export interface BenchOptions {
  quick: boolean;
  models: string[];
  sizes: { width: number; height: number }[];
  backends: BackendClass[];
  budgetMs: number;
  skip: Set<string>;
  memorySize: { width: number; height: number };
  label: string;
  /** An earlier report whose peer section is measured again (nothing else runs). */
  into?: string;
  outDir: string;
  readme: boolean;
  build: boolean;
  port: number;
  dist: string;
}

function size(text: string): { width: number; height: number } {
  const [w, h] = text.split('x').map(Number);
  if (!w || !Number.isInteger(w) || (h !== undefined && !Number.isInteger(h))) {
    throw new Error(`"${text}" is not a size: write 256 or 1920x1080`);
  }
  return { width: w, height: h ?? w };
}

export function parseOptions(argv: string[], env = process.env): BenchOptions {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unknown argument ${arg}`);
    args.set(match[1]!, match[2] ?? 'true');
  }
  const quick = args.has('quick') || env.BENCH_QUICK === '1';
  const list = (name: string, fallback: string[]) =>
    args.get(name)?.split(',').filter(Boolean) ?? fallback;
  return {
    quick,
    models: list('models', quick ? QUICK_MODELS : FULL_MODELS),
    sizes: list('sizes', quick ? ['256', '1024'] : ['256', '1024', '1920x1080']).map(size),
    backends: list('backends', [
      'wasm-1',
      'wasm-all',
      'webgpu',
      'native-1',
      'native-all',
    ]) as BackendClass[],
    budgetMs: Number(args.get('budget') ?? (quick ? 4 : 10)) * 1000,
    skip: new Set(list('skip', [])),
    memorySize: size(args.get('memory-size') ?? (quick ? '960x540' : '3840x2160')),
    label: args.get('label') ?? (quick ? 'quick run' : 'full run'),
    into: args.get('into'),
    outDir: args.get('out') ?? 'bench/results',
    readme: !args.has('no-readme') && !quick,
    build: !args.has('no-build'),
    port: Number(env.BENCH_PORT ?? 4184),
    dist: env.BENCH_DIST ?? 'dist-bench',
  };
}

function log(...parts: unknown[]): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
}

let manifestRead: Promise<Manifest> | null = null;

/** models/manifest.json, read once per run. */
function manifest(): Promise<Manifest> {
  manifestRead ??= readFile(`${repo}/models/manifest.json`, 'utf8').then(
    (text) => JSON.parse(text) as Manifest,
  );
  return manifestRead;
}

/** The variant the app runs on a CPU backend, as pickVariant and the bench worker choose it. */
async function cpuVariant(modelId: string): Promise<string> {
  const model = (await manifest()).models.find((m) => m.id === modelId);
  return model?.variants.find((v) => v.compute === 'float32')?.id ?? 'unknown';
}

/**
 * The photo a cold start is timed on: one base tile (manifest `tile.size`, context included),
 * so the time is the session plus one model run of a fixed size (128² for ESRGAN, 256² for
 * Real-CUGAN), whatever tiles the planner picks for larger photos.
 */
async function coldStartSide(modelId: string): Promise<number> {
  const model = (await manifest()).models.find((m) => m.id === modelId);
  if (!model) throw new Error(`No model ${modelId}`);
  return model.tile.size - 2 * model.tile.context;
}

/** The machine's 1-minute load average: how much else was running beside the bench. */
function loadNote(when: string): string {
  return `Load average ${when} ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`;
}

async function version(pkg: string): Promise<string> {
  const json = JSON.parse(await readFile(`${repo}/node_modules/${pkg}/package.json`, 'utf8'));
  return String(json.version);
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Builds the bench pages and puts the files they fetch next to them. */
async function build(o: BenchOptions, pages: string): Promise<void> {
  const dist = `${repo}/${o.dist}`;
  if (o.build) {
    log('building the bench pages into', o.dist);
    await run('npx', ['vite', 'build', '-c', 'bench/vite.config.ts', '--logLevel', 'warn'], {
      BENCH_DIST: o.dist,
      BENCH_PAGES: pages,
    });
  }
  await cp(`${repo}/e2e/fixtures/photo-original-128.png`, `${dist}/photo.png`);
  await cp(
    `${repo}/node_modules/@upscalerjs/esrgan-medium/models/x4`,
    `${dist}/upscaler-models/x4`,
    {
      recursive: true,
    },
  );
}

async function writeMemoryInput(o: BenchOptions): Promise<string> {
  const { width, height } = o.memorySize;
  const name = `memory-${width}x${height}.png`;
  const image = await nodePhoto(width, height);
  await writeFile(`${repo}/${o.dist}/${name}`, encodePng(image, { filter: 0 }));
  return `/${name}`;
}

async function startPreview(o: BenchOptions): Promise<ChildProcess> {
  const child = spawn(
    'npx',
    ['vite', 'preview', '-c', 'bench/vite.config.ts', '--port', String(o.port)],
    { cwd: repo, env: { ...process.env, BENCH_DIST: o.dist }, stdio: 'ignore', detached: true },
  );
  const url = `http://127.0.0.1:${o.port}/kintsugi.html`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stopPreview(child);
  throw new Error(`vite preview did not answer on port ${o.port}`);
}

function stopPreview(child: ChildProcess): void {
  // npx starts vite in its own process group (detached), so the group goes together.
  if (child.pid) process.kill(-child.pid, 'SIGTERM');
}

async function openPage(browser: Browser, o: BenchOptions, path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('404')) log('page error:', m.text());
  });
  await page.goto(`http://127.0.0.1:${o.port}${path}`);
  await page.waitForFunction(() => 'bench' in window || 'peer' in window);
  return page;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function launch(extra: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...chromiumArgs, ...extra],
  });
}

const THREADS_ALL = os.cpus().length;

/**
 * Each model gets its own page: a worker that onnxruntime-web ran in leaves its thread pool's
 * workers behind after terminate(), and they slowed every later measurement in the same page
 * (2.2× on realesr-animevideov3 at 2 threads).
 */
async function browserSpeed(
  browser: Browser,
  o: BenchOptions,
  backend: BackendClass,
  rows: SpeedRow[],
  sizes = o.sizes,
): Promise<void> {
  const threads = backend === 'wasm-1' ? 1 : THREADS_ALL;
  const preference = backend === 'webgpu' ? 'webgpu' : 'wasm';
  for (const model of o.models) {
    const page = await openPage(browser, o, '/kintsugi.html');
    await page.evaluate((m) => window.bench.cache(m), model);
    const worker = await page.evaluate(([t, p]) => window.bench.startWorker(t, p), [
      threads,
      preference,
    ] as const);
    if (preference === 'webgpu' && worker.backend !== 'webgpu') {
      log(`${model}: WebGPU did not start (${worker.reason})`);
      await page.context().close();
      continue;
    }
    const row: SpeedRow = { model, backend, variant: await cpuVariant(model), sizes: [] };
    row.coldStart = await page.evaluate(([id, m, side]) => window.bench.coldStart(id, m, side), [
      worker.id,
      model,
      await coldStartSide(model),
    ] as const);
    row.coldStart!.engineMs = worker.engineMs;
    log(
      `${model} ${backend}: engine start ${worker.engineMs.toFixed(0)} ms, cold start ${row.coldStart!.totalMs.toFixed(0)} ms`,
    );
    for (const s of sizes) {
      const result = await page.evaluate(([id, m, w, h, b]) => window.bench.speed(id, m, w, h, b), [
        worker.id,
        model,
        s.width,
        s.height,
        o.budgetMs,
      ] as const);
      row.sizes.push({ ...s, result });
      log(
        `${model} ${backend} ${s.width}x${s.height}: ${result.mpPerSecond.toFixed(3)} MP/s (${result.tilesDone}/${result.tiles} tiles)`,
      );
    }
    await page.context().close();
    rows.push(row);
  }
}

async function nativeSpeed(
  o: BenchOptions,
  backend: BackendClass,
  rows: SpeedRow[],
): Promise<void> {
  const threads = backend === 'native-1' ? 1 : THREADS_ALL;
  const models = (await manifest()).models;
  for (const id of o.models) {
    const model = models.find((m) => m.id === id);
    const variant = model?.variants.find((v) => v.compute === 'float32');
    if (!model || !variant) throw new Error(`No model ${id}`);
    const started = performance.now();
    const session = await nativeSession(variant, threads);
    const sessionMs = performance.now() - started;
    const side = await coldStartSide(id);
    const first = await runNative(session, model, await nodePhoto(side, side), 1);
    const firstTileMs = first.speed.latencyMs / first.speed.tiles;
    const row: SpeedRow = {
      model: id,
      variant: variant.id,
      backend,
      coldStart: { sessionMs, firstTileMs, totalMs: sessionMs + firstTileMs },
      sizes: [],
    };
    for (const s of o.sizes) {
      const image = await nodePhoto(s.width, s.height);
      await runNative(session, model, image, 1); // the warm tile, as in the browser
      const { speed } = await runNative(session, model, image, o.budgetMs);
      row.sizes.push({ ...s, result: speed });
      log(
        `${id} ${backend} ${s.width}x${s.height}: ${speed.mpPerSecond.toFixed(3)} MP/s (${speed.tilesDone}/${speed.tiles} tiles)`,
      );
    }
    await session.release();
    rows.push(row);
  }
}

/**
 * UpscalerJS gets the tiles Kintsugi plans for the same photo (core = stride, padding = context),
 * or none when Kintsugi runs it in one piece, so both do the same model work.
 */
async function peerPatch(
  width: number,
  height: number,
): Promise<{ patchSize: number; padding: number } | null> {
  const model = (await manifest()).models.find((m) => m.id === PEER_MODEL);
  if (!model) throw new Error(`No model ${PEER_MODEL}`);
  if (runsWhole(model.tile, width, height)) return null;
  const edge = tileSizeFor(model.tile, width, height);
  return { patchSize: edge - 2 * model.tile.context, padding: model.tile.context };
}

/**
 * tfjs's WebGL backend keeps tensors in textures of at most 8192 px a side (on SwiftShader), which
 * a whole 256² photo's activations outgrow: there UpscalerJS works in 128² patches (96 + 2×16).
 */
const WEBGL_PATCH = { patchSize: 96, padding: 16 };

async function peer(browser: Browser, o: BenchOptions, report: BenchReport): Promise<void> {
  const sizes = o.sizes.filter((s) => s.width * s.height <= 1024 * 1024);
  const rows: PeerRow[] = [];
  const configs = [
    { backend: 'wasm', threads: 1 },
    { backend: 'wasm', threads: THREADS_ALL },
    { backend: 'webgl', threads: 1 },
  ] as const;
  for (const { backend, threads } of configs) {
    const page = await openPage(browser, o, '/upscaler.html');
    try {
      const setup = await withTimeout(
        page.evaluate(([b, t]) => window.peer.setup(b, t), [backend, threads] as const),
        120_000,
      );
      // WebGL runs each image to the end (see upscaler.ts): the smallest size only.
      for (const s of backend === 'webgl' ? sizes.slice(0, 1) : sizes) {
        const r = await withTimeout(
          page.evaluate(([w, h, b, p]) => window.peer.speed(w, h, b, p), [
            s.width,
            s.height,
            o.budgetMs,
            backend === 'webgl' ? WEBGL_PATCH : await peerPatch(s.width, s.height),
          ] as const),
          o.budgetMs + 300_000,
        );
        rows.push({ ...r, threads, detail: setup.detail, width: s.width, height: s.height });
        log(
          `UpscalerJS ${backend} (${setup.detail}) ${s.width}x${s.height}: ${r.mpPerSecond.toFixed(3)} MP/s`,
        );
      }
    } catch (error) {
      log(`UpscalerJS ${backend}: ${String(error).split('\n')[0]}`);
    }
    await page.context().close();
  }
  // Kintsugi on the peer's own weights (fp32, not the int8 file the app picks on a CPU), on the
  // same photo sizes and thread counts.
  const kintsugi: PeerRow[] = [];
  for (const threads of [1, THREADS_ALL]) {
    const page = await openPage(browser, o, '/kintsugi.html');
    await page.evaluate((m) => window.bench.cache(m, 'fp32'), PEER_MODEL);
    const worker = await page.evaluate((t) => window.bench.startWorker(t, 'wasm'), threads);
    for (const s of sizes) {
      const r = await page.evaluate(
        ([id, m, w, h, b]) => window.bench.speed(id, m, w, h, b, 'fp32'),
        [worker.id, PEER_MODEL, s.width, s.height, o.budgetMs] as const,
      );
      kintsugi.push({
        backend: 'wasm',
        variant: 'fp32',
        threads,
        detail: `${threads} thread(s)`,
        ...s,
        ...r,
      });
      log(
        `Kintsugi fp32 ${threads} thread(s) ${s.width}x${s.height}: ${r.mpPerSecond.toFixed(3)} MP/s`,
      );
    }
    await page.context().close();
  }
  report.peer = {
    library: `upscaler ${await version('upscaler')}, @tensorflow/tfjs ${await version('@tensorflow/tfjs')}`,
    model: '@upscalerjs/esrgan-medium ×4, the weights of esrgan-medium-x4',
    rows,
    kintsugi,
  };
}

async function memory(browser: Browser, o: BenchOptions): Promise<MemoryResult> {
  const input = await writeMemoryInput(o);
  const page = await openPage(browser, o, '/kintsugi.html');
  await page.evaluate(() => window.bench.cache('esrgan-medium-x4'));
  await new Promise((r) => setTimeout(r, 1000));
  const before = startSampling(100);
  await new Promise((r) => setTimeout(r, 500));
  const baseline = await before.stop();
  const sampling = startSampling(250);
  log(`memory: ${o.memorySize.width}x${o.memorySize.height} ×4 through the inference worker`);
  const job = await page.evaluate((url) => window.bench.engineJob(url, 4), input);
  const { peak, samples } = await sampling.stop();
  await page.context().close();
  return {
    input: o.memorySize,
    scale: 4,
    ms: job.ms,
    peakTotalBytes: peak.totalBytes,
    baselineBytes: baseline.peak.totalBytes,
    peakProcess: peak.largest,
    samples,
    png: job.png,
    engine: job.engine,
  };
}

function targets(report: BenchReport, o: BenchOptions): Target[] {
  const largest = (row: SpeedRow | undefined) => row?.sizes.at(-1);
  const find = (model: string, backend: BackendClass) =>
    report.speed.find((r) => r.model === model && r.backend === backend);
  const out: Target[] = [];

  const peerWasm = report.peer?.rows.filter((r) => r.backend === 'wasm') ?? [];
  const ours = report.peer?.kintsugi ?? [];
  const pairs = peerWasm.flatMap((p) => {
    const k = ours.find(
      (x) => x.width === p.width && x.height === p.height && x.threads === p.threads,
    );
    const asked = `${p.threads} thread(s) asked, UpscalerJS ran ${p.detail}`;
    return k
      ? [{ size: `${p.width}×${p.height}, ${asked}`, ratio: k.mpPerSecond / p.mpPerSecond }]
      : [];
  });
  const bigPair = pairs.at(-1);
  out.push({
    name: 'Kintsugi vs UpscalerJS (esrgan-medium ×4, WASM)',
    goal: '≥ 2×',
    value: bigPair
      ? pairs.map((p) => `${p.ratio.toFixed(2)}× at ${p.size}`).join(', ')
      : 'not measured',
    met: bigPair ? pairs.every((p) => p.ratio >= 2) : null,
  });

  const ratios = o.models.flatMap((m) => {
    const w = largest(find(m, 'wasm-all'));
    const n = largest(find(m, 'native-all'));
    return w && n ? [{ m, ratio: w.result.mpPerSecond / n.result.mpPerSecond }] : [];
  });
  out.push({
    name: 'WASM (all threads) vs native onnxruntime-node CPU',
    goal: '≥ 0.6×',
    value: ratios.length
      ? ratios.map((r) => `${r.m} ${r.ratio.toFixed(2)}×`).join(', ')
      : 'not measured',
    met: ratios.length ? ratios.every((r) => r.ratio >= 0.6) : null,
  });

  const mem = report.memory;
  const full = o.memorySize.width === 3840 && o.memorySize.height === 2160;
  out.push({
    name: `${o.memorySize.width}×${o.memorySize.height} → ×4 peak memory`,
    goal: '< 1.5 GB, valid PNG',
    value: mem
      ? `${(mem.peakTotalBytes / 1e9).toFixed(2)} GB, PNG ${mem.png.valid ? 'valid' : 'invalid'}`
      : 'not measured',
    met: mem && full ? mem.peakTotalBytes < 1.5e9 && mem.png.valid : null,
  });

  const colds = report.speed.filter((r) => r.backend === 'wasm-all' && r.coldStart);
  out.push({
    name: 'Cold start to first tile (model cached, WASM all threads)',
    goal: '< 3 s',
    value: colds.length
      ? colds.map((r) => `${r.model} ${(r.coldStart!.totalMs / 1000).toFixed(2)} s`).join(', ')
      : 'not measured',
    met: colds.length ? colds.every((r) => r.coldStart!.totalMs < 3000) : null,
  });
  return out;
}

/**
 * `--only=peer --into=<report.json>`: measures the peer comparison again and puts it into an
 * earlier report of this machine (targets, Markdown and README follow).
 */
async function peerInto(o: BenchOptions, file: string): Promise<string[]> {
  const report = JSON.parse(await readFile(`${repo}/${file}`, 'utf8')) as BenchReport;
  await build(o, 'kintsugi,upscaler');
  const preview = await startPreview(o);
  try {
    const browser = await launch();
    try {
      await peer(browser, o, report);
    } finally {
      await browser.close();
    }
  } finally {
    stopPreview(preview);
  }
  report.label += '; peer section measured again right after';
  report.targets = targets(report, {
    ...o,
    models: [...new Set(report.speed.map((r) => r.model))],
    memorySize: report.memory?.input ?? o.memorySize,
  });
  return writeResults(report, { ...o, quick: report.quick });
}

export async function runBench(o: BenchOptions): Promise<{ report: BenchReport; files: string[] }> {
  const started = performance.now();
  const browserBackends = o.backends.filter((b) => !b.startsWith('native'));
  const pages = o.skip.has('peer') ? 'kintsugi' : 'kintsugi,upscaler';
  await build(o, pages);
  const preview = await startPreview(o);
  const cpu =
    (await readFile('/proc/cpuinfo', 'utf8')).match(/^model name\s*:\s*(.*)$/m)?.[1] ??
    'unknown CPU';
  const report: BenchReport = {
    date: new Date().toISOString().slice(0, 10),
    label: o.label,
    quick: o.quick,
    budgetMs: o.budgetMs,
    machine: {
      cpu,
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      chromium: '',
      node: process.version,
      onnxruntimeWeb: await version('onnxruntime-web'),
      onnxruntimeNode: await version('onnxruntime-node'),
      gpu: 'none (no GPU in this machine)',
      note: loadNote('at the start'),
    },
    crossOriginIsolated: false,
    isolationHeaders: {},
    backends: [],
    speed: [],
    peer: null,
    memory: null,
    quality: [],
    targets: [],
    durationS: 0,
  };
  try {
    const headers = (await fetch(`http://127.0.0.1:${o.port}/kintsugi.html`)).headers;
    report.isolationHeaders = {
      coop: headers.get('cross-origin-opener-policy'),
      coep: headers.get('cross-origin-embedder-policy'),
    };
    const browser = await launch();
    report.machine.chromium = `Chromium ${browser.version()}`;
    try {
      const page = await openPage(browser, o, '/kintsugi.html');
      report.crossOriginIsolated = await page.evaluate(() => self.crossOriginIsolated);
      for (const backend of browserBackends.filter((b) => b !== 'webgpu')) {
        report.backends.push({
          id: backend,
          label: backend === 'wasm-1' ? 'WASM, 1 thread' : `WASM, ${THREADS_ALL} threads`,
          threads: backend === 'wasm-1' ? 1 : THREADS_ALL,
          detail: 'onnxruntime-web',
        });
        await browserSpeed(browser, o, backend, report.speed);
      }
      await page.context().close();
      if (!o.skip.has('peer')) await peer(browser, o, report);
      if (!o.skip.has('memory')) {
        try {
          report.memory = await memory(browser, o);
        } catch (error) {
          log(`memory: the job failed: ${String(error)}`);
        }
      }
    } finally {
      await browser.close();
    }

    if (browserBackends.includes('webgpu')) {
      const gpuBrowser = await launch(['--enable-unsafe-webgpu']);
      try {
        const page = await openPage(gpuBrowser, o, '/kintsugi.html');
        const adapter = await page.evaluate(() => window.bench.adapter());
        if (!adapter) {
          log('WebGPU: no adapter');
        } else {
          const name = [adapter.vendor, adapter.architecture, adapter.device, adapter.description]
            .filter(Boolean)
            .join(' ');
          report.backends.push({
            id: 'webgpu',
            label: `WebGPU${adapter.isFallbackAdapter ? ' (software fallback adapter)' : ''}`,
            fallback: adapter.isFallbackAdapter,
            detail: `${name}${adapter.shaderF16 ? ', shader-f16' : ''}`,
          });
          if (adapter.isFallbackAdapter)
            report.machine.gpu += `; WebGPU offers only a software fallback adapter (${name})`;
          // A software adapter gets its cold start (one base tile) only: SwiftShader takes 80 s
          // for a 128² ESRGAN tile, and the smallest photo is one 288² run, minutes more.
          await browserSpeed(
            gpuBrowser,
            o,
            'webgpu',
            report.speed,
            adapter.isFallbackAdapter ? [] : o.sizes,
          );
        }
      } catch (error) {
        log(`WebGPU: ${String(error).split('\n')[0]}`);
      } finally {
        await gpuBrowser.close();
      }
    }
  } finally {
    stopPreview(preview);
  }

  for (const backend of o.backends.filter((b) => b.startsWith('native'))) {
    report.backends.push({
      id: backend,
      label: `native ORT CPU, ${backend === 'native-1' ? 1 : THREADS_ALL} thread(s)`,
      threads: backend === 'native-1' ? 1 : THREADS_ALL,
      detail: 'onnxruntime-node',
    });
    await nativeSpeed(o, backend, report.speed);
  }

  if (!o.skip.has('quality')) {
    const models = (await manifest()).models.filter(
      (m) => m.scale > 1 && (!o.quick || o.models.includes(m.id)),
    );
    for (const model of models) {
      log(`quality: ${model.id}`);
      report.quality.push(...(await qualityOf(model, THREADS_ALL)));
    }
    log('quality: real photos');
    report.realWorld = await realWorldQuality(THREADS_ALL);
  }

  report.targets = targets(report, o);
  report.durationS = (performance.now() - started) / 1000;
  report.machine.note += `; ${loadNote('at the end').toLowerCase()}.`;
  return { report, files: await writeResults(report, o) };
}

async function formatted(markdown: string, file: string): Promise<string> {
  const options = await prettier.resolveConfig(file);
  return prettier.format(markdown, { ...options, parser: 'markdown' });
}

async function writeResults(report: BenchReport, o: BenchOptions): Promise<string[]> {
  const dir = path.resolve(repo, o.outDir);
  await mkdir(dir, { recursive: true });
  const stem = `${report.date}${report.quick ? '-quick' : ''}`;
  const markdown = await formatted(
    `# Kintsugi bench, ${report.date}\n\n${toMarkdown(report)}`,
    `${dir}/latest.md`,
  );
  const files = [`${dir}/${stem}.json`, `${dir}/${stem}.md`];
  await writeFile(files[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files[1]!, markdown);
  if (!report.quick) {
    await writeFile(`${dir}/latest.md`, markdown);
    files.push(`${dir}/latest.md`);
  }
  if (o.readme) {
    const readmePath = `${repo}/README.md`;
    const readme = await readFile(readmePath, 'utf8');
    const next = await formatted(withBenchSection(readme, toMarkdown(report)), readmePath);
    await writeFile(readmePath, next);
    files.push(readmePath);
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = parseOptions(process.argv.slice(2));
  log('options', { ...options, skip: [...options.skip] });
  if (options.into) {
    log('wrote', (await peerInto(options, options.into)).join(', '));
    process.exit(0);
  }
  const { report, files } = await runBench(options);
  for (const t of report.targets)
    log(`${t.met === null ? 'not measured' : t.met ? 'MET' : 'NOT MET'}: ${t.name}: ${t.value}`);
  log('wrote', files.map((f) => f.replace(`${repo}/`, '')).join(', '));
}
