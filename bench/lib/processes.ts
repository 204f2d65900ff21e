// Memory of the browser under test, read from /proc: every Chromium process descended from this
// Node process, summed as proportional set size (shared pages counted once across processes).
import { readFile, readdir } from 'node:fs/promises';

export interface ProcessSample {
  totalBytes: number;
  largest: { type: string; bytes: number };
}

async function text(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null; // the process ended between listing and reading
  }
}

async function descendants(root: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = await text(`/proc/${pid}/stat`);
    if (!stat) continue;
    // comm may hold spaces and parentheses: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(pid, Number(fields[1]));
  }
  const found: number[] = [];
  const isBelow = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) return true;
    }
    return false;
  };
  for (const pid of parent.keys()) if (isBelow(pid)) found.push(pid);
  return found;
}

async function memoryOf(pid: number): Promise<number> {
  const rollup = await text(`/proc/${pid}/smaps_rollup`);
  const pss = rollup?.match(/^Pss:\s+(\d+) kB/m);
  if (pss) return Number(pss[1]) * 1024;
  const status = await text(`/proc/${pid}/status`);
  const rss = status?.match(/^VmRSS:\s+(\d+) kB/m);
  return rss ? Number(rss[1]) * 1024 : 0;
}

export async function sampleChromium(root = process.pid): Promise<ProcessSample> {
  let totalBytes = 0;
  let largest = { type: 'none', bytes: 0 };
  for (const pid of await descendants(root)) {
    const cmdline = (await text(`/proc/${pid}/cmdline`))?.split('\0') ?? [];
    if (!cmdline[0]?.includes('chromium')) continue;
    const bytes = await memoryOf(pid);
    totalBytes += bytes;
    if (bytes > largest.bytes) {
      const type = cmdline.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
      const sub = cmdline.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
      largest = { type: sub ? `${type} (${sub})` : type, bytes };
    }
  }
  return { totalBytes, largest };
}

/** Samples every `everyMs` until stopped; keeps the peak. */
export function startSampling(everyMs = 250) {
  const peak: ProcessSample = { totalBytes: 0, largest: { type: 'none', bytes: 0 } };
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await sampleChromium();
      samples++;
      peak.totalBytes = Math.max(peak.totalBytes, s.totalBytes);
      if (s.largest.bytes > peak.largest.bytes) peak.largest = s.largest;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, samples };
    },
  };
}
