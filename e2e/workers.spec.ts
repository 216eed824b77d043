/**
 * Threads and the job-worker pool in the built app:
 * - served with COOP/COEP (vite preview, as `npm start`), the page is cross-origin isolated and the render
 *   worker's wasm runs the threaded build with navigator.hardwareConcurrency threads; served by a plain
 *   static server without those headers, the same build runs single-threaded and still draws;
 * - a sweep with a pool of two job workers (`?jobWorkers=2`) runs on both and gives the numbers one
 *   worker gives.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Launched } from './browser';
import { browserPerFile, openApp, waitForFrame } from './app';

let b: Launched;

browserPerFile((browser) => {
  b = browser;
});

type Threads = { isolated: boolean; cores: number; threads: string | null; workers: string | null };
const threads = (page: Page): Promise<Threads> => page.evaluate(() => ({
  isolated: crossOriginIsolated,
  cores: navigator.hardwareConcurrency,
  threads: document.querySelector('[data-testid=status-threads]')?.getAttribute('data-threads') ?? null,
  workers: document.querySelector('[data-testid=status-jobs]')?.getAttribute('data-workers') ?? null,
}));

// dist/ served as files with no extra headers, the way a static host serves it.
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.bin': 'application/octet-stream', '.svg': 'image/svg+xml' };
let staticServer: http.Server;
let staticUrl: string;
beforeAll(async () => {
  const root = path.resolve('dist');
  staticServer = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
  const address = staticServer.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  staticUrl = `http://127.0.0.1:${address.port}/`;
});
afterAll(() => new Promise<void>((resolve) => staticServer?.close(() => resolve())));

it('is cross-origin isolated from vite preview and runs threaded wasm there', async () => {
  await openApp(b.page, { query: 'backend=wasm' });
  const t = await threads(b.page);
  expect(t.isolated).toBe(true);
  expect(Number(t.threads)).toBe(t.cores);
});

it('runs single-threaded from a static server without COOP/COEP, and still draws', async () => {
  await b.page.goto('about:blank');
  await b.page.goto(`${staticUrl}?backend=wasm`);
  await waitForFrame(b.page);
  const t = await threads(b.page);
  expect(t.isolated).toBe(false);
  expect(t.threads).toBe('1');
});

/** A sweep of `count` from the atlas panel with `workers` job workers; its log C^H values and how many workers ran. */
async function sweep(page: Page, workers: number, count: number): Promise<{ logCorrelations: number[]; spawned: number; size: number }> {
  await openApp(page, { query: `backend=wasm&jobWorkers=${workers}`, hash: 'v=1&seed=5&panel=atlas' });
  await page.fill('.atlas-panel input[type=number]', String(count));
  await page.click('text="Sweep"');
  await page.locator('[data-testid=sweep]').waitFor({ timeout: 200_000 });
  return page.evaluate(() => {
    const atlas = (window as unknown as { latentAtlas: { state(): { results: { sweep?: { value: { logCorrelations: number[] } } } }; jobWorkers(): { size: number; spawned: number } } }).latentAtlas;
    return { logCorrelations: atlas.state().results.sweep!.value.logCorrelations, ...atlas.jobWorkers() };
  });
}

it('a sweep runs on two job workers and gives the numbers one worker gives', async () => {
  const two = await sweep(b.page, 2, 6);
  expect(two.size).toBe(2);
  expect(two.spawned).toBe(2);
  expect(await b.page.getAttribute('[data-testid=status-jobs]', 'data-workers')).toBe('2');
  const one = await sweep(b.page, 1, 6);
  expect(one.size).toBe(1);
  expect(two.logCorrelations).toHaveLength(30);
  two.logCorrelations.forEach((c, i) => expect(Math.abs(c - one.logCorrelations[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c))));
});
