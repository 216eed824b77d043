/**
 * The built site deployed as a teacher would: the files of dist/ on a plain static file server under a
 * sub-path (/sub/latent-atlas/), with no special headers (so no cross-origin isolation: the wasm backend runs
 * single-threaded). The app must load its scripts, workers, wasm binaries and bundled models from there, draw
 * a frame and compute sliders, with nothing requested outside the sub-path.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, screenshot, type Launched } from './browser';
import { snapshot, waitForFrame, waitForSliders } from './app';

const PREFIX = '/sub/latent-atlas/';
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.bin': 'application/octet-stream', '.svg': 'image/svg+xml',
};

let server: http.Server;
let origin = '';
const requests: string[] = [];
let b: Launched;

beforeAll(async () => {
  // globalSetup has built dist/ for this run.
  const root = path.resolve('dist');
  server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(url);
    if (!url.startsWith(PREFIX)) { res.writeHead(404).end(); return; }
    let file = path.join(root, url.slice(PREFIX.length));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
  b = await launch();
});

afterAll(async () => {
  await b?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

it('runs from a sub-path of a plain static server: frame, sliders, nothing fetched outside the sub-path', async () => {
  await b.page.goto(`${origin}${PREFIX}`);
  await waitForFrame(b.page);
  expect(await waitForSliders(b.page)).toBeGreaterThan(0);
  const s = await snapshot(b.page);
  expect(s.error).toBeNull();
  expect(s.model).not.toBeNull();
  const outside = requests.filter((u) => !u.startsWith(PREFIX) && u !== '/favicon.ico');
  expect(outside, `requested outside ${PREFIX}`).toEqual([]);
  // Without COOP/COEP headers the page is not cross-origin isolated: single-threaded wasm, and it still works.
  expect(await b.page.evaluate(() => crossOriginIsolated)).toBe(false);
  await screenshot(b.page, 'deploy-subpath');
});
