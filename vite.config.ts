import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { apiOfflinePlugin } from './scripts/api-offline-plugin.ts';
import { offlineFilesPlugin } from './scripts/offline-files-plugin.ts';
import { aliases } from './scripts/aliases.ts';
import { pagePolicyPlugin } from './scripts/page-policy-plugin.ts';

// What the first visit does not precache: the image engine's binaries (the WASM-only build, and
// the JSEP one only a device with a hardware WebGPU adapter loads), OpenCV.js and the encoders
// (each loaded when an operation needs it, then kept), and every model. The inference worker
// fetches and keeps the engine and the default model for the first job (workers/inference.ts).
const onDemand = [
  '**/*.wasm',
  '**/opencv-module-*.js',
  '**/avif_enc*.js',
  '**/ort.bundle.min-*.js',
  'models/**',
];

// Cross-origin isolation lets onnxruntime-web use WASM threads (SharedArrayBuffer).
// Any static host serving dist/ needs these same two headers (see README).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    svelte(),
    pagePolicyPlugin(),
    apiOfflinePlugin(),
    offlineFilesPlugin(),
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
        // Share photos to the installed app: the service worker keeps them and opens the app
        // with them as a batch (src/sw/share-target.ts; the names are in src/jobs/share-inbox.ts).
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'photos', accept: ['image/*', 'video/*'] }] },
        },
      },
      injectManifest: {
        // The app shell only (about 1 MB): everything else is fetched when a job needs it and
        // kept then (src/inference/runtime-files.ts, the service worker's runtime route), or all
        // at once with "Make everything available offline".
        globPatterns: ['**/*.{html,js,css,svg,webmanifest,json}'],
        globIgnores: onDemand,
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // A classic (non-module) worker registers in every browser that has service workers.
        rollupFormat: 'iife',
      },
    }),
  ],
  resolve: { alias: aliases },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // The app, and /engine.js: the include that lets any page of the origin host the engine.
      input: { index: 'index.html', embed: 'embed.html', engine: 'src/engine/standalone.ts' },
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
