/**
 * Offline after one visit (workers/sw.ts, written into dist/sw.js with its precache list by
 * scripts/build/offline.ts), served as a teacher would serve it: a plain static server under a sub-path.
 * First visit online: the service worker installs, precaches the build and controls the page; then the
 * network goes away (the browser offline and the server dropping every connection) and a reload still loads
 * the app, draws a frame and computes sliders; so does a reload against a server that accepts and never answers,
 * after the service worker's timeout. The precache must be exactly the files of dist/ (listed here
 * by walking the folder), a new build must replace the old cache, and other origins are never touched.
 * Under COOP/COEP (the headers `npm start` sends) the page must stay cross-origin isolated when it comes
 * from the cache, with threaded wasm still running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, snapshot, waitForFrame, waitForSliders } from './app';
import { filesOf, serveStatic, type StaticServer } from './staticServer';
import { precacheOf, serviceWorkerSource } from '../scripts/build/offline.ts';

const PREFIX = '/sub/latent-atlas/';
/** What `npm start` (vite preview) sends: vite.config.ts's ISOLATION_HEADERS. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

let b: Launched;
let modelId = '';
let site = '';
let plain: StaticServer;
let isolated: StaticServer;
let other: StaticServer;

browserPerFile((browser, id) => {
  b = browser;
  modelId = id;
}, { serviceWorkers: 'allow' });

beforeAll(async () => {
  // A copy of dist/ (built by globalSetup), so that a "redeploy" can change it.
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-atlas-offline-'));
  fs.cpSync('dist', site, { recursive: true });
  plain = await serveStatic({ root: site, prefix: PREFIX });
  isolated = await serveStatic({ root: site, prefix: PREFIX, headers: ISOLATION });
  // Another origin, as a user's own model by URL would be (CORS allowed, and CORP for the isolated page).
  other = await serveStatic({ root: site, prefix: '/', headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' } });
});

afterAll(async () => {
  await b?.context.setOffline(false);
  await plain?.close();
  await isolated?.close();
  await other?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

/** The PRECACHE that dist/sw.js was written with. */
function precacheInSw(dir: string): { version: string; files: string[] } {
  const m = /^const PRECACHE = (.*);$/m.exec(fs.readFileSync(path.join(dir, 'sw.js'), 'utf8'));
  if (!m) throw new Error('sw.js has no PRECACHE line');
  return JSON.parse(m[1]) as { version: string; files: string[] };
}

/** Wait until a service worker is active (its precache complete: activation follows a successful install) and controls the page. */
async function waitForControl(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 180_000 });
  } catch (e) {
    const logs = b.logs.filter((l) => /service worker|offline/i.test(l)).join('\n');
    throw new Error(`No service worker took control of the page.\n${logs}`, { cause: e });
  }
}

/** The page open on `server`'s site (opened there if a test alone left it elsewhere) and controlled by its service worker. */
async function controlledAt(page: Page, server: StaticServer): Promise<void> {
  if (!page.url().startsWith(server.url)) {
    await page.goto(server.url);
    await waitForFrame(page);
  }
  await waitForControl(page);
}

/** Every cache of the page's origin: name → the URLs in it. */
function cacheContents(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await globalThis.caches.keys()) out[name] = (await (await globalThis.caches.open(name)).keys()).map((r) => r.url).sort();
    return out;
  });
}

async function offline(server: StaticServer, on: boolean): Promise<void> {
  server.down = on;
  await b.context.setOffline(on);
}

it('works offline after one visit from a sub-path: the precache is exactly dist/, a reload without network draws and computes sliders', async () => {
  const page = b.page;
  await page.goto(plain.url);
  await waitForFrame(page);
  expect(await waitForSliders(page)).toBeGreaterThan(0);
  await waitForControl(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
  expect(scope).toBe(plain.url);

  // The precache: what sw.js lists and what the cache holds, both equal to the files of dist/ but sw.js.
  const expected = filesOf(site).filter((f) => f !== 'sw.js');
  const listed = precacheInSw(site);
  expect(listed.files).toEqual(expected);
  const held = await cacheContents(page);
  expect(Object.keys(held)).toEqual([`latent-atlas ${plain.url} ${listed.version}`]);
  expect(Object.values(held)[0]).toEqual(expected.map((f) => new URL(f, plain.url).href).sort());
  const bytes = expected.reduce((s, f) => s + fs.statSync(path.join(site, f)).size, 0);
  console.log(`precache: ${expected.length} files, ${(bytes / 1e6).toFixed(1)} MB`);

  // Another origin (a user's own model by URL) is neither answered by the service worker nor cached.
  const foreign = `${other.origin}/models/index.json`;
  const seen = page.waitForResponse(foreign);
  expect(await page.evaluate(async (u) => (await fetch(u)).status, foreign)).toBe(200);
  expect((await seen).fromServiceWorker()).toBe(false);
  expect(Object.values(await cacheContents(page)).flat().filter((u) => !u.startsWith(plain.url))).toEqual([]);

  // No network at all, then reload.
  await offline(plain, true);
  try {
    const fromWorker: string[] = [];
    const onResponse = (r: import('playwright-core').Response) => { if (r.fromServiceWorker()) fromWorker.push(r.url()); };
    page.on('response', onResponse);
    await page.reload();
    await waitForFrame(page);
    expect(await waitForSliders(page)).toBeGreaterThan(0);
    page.off('response', onResponse);
    const s = await snapshot(page);
    expect(s.error).toBeNull();
    expect(s.model).toBe(modelId);
    expect(fromWorker).toContain(plain.url);
    expect(fromWorker.some((u) => u.includes(`/models/${modelId}/`))).toBe(true);
    // A plain static server sends no COOP/COEP: not isolated, single-threaded wasm, and that is fine.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await screenshot(page, 'offline-reload');
  } finally {
    await offline(plain, false);
  }
});

it('a new build replaces the old cache: a changed model file changes sw.js, and the new worker refills and deletes the old', async () => {
  const page = b.page;
  await controlledAt(page, plain);
  const before = precacheInSw(site);
  expect(Object.keys(await cacheContents(page))).toEqual([`latent-atlas ${plain.url} ${before.version}`]);
  // A redeploy with one model file changed (a teacher's edit of the model list, say).
  const index = path.join(site, 'models/index.json');
  const changed = `${fs.readFileSync(index, 'utf8').trimEnd()}\n\n`;
  fs.writeFileSync(index, changed);
  const next = precacheOf(site);
  fs.writeFileSync(path.join(site, 'sw.js'), serviceWorkerSource(fs.readFileSync('workers/sw.ts', 'utf8'), next));
  expect(next.version).not.toBe(before.version);

  const mark = plain.requests.length;
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  // The new worker installs (precaching the new build), takes over and deletes the old cache.
  const name = `latent-atlas ${plain.url} ${next.version}`;
  const deadline = Date.now() + 180_000;
  while (JSON.stringify(Object.keys(await cacheContents(page))) !== JSON.stringify([name])) {
    if (Date.now() > deadline) throw new Error(`The caches never became [${name}]: ${JSON.stringify(Object.keys(await cacheContents(page)))}`);
    await page.waitForTimeout(500);
  }
  expect(plain.requests.slice(mark)).toContain(`${PREFIX}models/index.json`);
  const cached = await page.evaluate(async (u) => (await (await caches.match(u))!.text()), new URL('models/index.json', plain.url).href);
  expect(cached).toBe(changed);
});

it('stays cross-origin isolated when the page comes from the cache, with threaded wasm running offline', async () => {
  const page = b.page;
  const threads = () => page.evaluate(() => ({
    isolated: crossOriginIsolated,
    threads: document.querySelector('[data-testid=status-threads]')?.getAttribute('data-threads') ?? null,
  }));
  await page.goto(`${isolated.url}?backend=wasm&wasmThreads=2`);
  await waitForFrame(page);
  expect(await threads()).toEqual({ isolated: true, threads: '2' });
  await waitForControl(page);

  await offline(isolated, true);
  try {
    await page.reload();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await waitForFrame(page);
    expect(await waitForSliders(page)).toBeGreaterThan(0);
    expect((await snapshot(page)).error).toBeNull();
    expect(await threads()).toEqual({ isolated: true, threads: '2' });
    await screenshot(page, 'offline-reload-isolated');
  } finally {
    await offline(isolated, false);
  }
});

// Last: the requests it leaves behind (held, then dropped) and the worker's stall window must not reach the other tests.
it('a server that accepts and never answers: the reload falls back on the cache after the timeout instead of hanging', async () => {
  const page = b.page;
  await controlledAt(page, plain);
  // The browser believes it is online and the server takes every connection, but answers none of them.
  plain.stall = true;
  const held = plain.held;
  try {
    const t0 = Date.now();
    // Without the service worker's timeout the navigation would wait for the silent server until this gives up.
    await page.reload({ timeout: 90_000 });
    await waitForFrame(page);
    expect(await waitForSliders(page)).toBeGreaterThan(0);
    const s = await snapshot(page);
    expect(s.error).toBeNull();
    expect(s.model).toBe(modelId);
    expect(plain.held - held).toBeGreaterThan(0); // the requests really went to the server and were held there
    console.log(`reload against a silent server: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${plain.held - held} requests held`);
    await screenshot(page, 'offline-silent-server');
  } finally {
    plain.stall = false;
    plain.dropHeld();
  }
});
