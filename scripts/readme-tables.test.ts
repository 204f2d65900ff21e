import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operationMetas } from '../src/ops/registry.ts';
import { operationsTable, withTables } from './readme-tables.ts';

describe('README operations table', () => {
  it('lists every operation with its parameters, from the metas', () => {
    const table = operationsTable(operationMetas);
    for (const meta of Object.values(operationMetas)) {
      expect(table).toContain(`| \`${meta.name}\` |`);
      for (const name of Object.keys(meta.params)) expect(table).toContain(`\`${name}\``);
    }
  });

  it('is what the README shows (run npm run readme after changing a meta)', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(await withTables(readme)).toBe(readme);
  });
});
