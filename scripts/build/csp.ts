/**
 * The Content-Security-Policy of the built site, written into dist/index.html as a <meta> by the offline
 * plugin (build only: `vite dev` injects inline scripts for hot reload, which this policy forbids).
 *
 * Why each directive (docs/ARCHITECTURE.md, "Decisions and why"):
 * - script-src 'self' 'wasm-unsafe-eval': our own bundles only, no 'unsafe-eval' — nothing we ship evaluates
 *   strings; tfjs-backend-wasm compiles its WebAssembly binaries, which needs 'wasm-unsafe-eval' and nothing
 *   more (e2e/csp.spec.ts listens for violations on the wasm and cpu backends).
 * - worker-src 'self' blob:: the render and job workers are our own scripts; the threaded wasm build starts
 *   its pthreads from a Blob of its own source (this matters where a host sends the policy as a header, which
 *   then also governs the workers; a <meta> policy governs the page only).
 * - connect-src 'self' https: http:: the bundled models, and a user's own model by URL (the "Your own model"
 *   panel accepts any http(s) URL, src/engine/sources.ts), fetched with CORS.
 * - img-src 'self' data: blob:: the model picker's sample strips, the inline icon, the plots rasterised to PNG
 *   through a data: SVG image (app/files/plots.ts).
 * - media-src 'self' blob:: a recorded WebM is a Blob.
 * - style-src 'self': the stylesheet; React's style props are set through the CSSOM, which CSP does not govern,
 *   so no 'unsafe-inline'.
 * - object-src 'none', base-uri 'self', form-action 'self': no plugins, no <base> hijack, no form posts away.
 * frame-ancestors is left out: browsers ignore it in a <meta> (a host may send it as a header).
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['worker-src', "'self' blob:"],
  ['connect-src', "'self' https: http:"],
  ['img-src', "'self' data: blob:"],
  ['media-src', "'self' blob:"],
  ['style-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'self'"],
  ['form-action', "'self'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');
