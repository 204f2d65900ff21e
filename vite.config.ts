import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets onnxruntime-web use WASM threads (SharedArrayBuffer).
// Any static host serving dist/ needs these same two headers (see README).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: {
        name: 'Kintsugi: photo restoration on your device',
        short_name: 'Kintsugi',
        description: 'Upscale and restore photos on your own GPU. Nothing is uploaded.',
        theme_color: '#1d1b16',
        background_color: '#1d1b16',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any maskable' }],
      },
      injectManifest: {
        // The app shell, the ORT runtime (~28 MB .wasm) and the default upscaler go into the
        // precache so a reload with no network still runs a job. Other models are stored on
        // demand, when the user makes them available offline.
        globPatterns: [
          '**/*.{html,js,css,svg,webmanifest,wasm,mjs}',
          'models/esrgan-medium-x{2,4}.fp16w.onnx',
        ],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // A classic (non-module) worker registers in every browser that has service workers.
        rollupFormat: 'iife',
      },
    }),
  ],
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // The app, and /engine.js: the include that lets any page of the origin host the engine.
      input: { index: 'index.html', engine: 'src/engine/standalone.ts' },
      // Pages include /engine.js by that name, so it alone is unhashed. What it imports stays in
      // hashed chunks under assets/ (shared with the app), so a new build is still picked up.
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'engine' ? 'engine.js' : 'assets/[name]-[hash].js',
      },
    },
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, host: '127.0.0.1', port: 4173, strictPort: true },
});
