import type { Operation } from '@/jobs/job.ts';

/** What runs a job, in the terms the estimate tables use. */
export type EstimateBackend = 'webgpu' | 'wasm';

/**
 * What one step costs: a fixed start (building the model's session, the first tile) plus seconds
 * per input megapixel.
 */
export interface Cost {
  startSeconds: number;
  secondsPerMegapixel: number;
}

/**
 * Measured costs on the bench machine (AMD EPYC, 2 cores, WASM with 2 threads, Chromium), keyed
 * by `costKey`. The bench gives output megapixels per second; a ×4 model makes 16 output pixels of
 * each input pixel, so its seconds per input megapixel are 16 / (MP/s).
 *   bench/results/realesrgan/2026-12-07.md: realesr-general-x4v3 0.129 MP/s, cold start 11.8 s;
 *     realesrgan-x4plus 0.009 MP/s, 101 s; esrgan-medium-x4 0.395 MP/s, 2.3 s.
 *   bench/results/2026-11-25.md (2 threads, 1024²): esrgan-medium-x2 0.109 MP/s, 2.9 s;
 *     realesr-animevideov3-x4 0.532 MP/s, 1.3 s.
 *   bench/results/denoise-quality.md: CBM3D ≈ 5.5 s for a 481×321 photo (0.154 MP), one thread.
 * Nothing was measured on a real GPU, so there is no WebGPU row: the device's own jobs fill it in.
 */
export const BENCH_COSTS: Readonly<Record<string, Cost>> = {
  'enhance:real-esrgan|wasm': { startSeconds: 12, secondsPerMegapixel: 16 / 0.129 },
  'enhance:best|wasm': { startSeconds: 101, secondsPerMegapixel: 16 / 0.009 },
  'enhance:faithful-x4|wasm': { startSeconds: 2.3, secondsPerMegapixel: 16 / 0.395 },
  'enhance:faithful-x2|wasm': { startSeconds: 2.9, secondsPerMegapixel: 4 / 0.109 },
  'enhance-anime|wasm': { startSeconds: 1.3, secondsPerMegapixel: 16 / 0.532 },
  // A classical filter: the same code runs whatever the backend.
  'denoise|wasm': { startSeconds: 0, secondsPerMegapixel: 5.5 / 0.154 },
  'denoise|webgpu': { startSeconds: 0, secondsPerMegapixel: 5.5 / 0.154 },
};

/** Where this device keeps what its finished jobs measured. */
export const CALIBRATION_KEY = 'kintsugi-throughput-v1';

/** What this device measured for one cost key: a running mean of seconds per megapixel. */
interface Measured {
  secondsPerMegapixel: number;
  runs: number;
}

/** The Real-ESRGAN choice `auto` makes: x4plus on a GPU, the general model on a CPU. */
function photoModel(params: Record<string, unknown>, backend: EstimateBackend): string {
  const choice = typeof params.model === 'string' ? params.model : 'auto';
  if (choice === 'auto') return backend === 'webgpu' ? 'best' : 'real-esrgan';
  return choice;
}

/** The model an enhance step runs for a scale (the faithful models come in ×2, ×3, ×4, ×8). */
function faithfulScale(scale: number): number {
  return [2, 3, 4, 8].find((s) => s >= scale) ?? 8;
}

/**
 * The key of an operation's cost: the operation, the model it runs and the backend. Real-ESRGAN
 * works at ×4 for any scale (the rest is a resize), so its scale is not part of the key.
 */
export function costKey(operation: Operation, backend: EstimateBackend): string {
  if (operation.type === 'enhance') {
    const model = photoModel(operation.params, backend);
    const scale = Number(operation.params.scale ?? 4);
    const which = model === 'faithful' ? `faithful-x${faithfulScale(scale)}` : model;
    return `enhance:${which}|${backend}`;
  }
  return `${operation.type}|${backend}`;
}

/** How much each step changes the picture's size (for a chain: the next step's input). */
function scaleOf(operation: Operation): number {
  if (operation.type === 'enhance') return Number(operation.params.scale ?? 4);
  if (operation.type === 'enhance-anime') return 4;
  return 1;
}

function readCalibration(): Record<string, Measured> {
  try {
    const raw = globalThis.localStorage?.getItem(CALIBRATION_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Measured>) : {};
  } catch {
    return {};
  }
}

/**
 * The cost of one step on this device: the bench figure blended with what this device measured,
 * its own runs weighing twice as much each as the bench (so three runs are 6/7 of the figure).
 */
export function costOf(operation: Operation, backend: EstimateBackend): Cost | undefined {
  const key = costKey(operation, backend);
  const bench = BENCH_COSTS[key];
  const measured = readCalibration()[key];
  if (!measured || !(measured.runs > 0) || !Number.isFinite(measured.secondsPerMegapixel))
    return bench;
  if (!bench) return { startSeconds: 0, secondsPerMegapixel: measured.secondsPerMegapixel };
  const weight = 2 * measured.runs;
  return {
    startSeconds: bench.startSeconds,
    secondsPerMegapixel:
      (bench.secondsPerMegapixel + weight * measured.secondsPerMegapixel) / (1 + weight),
  };
}

/**
 * How long the operations would take on this device for a photo of this size, in seconds, or
 * undefined where nothing measured supports a figure (the interface then shows no estimate).
 */
export function estimateSeconds(
  operations: readonly Operation[],
  size: { width: number; height: number },
  backend: EstimateBackend,
): number | undefined {
  if (operations.length === 0 || !(size.width > 0) || !(size.height > 0)) return undefined;
  let megapixels = (size.width * size.height) / 1e6;
  let total = 0;
  for (const operation of operations) {
    const cost = costOf(operation, backend);
    if (!cost) return undefined;
    total += cost.startSeconds + cost.secondsPerMegapixel * megapixels;
    megapixels *= scaleOf(operation) ** 2;
  }
  return total;
}

/**
 * Keeps what a finished step took on this device (its input size and seconds), so the next
 * estimate for the same operation, model and backend comes from this device. Steps shorter than
 * a quarter second say more about timers than throughput and are left out.
 */
export function recordRun(
  operation: Operation,
  size: { width: number; height: number },
  backend: EstimateBackend,
  seconds: number,
): void {
  const megapixels = (size.width * size.height) / 1e6;
  if (!(megapixels > 0) || !(seconds >= 0.25) || !Number.isFinite(seconds)) return;
  const key = costKey(operation, backend);
  const start = BENCH_COSTS[key]?.startSeconds ?? 0;
  // The model's start is counted once per session; a run shorter than it had its session already.
  const work = seconds > start * 1.5 ? seconds - start : seconds;
  const perMegapixel = work / megapixels;
  const all = readCalibration();
  const before = all[key];
  const runs = Math.min((before?.runs ?? 0) + 1, 8);
  // A running mean over the last few runs: a device that got slower (a hot laptop) shows it soon.
  const mean = before
    ? before.secondsPerMegapixel + (perMegapixel - before.secondsPerMegapixel) / runs
    : perMegapixel;
  all[key] = { secondsPerMegapixel: mean, runs };
  try {
    globalThis.localStorage?.setItem(CALIBRATION_KEY, JSON.stringify(all));
  } catch {
    // Storage refused (private mode, full): the tables still answer.
  }
}

/** "about 40 s", "about 3 min", "about 1 h 10 min": minutes for long work, never "338 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `about ${Math.max(1, Math.round(seconds))} s`;
  // Five-second steps: an estimate is not precise to the second.
  if (seconds < 57.5) return `about ${Math.round(seconds / 5) * 5} s`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `about ${hours} h ${rest} min` : `about ${hours} h`;
}
