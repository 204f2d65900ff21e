import { spawnSync } from 'node:child_process';
import { clearParts, printSummary } from '../e2e/support/chaos-figures.ts';

/*
 * `npm run test:chaos`: the chaos suite at full size. The fuzzers (vitest), then the browser
 * parts (Playwright, real Chromium and service worker), then one summary table, which is also
 * written to e2e/chaos-figures.json for the README. Inside `npm test` the same files run at a
 * reduced size.
 */

// package.json sets CHAOS_SCALE=full before this starts: chaos-figures reads it on import.
const env = { ...process.env, CHAOS_SCALE: 'full' };
const dist = process.env.KINTSUGI_DIST ?? 'dist';

function run(command: string, args: string[]): boolean {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env }).status === 0;
}

await clearParts();
const fuzzed = run('npx', [
  'vitest',
  'run',
  'src/api/router.fuzz.test.ts',
  'src/api/server.fuzz.test.ts',
]);
const built =
  run('bash', ['scripts/ensure-chromium.sh']) && run('npx', ['vite', 'build', '--outDir', dist]);
const results = [
  fuzzed,
  built && run('npx', ['playwright', 'test', '--project=wasm', 'e2e/chaos-']),
  // The GPU part skips itself (and records nothing) where the browser offers no adapter.
  built && run('npx', ['playwright', 'test', '--project=webgpu', 'e2e/chaos-gpu']),
];
const totals = await printSummary();
// The figures file is committed, and `npm run lint` checks its formatting too.
run('npx', ['prettier', '--write', 'e2e/chaos-figures.json']);
const clean =
  totals.answered_500 === 0 &&
  totals.stored_jobs_damaged === 0 &&
  totals.jobs_lost === 0 &&
  totals.faults_survived === totals.faults_tried &&
  totals.checks_passed === totals.checks_tried;
process.exit(results.every(Boolean) && clean ? 0 : 1);
