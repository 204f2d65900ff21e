// Builds the bench pages (not part of the app): Kintsugi's own engine code and the UpscalerJS peer,
// served by `vite preview` with the app's cross-origin isolation headers so WASM threads work.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { aliases } from '../scripts/aliases.ts';

const root = fileURLToPath(new URL('./pages', import.meta.url));

export default defineConfig({
  root,
  publicDir: fileURLToPath(new URL('../public', import.meta.url)),
  resolve: { alias: aliases },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL(`../${process.env.BENCH_DIST ?? 'dist-bench'}`, import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8192,
    // tfjs-backend-wasm's pthread workers break when its bundle is minified (ReferenceError in
    // the worker), which would leave UpscalerJS on one thread.
    minify: false,
    rolldownOptions: {
      input: (process.env.BENCH_PAGES ?? 'kintsugi,upscaler')
        .split(',')
        .map((name) => `${root}/${name}.html`),
    },
  },
  preview: {
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
    host: '127.0.0.1',
    strictPort: true,
  },
});
