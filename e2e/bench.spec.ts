import { readFile, rm } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { parseOptions, runBench } from '../bench/run.ts';
import type { BenchReport } from '../bench/lib/report.ts';

// The bench, reduced to one model, one small size and one backend: it proves `npm run bench`
// builds its pages, serves them cross-origin isolated, drives real Chromium and writes a report
// with sane fields. Speed targets live in the full bench, never in a timed test.
test('a reduced bench run writes a report with sane fields', async () => {
  test.setTimeout(110_000);
  const out = 'bench/tmp/e2e-results';
  await rm(out, { recursive: true, force: true });
  const port = Number(process.env.KINTSUGI_PORT ?? 4173) + 100;
  const options = parseOptions(
    [
      '--models=esrgan-medium-x2',
      '--sizes=64',
      '--backends=wasm-1',
      '--budget=0',
      '--skip=peer,memory,quality',
      `--out=${out}`,
      '--no-readme',
      '--label=e2e',
    ],
    { BENCH_PORT: String(port), BENCH_DIST: `${process.env.KINTSUGI_DIST ?? 'dist'}-benchtest` },
  );
  const { report, files } = await runBench(options);

  const written = JSON.parse(await readFile(files[0]!, 'utf8')) as BenchReport;
  expect(written).toEqual(JSON.parse(JSON.stringify(report)));
  expect(report.machine.cores).toBeGreaterThan(0);
  expect(report.machine.cpu).not.toBe('');
  expect(report.machine.chromium).toMatch(/^Chromium \d+\./);
  expect(report.crossOriginIsolated).toBe(true);
  expect(report.isolationHeaders).toEqual({ coop: 'same-origin', coep: 'require-corp' });

  expect(report.speed).toHaveLength(1);
  const [row] = report.speed;
  expect(row!.model).toBe('esrgan-medium-x2');
  expect(row!.backend).toBe('wasm-1');
  const cold = row!.coldStart!;
  expect(cold.totalMs).toBeCloseTo(cold.sessionMs + cold.firstTileMs, 6);
  expect(cold.sessionMs).toBeGreaterThan(0);
  expect(cold.firstTileMs).toBeGreaterThan(0);
  // Starting onnxruntime-web is timed on its own, before the model's cold start.
  expect(cold.engineMs).toBeGreaterThan(0);
  const [size] = row!.sizes;
  expect(size).toMatchObject({ width: 64, height: 64 });
  // 64 px fits one tile; with no budget it runs to the end and its latency is measured.
  expect(size!.result).toMatchObject({ complete: true, tilesDone: 1, tiles: 1 });
  expect(Number.isFinite(size!.result.mpPerSecond) && size!.result.mpPerSecond > 0).toBe(true);
  const expectedMp = (64 * 2 * 64 * 2) / 1e6;
  expect(size!.result.mpPerSecond).toBeCloseTo(expectedMp / (size!.result.latencyMs / 1000), 6);

  // Nothing here measures a target: each says so rather than passing or failing.
  expect(report.targets).toHaveLength(4);
  expect(report.targets.every((t) => t.met === null && t.value === 'not measured')).toBe(true);
  const markdown = await readFile(files[1]!, 'utf8');
  expect(markdown).toContain(`| esrgan-medium-x2 (${row!.variant}) | WASM, 1 thread |`);
  expect(markdown).toContain('crossOriginIsolated: true');
});
