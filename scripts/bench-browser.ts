/**
 * Slider-to-pixels latency in headless Chromium (Debian's /usr/bin/chromium), per tfjs backend, for the
 * default model: the time from a slider's input event to the canvas showing the frame for that slider
 * value, p50 and p95 over sequential moves inside one drag (pointerdown … pointerup, so on a GPU backend
 * the background jobs are held) — alone, and with a sweep of metric jobs running in the job workers (the
 * render worker must not wait for them); and the time of one basis job (the exact metric and its rates, in
 * a job worker). Part of `npm run bench` (`--only browser`).
 *
 * Every backend runs cross-origin isolated (COOP/COEP from `vite preview`, as `npm start` serves it: wasm
 * runs its threaded build in the render worker); wasm runs a second time without isolation
 * (ATLAS_ISOLATION=off: single-threaded, as on a static host without those headers). Each row records the
 * threads the render worker ran with and the machine's load.
 *
 * The built app (dist/, built here if missing) is served by `vite preview` on 127.0.0.1. WebGPU and
 * WebGL run on SwiftShader here: their numbers show correctness of the pipeline, not GPU speed.
 */
import fs from 'node:fs';
import { build, preview } from 'vite';
import type { Page } from 'playwright-core';
import { launch } from '../e2e/browser';
import { machineLoad, type MachineLoad } from './lib/machineLoad';

export interface LatencyRow {
  backend: string;
  /** Served with COOP/COEP (threads possible), and the render worker's wasm threads (wasm only). */
  isolated: boolean;
  threads: number | null;
  jobWorkers: number | null;
  /** Median time of a basis job (metric + rates) for three seeds, as the app reports it (wasm only). */
  basisMs: number | null;
  /** The backend the app reported (a requested one that failed to start falls back). */
  ran: string | null;
  events: number;
  alone: { p50: number; p95: number; max: number } | null;
  withMetricJob: { p50: number; p95: number; max: number; jobStillRunning: boolean } | null;
  load?: { before: MachineLoad; after: MachineLoad };
  note?: string;
}

const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const summary = (xs: number[]) => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs) });

/** n sequential slider moves; each waits for its own frame. Milliseconds per move. */
async function sliderLatencies(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const input = document.querySelector('[data-testid=slider-0]') as HTMLInputElement;
    const canvas = document.querySelector('canvas.main-canvas') as HTMLCanvasElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const step = Number(input.step);
    const out: number[] = [];
    // One drag: the app holds background jobs between pointerdown and pointerup on a GPU backend.
    input.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    for (let i = 0; i < n; i++) {
      // Distinct grid values in [-2, 2] so every move asks for a new frame.
      const wanted = step * (((i * 7) % 101) - 50);
      const t0 = performance.now();
      setter.call(input, String(wanted));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const v = Number(input.value);
      const mark = v === 0 ? null : `:${v}|`;
      await new Promise<void>((resolve) => {
        const done = () => {
          const key = canvas.dataset.frame ?? '';
          return mark === null ? !key.includes(':') : key.includes(mark);
        };
        if (done()) return resolve();
        const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(); } });
        obs.observe(canvas, { attributes: true, attributeFilter: ['data-frame'] });
      });
      // The frame is on the canvas once the attribute is set (same effect); let it paint.
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      out.push(performance.now() - t0);
    }
    window.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    return out;
  }, n);
}

/** Median time of the basis job (the exact metric and its rates) over three new seeds, as the app reports it. */
async function basisMs(page: Page): Promise<number> {
  const times: number[] = [];
  for (const seed of [11, 12, 13]) {
    await page.fill('#seed-input', String(seed));
    const ms = await page.waitForFunction((seed) => {
      const s = (window as unknown as { latentAtlas: { state(): { seed: number; jobs: { basis?: { ms: number | null; progress: unknown } }; results: { basis?: { key: string } } } } }).latentAtlas.state();
      const done = s.seed === seed && s.results.basis?.key.includes(`|${seed}|`) && s.jobs.basis && !s.jobs.basis.progress && s.jobs.basis.ms !== null;
      return done ? s.jobs.basis!.ms : null;
    }, seed, { timeout: 300_000 });
    times.push((await ms.jsonValue()) as number);
  }
  return quantile(times, 0.5);
}

type Served = { base: string; close(): Promise<void> };

/** dist/ served by vite preview, with or without the COOP/COEP headers (vite.config.ts reads ATLAS_ISOLATION). */
async function serve(isolated: boolean): Promise<Served> {
  const before = process.env.ATLAS_ISOLATION;
  if (isolated) delete process.env.ATLAS_ISOLATION;
  else process.env.ATLAS_ISOLATION = 'off';
  try {
    const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
    return { base: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
  } finally {
    if (before === undefined) delete process.env.ATLAS_ISOLATION;
    else process.env.ATLAS_ISOLATION = before;
  }
}

export interface SweepRow {
  jobWorkers: number;
  spawned: number;
  count: number;
  /** The sweep's own time (first item handed out to merge done), as the app reports it. */
  ms: number;
  load: MachineLoad;
}

/**
 * Sweep throughput with a pool of 1 and of 2 job workers (wasm, isolated), the same sweep each time. On this
 * 2-core machine the default pool has 1 worker; 2 is forced (`?jobWorkers=2`) to show what 2 cores give.
 */
export async function benchSweeps(count = 16): Promise<SweepRow[]> {
  const server = await serve(true);
  const rows: SweepRow[] = [];
  try {
    for (const workers of [1, 2, 1, 2]) {
      const b = await launch();
      await b.context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
      try {
        const load = await machineLoad();
        await b.page.goto(`${server.base}?backend=wasm&jobWorkers=${workers}#v=1&seed=5&panel=atlas`);
        await b.page.locator('[data-testid=sliders]').waitFor({ timeout: 300_000 });
        await b.page.fill('.atlas-panel input[type=number]', String(count));
        await b.page.click('text="Sweep"');
        await b.page.locator('[data-testid=sweep]').waitFor({ timeout: 600_000 });
        const r = await b.page.evaluate(() => {
          const atlas = (window as unknown as { latentAtlas: { state(): { results: { sweep?: { value: { ms: number } } } }; jobWorkers(): { size: number; spawned: number } } }).latentAtlas;
          return { ms: atlas.state().results.sweep!.value.ms, ...atlas.jobWorkers() };
        });
        const row = { jobWorkers: r.size, spawned: r.spawned, count, ms: r.ms, load };
        console.log(`browser sweep: ${JSON.stringify({ ...row, load: load.loadavg })}`);
        rows.push(row);
      } finally {
        await b.close();
      }
    }
  } finally {
    await server.close();
  }
  return rows;
}

export async function benchBrowser(opts: { events?: number } = {}): Promise<LatencyRow[]> {
  const events = opts.events ?? 60;
  if (!fs.existsSync('/usr/bin/chromium')) throw new Error('the browser bench needs Debian\'s chromium: apt-get install -y chromium');
  if (!fs.existsSync('dist/index.html') || process.env.BENCH_BUILD === '1') await build({ logLevel: 'warn', configFile: 'vite.config.ts' });
  const rows: LatencyRow[] = [];
  const runs: { backend: (typeof BACKENDS)[number]; isolated: boolean }[] = [
    ...BACKENDS.map((backend) => ({ backend, isolated: true })),
    { backend: 'wasm', isolated: false },
  ];
  for (const { backend, isolated } of runs) {
    const server = await serve(isolated);
    const b = await launch();
    // tsx compiles this file with esbuild's keepNames, which wraps inner functions in __name(…); the
    // functions passed to page.evaluate carry that call into the page, so define it there.
    await b.context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const row: LatencyRow = { backend, isolated, threads: null, jobWorkers: null, basisMs: null, ran: null, events, alone: null, withMetricJob: null };
    const loadBefore = await machineLoad();
    try {
      // The cpu backend is two orders slower and the GPUs here are emulated (≈ 1 s a frame on WebGPU);
      // fewer events keep the bench short.
      const n = backend === 'cpu' ? Math.min(10, events) : backend === 'wasm' ? events : Math.min(20, events);
      row.events = n;
      await b.page.goto(`${server.base}?backend=${backend}#v=1&seed=5&basis=metric&panel=atlas`);
      await b.page.locator('[data-testid=sliders]').waitFor({ timeout: 300_000 });
      const info = await b.page.evaluate(() => {
        const s = (window as unknown as { latentAtlas: { state(): { backend: string | null; wasm: { threads: number } | null; jobWorkers: number } } }).latentAtlas.state();
        return { ran: s.backend, threads: s.wasm?.threads ?? null, jobWorkers: s.jobWorkers, isolated: crossOriginIsolated };
      });
      if (info.isolated !== isolated) throw new Error(`the page was ${info.isolated ? '' : 'not '}cross-origin isolated`);
      Object.assign(row, { ran: info.ran, threads: info.threads, jobWorkers: info.jobWorkers });
      // A basis job's time on wasm, where threads and isolation matter (on the emulated GPUs it takes minutes).
      if (backend === 'wasm') row.basisMs = await basisMs(b.page);
      await b.page.fill('#seed-input', '5');
      await b.page.locator('[data-testid=sliders]').waitFor({ timeout: 300_000 });
      await sliderLatencies(b.page, 5); // warm-up
      row.alone = summary(await sliderLatencies(b.page, n));
      // A sweep of metrics in the job workers while the slider moves.
      await b.page.fill('.atlas-panel input[type=number]', '64');
      await b.page.click('text="Sweep"');
      await b.page.waitForSelector('[data-testid=job-sweep][data-state=running]');
      const busy = await sliderLatencies(b.page, n);
      const still = (await b.page.locator('[data-testid=job-sweep][data-state=running]').count()) > 0;
      row.withMetricJob = { ...summary(busy), jobStillRunning: still };
      if (still) await b.page.click('[data-testid=job-sweep] >> text=Cancel');
    } catch (e) {
      row.note = e instanceof Error ? e.message.split('\n')[0] : String(e);
    } finally {
      await b.close();
      await server.close();
    }
    row.load = { before: loadBefore, after: await machineLoad() };
    console.log(`browser ${backend}${isolated ? '' : ' (not isolated)'}: ${JSON.stringify({ ...row, load: { loadavg: loadBefore.loadavg, busy: loadBefore.busy.length } })}`);
    rows.push(row);
  }
  return rows;
}
