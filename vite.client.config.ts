import { defineConfig } from 'vite';

// The integrators' client (src/client/client.ts) as one small ES module next to the app:
// `dist/client.js`, with `dist/client.d.ts` from `tsc -p tsconfig.client.json`. Built after the
// app into the same folder, so it must not empty it.
export default defineConfig({
  publicDir: false,
  build: {
    target: 'es2022',
    emptyOutDir: false,
    lib: {
      entry: 'src/client/client.ts',
      formats: ['es'],
      fileName: () => 'client.js',
    },
  },
});
