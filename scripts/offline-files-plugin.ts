import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { type RuntimeFile, partOf } from '../src/inference/runtime-files.ts';

/** The on-demand parts of a build, by file name: what the precache leaves out (vite.config.ts). */
export function onDemandFiles(outDir: string): RuntimeFile[] {
  const assets = join(outDir, 'assets');
  return readdirSync(assets)
    .map((name) => ({ name, part: partOf(name) }))
    .filter(({ name, part }) => part !== 'other' || name.endsWith('.wasm'))
    .map(({ name, part }) => ({
      path: `/assets/${name}`,
      bytes: statSync(join(assets, name)).size,
      part,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Writes /offline-files.json after the build: the files a first visit does not fetch, with their
 * sizes, for "Ready offline" and "Make everything available offline (N MB)" (src/ui/settings/offline.svelte.ts).
 */
export function offlineFilesPlugin(): Plugin {
  let outDir = 'dist';
  return {
    name: 'kintsugi-offline-files',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle() {
      writeFileSync(join(outDir, 'offline-files.json'), JSON.stringify(onDemandFiles(outDir)));
    },
  };
}
