/**
 * The Content-Security-Policy of the built site. The offline plugin writes PAGE_POLICY into dist/index.html
 * as a <meta> (build only: `vite dev` injects inline scripts for hot reload, which it forbids). A <meta>
 * policy governs the page only; a host that wants the workers (where tfjs runs) governed too can send
 * HEADER_POLICY as a `Content-Security-Policy` header with every file (README, "Publishing it").
 *
 * Why each directive (docs/ARCHITECTURE.md, "Decisions and why"):
 * - script-src 'self' 'wasm-unsafe-eval': our own bundles only, no 'unsafe-eval' — nothing we ship evaluates
 *   strings (e2e/csp.spec.ts listens for violations on every backend); tfjs-backend-wasm compiles its
 *   WebAssembly binaries, which needs 'wasm-unsafe-eval' and nothing more.
 * - worker-src 'self': the render and job workers are our own scripts.
 * - connect-src 'self' https: http:: the bundled models, and a user's own model by URL (the "Your own model"
 *   panel and links accept any http(s) URL, src/engine/sources.ts), fetched with CORS.
 * - img-src 'self' data:: the model picker's sample strips, the inline icon, and the plots rasterised to PNG
 *   through a data: SVG image (app/files/plots.ts). Downloads (blob: links), the canvas and MediaRecorder are
 *   not governed by CSP, so blob: is not needed.
 * - style-src 'self': the stylesheet; React's style props are set through the CSSOM, which CSP does not
 *   govern, so no 'unsafe-inline'.
 * - object-src 'none', base-uri 'self', form-action 'self': no plugins, no <base> hijack, no form posts away.
 * frame-ancestors is left out: browsers ignore it in a <meta> (a host may add it to the header).
 *
 * The header version adds blob: to script-src and worker-src, for the workers' sake only: the threaded wasm
 * build (cross-origin isolated pages) starts each pthread as a Worker on a Blob of its own source, which then
 * importScripts() a Blob (measured: without blob: in script-src every pthread is refused, script-src-elem).
 */
const COMMON: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self' https: http:"],
  ['img-src', "'self' data:"],
  ['style-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'self'"],
  ['form-action', "'self'"],
];

const format = (directives: ReadonlyArray<readonly [string, string]>) => directives.map(([name, value]) => `${name} ${value}`).join('; ');

/** The <meta> policy of dist/index.html. */
export const PAGE_POLICY = format(COMMON);

/** The same policy for a header sent with every file, so that it also governs the workers and their pthreads. */
export const HEADER_POLICY = format(COMMON.map(([name, value]) =>
  [name, name === 'script-src' || name === 'worker-src' ? `${value} blob:` : value] as const));
