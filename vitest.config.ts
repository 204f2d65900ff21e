import { defineConfig } from 'vitest/config';
import { aliases } from './scripts/aliases.ts';

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: [
      'src/**/*.test.ts',
      'workers/**/*.test.ts',
      'models/**/*.test.ts',
      'scripts/**/*.test.ts',
      'e2e/support/**/*.test.ts',
      'bench/lib/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 120_000,
  },
});
