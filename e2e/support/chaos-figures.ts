/// <reference types="node" />
// (Also compiled by tsconfig.sw.json through the API fuzzers, whose types leave out Node's.)
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The chaos suite's figures. Each part (a fuzz test file, a Playwright spec) records what it
 * tried and what went wrong; the summary adds the parts up into one table. A full run
 * (CHAOS_SCALE=full, `npm run test:chaos`) also writes e2e/chaos-figures.json, which the README
 * quotes; the reduced run inside `npm test` leaves the tree alone.
 */

export interface ChaosFigures {
  /** Generated or hand-made bad requests and files sent. */
  inputs_tried: number;
  answered_500: number;
  /** Stored jobs changed or lost by a request that should not have touched them. */
  stored_jobs_damaged: number;
  faults_tried: number;
  faults_survived: number;
  /** Jobs submitted under load that were accepted and completed. */
  jobs_held: number;
  jobs_lost: number;
  checks_tried: number;
  checks_passed: number;
}

export interface ChaosPart extends Partial<ChaosFigures> {
  part: string;
  scale: 'full' | 'reduced';
  finished_at: string;
  /** A line or two on what the part did, for the table's last column. */
  notes?: string[];
}

export const fullScale = process.env.CHAOS_SCALE === 'full';

/** CHAOS_SEED=n replays a fast-check run; unset, each run draws a new seed. */
export const chaosSeed: number | undefined = process.env.CHAOS_SEED
  ? Number(process.env.CHAOS_SEED)
  : undefined;

/** The full-run value in a full run, the reduced one inside `npm test`. */
export function scaled<T>(full: T, reduced: T): T {
  return fullScale ? full : reduced;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const partsDir = join(root, 'node_modules', '.cache', 'kintsugi-chaos');
export const figuresFile = join(root, 'e2e', 'chaos-figures.json');

/** Forgets the parts of earlier runs (a full run starts from nothing). */
export async function clearParts(): Promise<void> {
  await rm(partsDir, { recursive: true, force: true });
}

export async function recordPart(
  part: string,
  figures: Partial<ChaosFigures>,
  notes: string[] = [],
): Promise<void> {
  await mkdir(partsDir, { recursive: true });
  const record: ChaosPart = {
    part,
    scale: fullScale ? 'full' : 'reduced',
    finished_at: new Date().toISOString(),
    ...figures,
    notes,
  };
  await writeFile(join(partsDir, `${part}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

const columns: ReadonlyArray<[keyof ChaosFigures, string]> = [
  ['inputs_tried', 'inputs tried'],
  ['answered_500', 'answered 500'],
  ['stored_jobs_damaged', 'stored jobs damaged'],
  ['faults_survived', 'faults survived'],
  ['jobs_held', 'jobs held'],
  ['jobs_lost', 'jobs lost'],
  ['checks_passed', 'checks passed'],
];

/** Every part recorded at the current scale, oldest part name first. */
export async function readParts(): Promise<ChaosPart[]> {
  const names = await readdir(partsDir).then(
    (all) => all.filter((n) => n.endsWith('.json')).sort(),
    () => [],
  );
  const parts = await Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(partsDir, n), 'utf8')) as ChaosPart),
  );
  return parts.filter((p) => p.scale === (fullScale ? 'full' : 'reduced'));
}

export function totals(parts: readonly ChaosPart[]): ChaosFigures {
  const sum = (key: keyof ChaosFigures) => parts.reduce((n, p) => n + (p[key] ?? 0), 0);
  return {
    inputs_tried: sum('inputs_tried'),
    answered_500: sum('answered_500'),
    stored_jobs_damaged: sum('stored_jobs_damaged'),
    faults_tried: sum('faults_tried'),
    faults_survived: sum('faults_survived'),
    jobs_held: sum('jobs_held'),
    jobs_lost: sum('jobs_lost'),
    checks_tried: sum('checks_tried'),
    checks_passed: sum('checks_passed'),
  };
}

function cell(part: Partial<ChaosFigures>, key: keyof ChaosFigures): string {
  const value = part[key];
  if (value === undefined) return '';
  if (key === 'faults_survived') return `${value}/${part.faults_tried ?? value}`;
  if (key === 'checks_passed') return `${value}/${part.checks_tried ?? value}`;
  return String(value);
}

/** The summary as a plain-text table: one row per part, then the totals. */
export function table(parts: readonly ChaosPart[]): string {
  const header = ['part', ...columns.map(([, title]) => title)];
  const rows = parts.map((p) => [p.part, ...columns.map(([key]) => cell(p, key))]);
  const sum = totals(parts);
  rows.push(['total', ...columns.map(([key]) => cell(sum, key))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/**
 * Prints the table of every part recorded so far and, in a full run, writes the figures file.
 * Returns the totals.
 */
export async function printSummary(): Promise<ChaosFigures> {
  const parts = await readParts();
  const sum = totals(parts);
  console.log(`\nChaos suite (${fullScale ? 'full' : 'reduced'} size)\n${table(parts)}\n`);
  if (fullScale) {
    const body = { generated_at: new Date().toISOString(), totals: sum, parts };
    await writeFile(figuresFile, `${JSON.stringify(body, null, 2)}\n`);
  }
  return sum;
}
