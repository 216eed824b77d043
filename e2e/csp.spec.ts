/**
 * The Content-Security-Policy (scripts/build/csp.ts, a <meta> in dist/index.html): nothing the app does
 * needs 'unsafe-eval', 'unsafe-inline' or another origin's scripts. The built site is served with the same
 * policy also as a header (a <meta> governs only the page; a header also reaches the render and job workers,
 * where tfjs runs, and their threaded-wasm pthreads), with report-uri pointing back at the test server, and
 * with COOP/COEP so that the threaded wasm build runs. Violations are read two ways: the page's
 * `securitypolicyviolation` events, and the reports from every context. Load, a slider drag, a montage job and a
 * plots export on wasm, then load and a slider drag on cpu, webgl and webgpu: none may violate. An eval injected
 * in the page (meta policy alone) and in a worker (header policy) must be refused and reported, which shows the
 * policy is in force.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, snapshot, setSlider, waitForFrame, waitForNewFrame, waitForSliders } from './app';
import { serveStatic, type StaticServer } from './staticServer';
import { HEADER_POLICY } from '../scripts/build/csp.ts';

const PREFIX = '/sub/latent-atlas/';
let b: Launched;
/** The policy as built (read from dist/index.html, not from the source). */
let policy = '';
let withHeader: StaticServer;
let metaOnly: StaticServer;

browserPerFile(async (browser) => {
  b = browser;
  // Every document of the context records its violations before any of its scripts run.
  await b.context.addInitScript(() => {
    const seen: object[] = [];
    (window as unknown as { cspViolations: object[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push({
      directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample,
    }));
  });
});

beforeAll(async () => {
  const html = fs.readFileSync('dist/index.html', 'utf8');
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  if (!m) throw new Error('dist/index.html has no Content-Security-Policy <meta>');
  policy = m[1];
  withHeader = await serveStatic({
    root: 'dist',
    prefix: PREFIX,
    headers: {
      'Content-Security-Policy': `${HEADER_POLICY}; report-uri ${PREFIX}__csp-report`,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  });
  metaOnly = await serveStatic({ root: 'dist', prefix: PREFIX });
  // A worker of our origin that tries to evaluate a string.
  const probe = ['text/javascript', `try { eval('1 + 1'); postMessage('ran'); } catch (e) { postMessage(e.name); }`] as [string, string];
  withHeader.extra.set('__eval-probe.js', probe);
  // A script of our origin in the page that tries the same (an eval typed into page.evaluate is the
  // debugger's, which CSP lets through).
  metaOnly.extra.set('__eval-probe-page.js', ['text/javascript', `try { eval('1 + 1'); window.evalProbe = 'ran'; } catch (e) { window.evalProbe = e.name; }`]);
});

afterAll(async () => {
  await withHeader?.close();
  await metaOnly?.close();
});

beforeEach(() => {
  withHeader.cspReports.length = 0;
});

const violations = (page: Page): Promise<object[]> => page.evaluate(() => (window as unknown as { cspViolations: object[] }).cspViolations);

it('the policy forbids eval: no unsafe-eval, no unsafe-inline scripts, wasm allowed', () => {
  const script = /(?:^|;\s*)script-src ([^;]+)/.exec(policy)?.[1] ?? '';
  expect(script.split(/\s+/).sort()).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(policy).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
  expect(HEADER_POLICY).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
  expect(policy).toMatch(/object-src 'none'/);
  expect(policy).toMatch(/base-uri 'self'/);
});

it('wasm (threaded): load, slider drag, a montage job and a plots export raise no violation', async () => {
  const page = b.page;
  await page.goto(`${withHeader.url}?backend=wasm&wasmThreads=2`);
  await waitForFrame(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await waitForSliders(page)).toBeGreaterThan(0);
  const key = (await snapshot(page)).frameKey!;
  await setSlider(page, 0, 0.05);
  await waitForNewFrame(page, key);
  await page.click('#tab-montage');
  await page.locator('[data-testid=montage]').waitFor({ timeout: 180_000 });
  // The spectrum's plots, exported through a data: SVG image (app/files/plots.ts).
  await page.click('#tab-spectrum');
  await page.waitForSelector('.tabpanel svg.plot', { timeout: 180_000 });
  await page.click('[data-testid=export-menu]');
  await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid=export-plots]')]);
  const s = await snapshot(page);
  expect(s.error).toBeNull();
  expect(s.backend).toBe('wasm');
  expect(await page.locator('[data-testid=status-threads]').getAttribute('data-threads')).toBe('2');
  await screenshot(page, 'csp-wasm');
  expect(await violations(page)).toEqual([]);
  expect(withHeader.cspReports).toEqual([]);
});

for (const backend of ['cpu', 'webgl', 'webgpu'] as const) {
  // WebGL and WebGPU are emulated in software here (SwiftShader): slow, hence the longer time allowed.
  it(`${backend}: load and a slider drag raise no violation`, { timeout: 480_000 }, async () => {
    const page = b.page;
    await page.goto(`${withHeader.url}?backend=${backend}`);
    await waitForFrame(page, '', 180_000);
    const s = await snapshot(page);
    expect(s.error).toBeNull();
    expect(s.backend).toBe(backend);
    expect(await waitForSliders(page)).toBeGreaterThan(0);
    const key = (await snapshot(page)).frameKey!;
    await setSlider(page, 0, 0.05);
    await waitForNewFrame(page, key, 180_000);
    expect(await violations(page)).toEqual([]);
    expect(withHeader.cspReports).toEqual([]);
  });
}

it('an eval injected in the page is refused by the <meta> policy alone and reported as a violation', async () => {
  const page = b.page;
  await page.goto(metaOnly.url);
  await waitForFrame(page);
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.src = '__eval-probe-page.js';
    document.head.append(script);
  });
  await page.waitForFunction(() => (window as unknown as { evalProbe?: string }).evalProbe !== undefined);
  const outcome = await page.evaluate(() => (window as unknown as { evalProbe: string }).evalProbe);
  expect(outcome).toBe('EvalError');
  await page.waitForFunction(() => (window as unknown as { cspViolations: unknown[] }).cspViolations.length > 0);
  expect(await violations(page)).toEqual([expect.objectContaining({ directive: 'script-src', blocked: 'eval' })]);
});

it('an eval in a worker is refused by the policy sent as a header, and the worker\'s report arrives', async () => {
  const page = b.page;
  await page.goto(withHeader.url);
  await waitForFrame(page);
  const outcome = await page.evaluate(() => new Promise<string>((resolve) => {
    const w = new Worker('__eval-probe.js');
    w.onmessage = (e) => resolve(String(e.data));
    w.onerror = (e) => resolve(`error: ${e.message}`);
  }));
  expect(outcome).toBe('EvalError');
  const deadline = Date.now() + 30_000;
  while (withHeader.cspReports.length === 0 && Date.now() < deadline) await page.waitForTimeout(200);
  expect(JSON.stringify(withHeader.cspReports)).toMatch(/__eval-probe\.js/);
  expect(JSON.stringify(withHeader.cspReports)).toMatch(/"blocked-uri":"eval"/);
});
