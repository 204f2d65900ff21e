import { describe, expect, it } from 'vitest';
import { parseOptions } from '../run.ts';
import {
  type BenchReport,
  README_END,
  README_START,
  toMarkdown,
  withBenchSection,
} from './report.ts';

function report(): BenchReport {
  return {
    date: '2026-11-25',
    label: 'test',
    quick: false,
    budgetMs: 6000,
    machine: {
      cpu: 'Some CPU',
      cores: 2,
      memoryGiB: 23,
      chromium: 'Chromium 156',
      node: 'v20',
      onnxruntimeWeb: '1.30.0',
      onnxruntimeNode: '1.30.0',
      gpu: 'none',
      note: 'Shared.',
    },
    crossOriginIsolated: true,
    isolationHeaders: { coop: 'same-origin', coep: 'require-corp' },
    backends: [{ id: 'wasm-1', label: 'WASM, 1 thread', threads: 1, detail: '' }],
    speed: [
      {
        model: 'esrgan-medium-x4',
        variant: 'int8',
        backend: 'wasm-1',
        coldStart: { sessionMs: 500, firstTileMs: 700, totalMs: 1200 },
        sizes: [
          {
            width: 256,
            height: 256,
            result: { mpPerSecond: 0.5, latencyMs: 2100, complete: true, tilesDone: 9, tiles: 9 },
          },
          {
            width: 1024,
            height: 1024,
            result: {
              mpPerSecond: 0.25,
              latencyMs: 67_000,
              complete: false,
              tilesDone: 3,
              tiles: 25,
            },
          },
        ],
      },
    ],
    peer: null,
    memory: null,
    quality: [
      {
        model: 'esrgan-medium-x4',
        image: 'photo-original-128.png',
        psnrModel: 25.1,
        psnrBicubic: 23.4,
        ssimModel: 0.81,
        ssimBicubic: 0.74,
        variants: [{ variant: 'fp16w', psnrVsFp32: null, ssimVsFp32: 1 }],
      },
    ],
    targets: [{ name: 'Cold start', goal: '< 3 s', value: '1.20 s', met: true }],
    durationS: 100,
  };
}

describe('toMarkdown', () => {
  it('tells measured from projected latency, and shows every section that was measured', () => {
    const md = toMarkdown(report());
    expect(md).toContain(
      '| esrgan-medium-x4 (int8) | WASM, 1 thread | 1.20 s | 0.500 | 2.10 s | 0.250 | ≈67 s* |',
    );
    expect(md).toContain('| Cold start | < 3 s | 1.20 s | met |');
    expect(md).toContain('fp16w: identical, 1');
    expect(md).not.toContain('### Memory');
    expect(md).toContain('Some CPU, 2 cores');
  });
});

describe('withBenchSection', () => {
  const readme = '# App\n\n## Benchmarks\n\nOld words.\n\n## Dependencies\n\nList.\n';

  it('adds the markers at the end of the Benchmarks section, then replaces between them', () => {
    const once = withBenchSection(readme, '### Speed\n\nfirst\n');
    expect(once).toContain(
      `Old words.\n\n${README_START}\n\n#### Speed\n\nfirst\n\n${README_END}\n\n## Dependencies`,
    );
    const twice = withBenchSection(once, 'second\n');
    expect(twice).not.toContain('first');
    expect(twice.split(README_START)).toHaveLength(2);
    expect(twice).toContain('## Dependencies\n\nList.');
  });

  it('refuses a README without a Benchmarks section', () => {
    expect(() => withBenchSection('# App\n', 'x')).toThrow(/Benchmarks/);
  });
});

describe('parseOptions', () => {
  it('has a quick mode that shrinks models, sizes, budget and the memory job', () => {
    const full = parseOptions([], {});
    const quick = parseOptions([], { BENCH_QUICK: '1' });
    expect(full.memorySize).toEqual({ width: 3840, height: 2160 });
    expect(full.sizes.at(-1)).toEqual({ width: 1920, height: 1080 });
    expect(quick.models.length).toBeLessThan(full.models.length);
    expect(quick.memorySize.width * quick.memorySize.height).toBeLessThan(3840 * 2160);
    expect(quick.readme).toBe(false);
  });

  it('reads lists and sizes, and refuses what it does not know', () => {
    const o = parseOptions(['--models=a,b', '--sizes=64,300x200', '--budget=0', '--skip=peer']);
    expect(o.models).toEqual(['a', 'b']);
    expect(o.sizes).toEqual([
      { width: 64, height: 64 },
      { width: 300, height: 200 },
    ]);
    expect(o.budgetMs).toBe(0);
    expect(o.skip.has('peer')).toBe(true);
    expect(() => parseOptions(['--sizes=big'])).toThrow(/not a size/);
    expect(() => parseOptions(['fast'])).toThrow(/Unknown argument/);
  });
});
