/**
 * Threads and the job-worker pool in the built app:
 * - served with COOP/COEP (vite preview, as `npm start`), the page is cross-origin isolated: the render
 *   worker's wasm gets the cores the job pool leaves (1 on 2 cores) and runs the threaded build when asked
 *   for more; served by a plain static server without those headers, it runs single-threaded and still draws;
 * - on WebGL a slider drag holds a running sweep, and the drag's end lets it go on;
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
import { poolSize } from '../src/engine/pool';

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

it('is cross-origin isolated from vite preview: frames get the cores the job pool leaves, and threaded wasm runs when asked', async () => {
  await openApp(b.page, { query: 'backend=wasm' });
  const t = await threads(b.page);
  expect(t.isolated).toBe(true);
  expect(Number(t.threads)).toBe(Math.max(1, t.cores - poolSize(t.cores)));
  // The threaded build itself (its pthreads start from the factory's source text: see vite.config.ts).
  await openApp(b.page, { query: 'backend=wasm&wasmThreads=2' });
  expect((await threads(b.page)).threads).toBe('2');
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

type SweepState = { paused: boolean; done: number | null; running: boolean };
const sweepState = (page: Page): Promise<SweepState> => page.evaluate(() => {
  const s = (window as unknown as { latentAtlas: { state(): { jobsPaused: boolean; jobs: { sweep?: { progress: { done: number } | null } } } } }).latentAtlas.state();
  return { paused: s.jobsPaused, done: s.jobs.sweep?.progress?.done ?? null, running: Boolean(s.jobs.sweep?.progress) };
});

it('on wasm a drag holds the jobs exactly when the cores cannot spare one for frames (cores < job workers + 2)', async () => {
  await openApp(b.page, { query: 'backend=wasm', hash: 'v=1&seed=5' });
  await b.page.locator('[data-testid=sliders]').waitFor({ timeout: 300_000 });
  const setup = await b.page.evaluate(() => ({ cores: navigator.hardwareConcurrency, size: (window as unknown as { latentAtlas: { jobWorkers(): { size: number } } }).latentAtlas.jobWorkers().size }));
  await b.page.dispatchEvent('[data-testid=slider-0]', 'pointerdown');
  expect((await sweepState(b.page)).paused).toBe(setup.cores < setup.size + 2);
  await b.page.evaluate(() => window.dispatchEvent(new PointerEvent('pointerup')));
  expect((await sweepState(b.page)).paused).toBe(false);
});

it('on a GPU backend a slider drag holds the sweep, and its end lets it go on', async () => {
  await openApp(b.page, { query: 'backend=webgl', hash: 'v=1&seed=5&panel=atlas' });
  await b.page.locator('[data-testid=sliders]').waitFor({ timeout: 300_000 });
  await b.page.fill('.atlas-panel input[type=number]', '12');
  await b.page.click('text="Sweep"');
  const doneAtLeast = (n: number, timeout: number) => b.page.waitForFunction((n) => ((window as unknown as { latentAtlas: { state(): { jobs: { sweep?: { progress: { done: number } | null } } } } }).latentAtlas
    .state().jobs.sweep?.progress?.done ?? 0) >= n, n, { timeout });
  // How long one item (one metric on the emulated GPU) takes here, to size the waits below.
  await doneAtLeast(1, 300_000);
  const t1 = Date.now();
  await doneAtLeast(2, 300_000);
  const itemMs = Date.now() - t1;
  await b.page.dispatchEvent('[data-testid=slider-0]', 'pointerdown');
  expect((await sweepState(b.page)).paused).toBe(true);
  // A drag moves the pointer: each move renews the hold, whose 15-s limit would otherwise end it mid-test
  // when an item takes seconds (it did once in CI: two items finished "while held").
  await b.page.evaluate(() => { (window as unknown as { dragMoves: number }).dragMoves = window.setInterval(() => window.dispatchEvent(new PointerEvent('pointermove')), 1_000); });
  // The item in flight still finishes (a job is held at its next checkpoint); after that, nothing moves
  // for longer than an item takes while the drag lasts.
  const start = (await sweepState(b.page)).done!;
  await doneAtLeast(start + 1, 3 * itemMs + 10_000).catch(() => undefined);
  const held = (await sweepState(b.page)).done!;
  expect(held - start).toBeLessThanOrEqual(1);
  await b.page.waitForTimeout(1.5 * itemMs + 2_000);
  expect((await sweepState(b.page)).done).toBe(held);
  await b.page.evaluate(() => { window.clearInterval((window as unknown as { dragMoves: number }).dragMoves); window.dispatchEvent(new PointerEvent('pointerup')); });
  expect((await sweepState(b.page)).paused).toBe(false);
  await doneAtLeast(held + 1, 3 * itemMs + 60_000);
  await b.page.click('[data-testid=job-sweep] >> text=Cancel').catch(() => undefined);
});
