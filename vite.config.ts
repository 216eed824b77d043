/**
 * Build of the browser app. `vite build` writes dist/ (public/, including the bundled models, is
 * copied in as is); `vite preview` serves dist/. Workers are ES modules so they can import tfjs and
 * our src/ like any other module. Nothing is fetched from a CDN: the tfjs wasm binaries are emitted
 * as assets of this build (workers/wasmBinaries.ts, the threaded one included).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { offline } from './scripts/build/offline.ts';

/**
 * Cross-origin isolation: with these two headers the page (and its workers) may share memory, so the
 * tfjs wasm backend loads its threaded SIMD binary and runs XNNPACK on every core. Static hosting
 * without them still works: tfjs sees no SharedArrayBuffer and picks the single-threaded SIMD binary.
 * ATLAS_ISOLATION=off serves without them (to measure that path, `npm run bench -- --only browser`).
 * Everything the app loads is same-origin, so require-corp blocks nothing of ours; a user's remote
 * model is fetched with CORS, which require-corp accepts.
 */
const ISOLATION_HEADERS = process.env.ATLAS_ISOLATION === 'off' ? {} : {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of any static host (a course page's
  // /sub/latent-atlas/, a file server), not only from a domain's root. The app already fetches its models
  // relative to the page (new URL('models/', document.baseURI)).
  base: './',
  // offline(): the service worker with its precache list and the Content-Security-Policy <meta>, build only
  // (scripts/build/offline.ts).
  plugins: [react(), offline()],
  publicDir: 'public',
  worker: {
    format: 'es',
    // The workers are minified without compression or renaming (only whitespace goes: 3.1 MB instead of
    // 2.4 MB each): tfjs-backend-wasm starts its pthreads from the *source text* of its threaded module
    // factory (factory.toString() in a Blob), which must stay self-contained. Fully minified, the factory's
    // guarded read of an outer variable (`typeof _scriptDir !== 'undefined' && _scriptDir`) became a bare
    // reference to a renamed one, and every pthread worker died with "e is not defined".
    rolldownOptions: { output: { minify: { compress: false, mangle: false } } },
  },
  // Pre-bundle the worker's heavy dependencies up front, so the dev server does not discover them
  // late and reload the page mid-start.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'comlink'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // tfjs with three backends is one large chunk by nature; it is loaded by the worker only.
    chunkSizeWarningLimit: 4096,
    // Bundling tfjs into the worker is slow by nature (and slower beside a training run); the timing
    // report it triggers is noise, not a problem to act on.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: { port: 5173, headers: ISOLATION_HEADERS },
  preview: { port: 5173, headers: ISOLATION_HEADERS },
});
