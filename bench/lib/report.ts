// The bench report: what bench/run.ts writes as JSON, and the Markdown made from it.

import { type RealWorldResult, realWorldMarkdown } from '../real-world.ts';

export interface SpeedResult {
  /** Output megapixels per second over the tiles that ran. */
  mpPerSecond: number;
  /** Milliseconds for the whole image: measured when `complete`, else projected from the tiles. */
  latencyMs: number;
  complete: boolean;
  tilesDone: number;
  tiles: number;
}

export interface ColdStart {
  sessionMs: number;
  firstTileMs: number;
  totalMs: number;
  /** Starting onnxruntime-web (WASM module, threads or WebGPU device) before it, in a new worker. */
  engineMs?: number;
}

/** 'wasm-1': WASM on one thread; 'wasm-all': WASM on every core; 'native-*': onnxruntime-node. */
export type BackendClass = 'wasm-1' | 'wasm-all' | 'webgpu' | 'native-1' | 'native-all';

export interface BackendInfo {
  id: BackendClass;
  label: string;
  threads?: number;
  /** A software (fallback) WebGPU adapter, as adapter.info.isFallbackAdapter says. */
  fallback?: boolean;
  detail: string;
}

export interface SpeedRow {
  model: string;
  /** The file that ran: the one the app picks for a CPU backend (first float32-compute). */
  variant: string;
  backend: BackendClass;
  coldStart?: ColdStart;
  sizes: { width: number; height: number; result: SpeedResult }[];
}

export interface PeerRow {
  backend: string;
  /** Kintsugi's rows: the variant that ran (fp32 is the peer's own weights, unquantized). */
  variant?: string;
  /** Threads asked for (WASM rows); `detail` says what the library reports it runs on. */
  threads?: number;
  detail: string;
  width: number;
  height: number;
  mpPerSecond: number;
  latencyMs: number;
  complete: boolean;
}

export interface QualityRow {
  model: string;
  image: string;
  psnrModel: number;
  psnrBicubic: number;
  ssimModel: number;
  ssimBicubic: number;
  variants: { variant: string; psnrVsFp32: number | null; ssimVsFp32: number }[];
}

export interface MemoryResult {
  input: { width: number; height: number };
  scale: number;
  ms: number;
  /** Highest sum of resident memory over every Chromium process, sampled from /proc. */
  peakTotalBytes: number;
  /** The same sum before the job started. */
  baselineBytes: number;
  /** Highest single process, with its --type. */
  peakProcess: { type: string; bytes: number };
  samples: number;
  png: {
    width: number;
    height: number;
    channels: number;
    bytes: number;
    crcOk: boolean;
    inflated: number;
    expectedInflated: number;
    valid: boolean;
  };
  engine: unknown;
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean | null;
}

export interface BenchReport {
  date: string;
  label: string;
  quick: boolean;
  budgetMs: number;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    chromium: string;
    node: string;
    onnxruntimeWeb: string;
    onnxruntimeNode: string;
    gpu: string;
    note: string;
  };
  crossOriginIsolated: boolean;
  isolationHeaders: Record<string, string | null>;
  backends: BackendInfo[];
  speed: SpeedRow[];
  peer: { library: string; model: string; rows: PeerRow[]; kintsugi: PeerRow[] } | null;
  memory: MemoryResult | null;
  quality: QualityRow[];
  /** The photo upscalers on real photos, clean and degraded (bench/real-world.ts). */
  realWorld?: RealWorldResult | null;
  targets: Target[];
  durationS: number;
}

const mp = (x: number) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const seconds = (ms: number) => (ms >= 10_000 ? (ms / 1000).toFixed(0) : (ms / 1000).toFixed(2));
const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(2);

function latency(r: SpeedResult): string {
  return r.complete ? `${seconds(r.latencyMs)} s` : `≈${seconds(r.latencyMs)} s*`;
}

/** The report as Markdown: the dated file, latest.md and the README section all show this. */
export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(
    `Measured ${report.date} (${report.label}${report.quick ? ', quick' : ''}) on ${m.cpu}, ` +
      `${m.cores} cores, ${m.memoryGiB} GiB, ${m.chromium}, onnxruntime-web ${m.onnxruntimeWeb}, ` +
      `onnxruntime-node ${m.onnxruntimeNode}. GPU: ${m.gpu}. ${m.note}`,
    '',
    `crossOriginIsolated: ${report.crossOriginIsolated} (COOP ${report.isolationHeaders.coop ?? 'missing'}, ` +
      `COEP ${report.isolationHeaders.coep ?? 'missing'}).`,
    '',
  );

  lines.push('### Targets', '', '| target | goal | this run | met |', '| --- | --- | --- | --- |');
  for (const t of report.targets) {
    lines.push(
      `| ${t.name} | ${t.goal} | ${t.value} | ${t.met === null ? 'not measured' : t.met ? 'met' : 'not met'} |`,
    );
  }
  lines.push('');

  const sizes = [
    ...new Set(report.speed.flatMap((r) => r.sizes.map((s) => `${s.width}×${s.height}`))),
  ];
  lines.push(
    '### Speed',
    '',
    'Output megapixels per second and latency per input size; cold start = session from the model cache plus the first finished tile, on a photo that is one base tile (the manifest tile.size with its context: 128² for ESRGAN and AnimeVideo, 256² for Real-CUGAN); engine = starting onnxruntime-web in a new worker before it (WASM module and threads), with another model.',
    '',
    `| model | backend | cold start | ${sizes.map((s) => `${s} MP/s | ${s} latency`).join(' | ')} |`,
    `| --- | --- | --- | ${sizes.map(() => '--- | ---').join(' | ')} |`,
  );
  const label = (id: BackendClass) => report.backends.find((b) => b.id === id)?.label ?? id;
  for (const row of report.speed) {
    const cells = sizes.map((s) => {
      const hit = row.sizes.find((x) => `${x.width}×${x.height}` === s);
      return hit ? `${mp(hit.result.mpPerSecond)} | ${latency(hit.result)}` : '— | —';
    });
    const cold = row.coldStart
      ? `${seconds(row.coldStart.totalMs)} s` +
        (row.coldStart.engineMs === undefined
          ? ''
          : ` (+${seconds(row.coldStart.engineMs)} s engine)`)
      : '—';
    lines.push(
      `| ${row.model} (${row.variant}) | ${label(row.backend)} | ${cold} | ${cells.join(' | ')} |`,
    );
  }
  lines.push(
    '',
    `\\* projected from the tiles finished within the ${report.budgetMs / 1000} s budget per measurement (\`--budget=0\` runs every image to the end).`,
    '',
  );

  if (report.peer) {
    lines.push(
      `### Peer: ${report.peer.library} (${report.peer.model})`,
      '',
      '| runner | backend | input | MP/s | latency |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const r of report.peer.kintsugi) {
      lines.push(
        `| Kintsugi (${r.variant}) | ${r.backend} (${r.detail}) | ${r.width}×${r.height} | ${mp(r.mpPerSecond)} | ${latency({ ...r, tiles: 0, tilesDone: 0 })} |`,
      );
    }
    for (const r of report.peer.rows) {
      lines.push(
        `| UpscalerJS | ${r.backend} (${r.detail}) | ${r.width}×${r.height} | ${mp(r.mpPerSecond)} | ${latency({ ...r, tiles: 0, tilesDone: 0 })} |`,
      );
    }
    lines.push('');
  }

  if (report.memory) {
    const mem = report.memory;
    const png = mem.png;
    lines.push(
      '### Memory',
      '',
      `${mem.input.width}×${mem.input.height} → ×${mem.scale} (${((png.width * png.height) / 1e6).toFixed(0)} MP output) through the app's inference client and worker (decode, tiles, streamed PNG): ` +
        `${seconds(mem.ms)} s, peak resident memory of all Chromium processes ${gb(mem.peakTotalBytes)} GiB ` +
        `(${gb(mem.baselineBytes)} GiB before the job; largest process: ${mem.peakProcess.type} at ${gb(mem.peakProcess.bytes)} GiB; ${mem.samples} samples). ` +
        `PNG: ${png.width}×${png.height}, ${png.channels} channels, ${(png.bytes / 2 ** 20).toFixed(1)} MiB, ` +
        `CRCs ${png.crcOk ? 'all valid' : 'BAD'}, IDAT inflates to ${png.inflated} of ${png.expectedInflated} bytes: ${png.valid ? 'valid' : 'INVALID'}.`,
      '',
    );
  }

  if (report.quality.length) {
    lines.push(
      '### Quality',
      '',
      'Input = the test photo shrunk by the model’s scale (area average); scored against the original, 4-pixel border left out. Variants are scored against the fp32 output.',
      '',
      '| model | image | PSNR model / bicubic (dB) | SSIM model / bicubic | variants vs fp32 (PSNR dB, SSIM) |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const q of report.quality) {
      const variants = q.variants
        .map(
          (v) =>
            `${v.variant}: ${v.psnrVsFp32 === null ? 'identical' : v.psnrVsFp32}, ${v.ssimVsFp32}`,
        )
        .join('; ');
      lines.push(
        `| ${q.model} | ${q.image} | ${q.psnrModel} / ${q.psnrBicubic} | ${q.ssimModel} / ${q.ssimBicubic} | ${variants || '—'} |`,
      );
    }
    lines.push('');
  }
  if (report.realWorld) {
    lines.push('### Quality on real photos (×4)', '', realWorldMarkdown(report.realWorld));
  }
  lines.push(`Whole run: ${report.durationS.toFixed(0)} s.`);
  return lines.join('\n') + '\n';
}

export const README_START = '<!-- bench:start (generated by npm run bench) -->';
export const README_END = '<!-- bench:end -->';

/** The README with the bench section replaced, or with the markers added under "## Benchmarks". */
export function withBenchSection(readme: string, markdown: string): string {
  const body = `${README_START}\n\n${markdown.replace(/^### /gm, '#### ')}\n${README_END}`;
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start >= 0 && end > start) {
    return readme.slice(0, start) + body + readme.slice(end + README_END.length);
  }
  const heading = readme.indexOf('## Benchmarks');
  if (heading < 0) throw new Error('README.md has no "## Benchmarks" section');
  const next = readme.indexOf('\n## ', heading + 1);
  const at = next < 0 ? readme.length : next + 1;
  return `${readme.slice(0, at)}${body}\n\n${readme.slice(at)}`;
}
