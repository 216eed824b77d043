/**
 * Slider-to-pixels latency in headless Chromium (Debian's /usr/bin/chromium), per tfjs backend, for the
 * default model: the time from a slider's input event to the canvas showing the frame for that slider
 * value, p50 and p95 over sequential moves — alone, and with a sweep of metric jobs running in the job
 * worker (the render worker must not wait for it). Part of `npm run bench` (`--only browser`).
 *
 * The built app (dist/, built here if missing) is served by `vite preview` on 127.0.0.1. WebGPU and
 * WebGL run on SwiftShader here: their numbers show correctness of the pipeline, not GPU speed.
 */
import fs from 'node:fs';
import { build, preview } from 'vite';
import type { Page } from 'playwright-core';
import { launch } from '../e2e/browser';

export interface LatencyRow {
  backend: string;
  /** The backend the app reported (a requested one that failed to start falls back). */
  ran: string | null;
  events: number;
  alone: { p50: number; p95: number; max: number } | null;
  withMetricJob: { p50: number; p95: number; max: number; jobStillRunning: boolean } | null;
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
    return out;
  }, n);
}

export async function benchBrowser(opts: { events?: number } = {}): Promise<LatencyRow[]> {
  const events = opts.events ?? 60;
  if (!fs.existsSync('/usr/bin/chromium')) throw new Error('the browser bench needs Debian\'s chromium: apt-get install -y chromium');
  if (!fs.existsSync('dist/index.html') || process.env.BENCH_BUILD === '1') await build({ logLevel: 'warn', configFile: 'vite.config.ts' });
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report a port');
  const base = `http://127.0.0.1:${address.port}/`;
  const rows: LatencyRow[] = [];
  try {
    for (const backend of BACKENDS) {
      const b = await launch();
      // tsx compiles this file with esbuild's keepNames, which wraps inner functions in __name(…); the
      // functions passed to page.evaluate carry that call into the page, so define it there.
      await b.context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
      const row: LatencyRow = { backend, ran: null, events, alone: null, withMetricJob: null };
      try {
        // The cpu backend is two orders slower; fewer events keep the bench short.
        const n = backend === 'cpu' ? Math.min(10, events) : events;
        row.events = n;
        await b.page.goto(`${base}?backend=${backend}#v=1&seed=5&basis=metric&panel=atlas`);
        await b.page.locator('[data-testid=sliders]').waitFor({ timeout: 300_000 });
        row.ran = await b.page.evaluate(() => (window as unknown as { latentAtlas: { state(): { backend: string | null } } }).latentAtlas.state().backend);
        await sliderLatencies(b.page, 5); // warm-up
        row.alone = summary(await sliderLatencies(b.page, n));
        // A sweep of metrics in the job worker while the slider moves.
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
      }
      console.log(`browser ${backend}: ${JSON.stringify(row)}`);
      rows.push(row);
    }
  } finally {
    await server.close();
  }
  return rows;
}
