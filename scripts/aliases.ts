import { fileURLToPath } from 'node:url';

/**
 * The import aliases of the tsconfigs' `paths` (`@/media/image.ts` is src/media/image.ts), for
 * Vite and Vitest: one import names a file the same way wherever it is imported from.
 */
export const aliases = [
  { find: /^@\//, replacement: fileURLToPath(new URL('../src/', import.meta.url)) },
  { find: /^@models\//, replacement: fileURLToPath(new URL('../models/', import.meta.url)) },
];
