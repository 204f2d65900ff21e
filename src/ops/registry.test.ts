// The registry is the one list of operations: the folders under src/ops/, their metas and runs,
// and the page's operations must all agree with it.

import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operations, prepares } from '@/engine/operations.ts';
import type { OperationMeta } from './operation.ts';
import { operationMetas, registry } from './registry.ts';
import { operationRuns, runOf } from './runs.ts';

const here = new URL('./', import.meta.url);
/** Folders that are not operations: what several operations share. */
const SHARED = new Set(['common']);
const folders = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !SHARED.has(entry.name))
  .map((entry) => entry.name)
  .sort();
const names = Object.keys(registry).sort();

describe('the operations registry', () => {
  it('has one entry per operation folder, each with its meta.ts and run.ts', () => {
    expect(names).toEqual(folders);
    for (const name of folders) {
      expect(existsSync(new URL(`${name}/meta.ts`, here)), `${name}/meta.ts`).toBe(true);
      expect(existsSync(new URL(`${name}/run.ts`, here)), `${name}/run.ts`).toBe(true);
    }
  });

  it('lists each folder’s own meta under the name the meta gives', async () => {
    for (const name of folders) {
      const { meta } = (await import(`./${name}/meta.ts`)) as { meta: OperationMeta };
      expect(meta.name).toBe(name);
      expect(registry[meta.name as keyof typeof registry]).toBe(meta);
    }
  });

  it('has a run for every operation and no other, and the page runs every one', () => {
    expect(Object.keys(operationRuns).sort()).toEqual(names);
    for (const name of names) expect(typeof runOf(name), name).toBe('function');
    expect(runOf('not-an-operation')).toBeUndefined();
    expect(runOf('toString')).toBeUndefined();
    expect(Object.keys(operations).sort()).toEqual(names);
    for (const name of names) expect(operations[name]!.meta).toBe(registry[name as never]);
  });

  it('offers every image operation to the image dialects and the app, and video only to its own', () => {
    expect(Object.keys(operationMetas).sort()).toEqual(names.filter((n) => n !== 'video-enhance'));
  });

  it('wires a page.ts wherever a folder has one', async () => {
    const prepared = folders.filter((name) => existsSync(new URL(`${name}/page.ts`, here)));
    expect(prepared).toEqual(['replace-background']);
    expect(Object.keys(prepares).sort()).toEqual(prepared);
    // replace-background's page side reads the stored upload before the worker runs; with a
    // colour background it passes the params through untouched.
    const { prepare } = (await import('./replace-background/page.ts')) as {
      prepare: (p: Record<string, unknown>) => Promise<Record<string, unknown>>;
    };
    const params = { background_type: 'color', background_color: '#ffffff' };
    expect(await prepare(params)).toEqual(params);
  });
});
