import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import manifest from './models/manifest.json' with { type: 'json' };
import { apiOfflinePlugin } from './scripts/api-offline-plugin.ts';
import { pagePolicyPlugin } from './scripts/page-policy-plugin.ts';

// The default upscaler's file (Real-ESRGAN general: enhance at every scale and the built-in face
// path) as the worker picks it without shader-f16 (the first float32-compute variant, int8 or
// fp16w as the build decided), precached with the shell.
const precachedModelFiles = ['realesr-general-x4v3'].map((id) => {
  const variant = manifest.models
    .find((model) => model.id === id)
    ?.variants.find((v) => v.compute === 'float32');
  if (!variant) throw new Error(`models/manifest.json has no ${id}: run npm run models`);
  return variant.file;
});

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
        // The app shell, the ORT runtime (~28 MB .wasm) and the default upscaler go into the
        // precache so a reload with no network still runs a job. Other models are stored on
        // demand, when the user makes them available offline.
        globPatterns: ['**/*.{html,js,css,svg,webmanifest,wasm,mjs}', ...precachedModelFiles],
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
