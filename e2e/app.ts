/** What the specs do with the app: open it, wait for frames, read the canvas, look at the state. */
import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launch, type Launched } from './browser';

export const baseUrl = (): string => inject('baseUrl');

/**
 * The model the app must show first: the default of public/models/index.json. While models are still
 * being trained, E2E_ANY_MODEL=1 accepts the first bundled model that has a manifest instead, and
 * E2E_MODEL_ID=<id> names one outright (with E2E_SKIP_BUILD=1, for a model placed in dist/ by hand).
 */
export function expectedModelId(): string {
  if (process.env.E2E_MODEL_ID) return process.env.E2E_MODEL_ID;
  const index = JSON.parse(fs.readFileSync('public/models/index.json', 'utf8')) as { default: string; models: string[] };
  const ready = (id: string) => fs.existsSync(`public/models/${id}/manifest.json`);
  if (ready(index.default)) return index.default;
  const fallback = index.models.find(ready);
  if (process.env.E2E_ANY_MODEL === '1' && fallback) return fallback;
  throw new Error(`The default model '${index.default}' is not in public/models (no manifest.json): train and export it first.`);
}

/**
 * One browser per spec file, launched before its tests and closed after them; `ready` receives the browser
 * and the id of the model the app must show first (see expectedModelId).
 */
export function browserPerFile(ready: (browser: Launched, modelId: string) => void | Promise<void>, opts: Parameters<typeof launch>[0] = {}): void {
  let launched: Launched | undefined;
  beforeAll(async () => {
    const modelId = expectedModelId();
    launched = await launch(opts);
    await ready(launched, modelId);
  });
  afterAll(async () => launched?.close());
}

export interface Snapshot {
  backend: string | null;
  model: string | null;
  error: string | null;
  notices: string[];
  frameKey: string | null;
  ms: number | null;
}

export async function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const s = (window as unknown as { latentAtlas: { state(): Record<string, unknown> } }).latentAtlas.state() as {
      backend: string | null; model: { id: string } | null; error: string | null; notices: string[]; frame: { key: string; ms: number } | null;
    };
    return { backend: s.backend, model: s.model?.id ?? null, error: s.error, notices: s.notices, frameKey: s.frame?.key ?? null, ms: s.frame?.ms ?? null };
  });
}

/** Open the app (optionally with a query and a hash) and wait until a frame is on the canvas. */
export async function openApp(page: Page, opts: { query?: string; hash?: string; waitFrame?: boolean } = {}): Promise<void> {
  // Going from one hash to another on the same page is not a reload; start from a blank page.
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(`${baseUrl()}${opts.query ? `?${opts.query}` : ''}${opts.hash !== undefined ? `#${opts.hash}` : ''}`);
  if (opts.waitFrame !== false) await waitForFrame(page);
}

/** Wait until the canvas shows a frame whose key starts with `prefix` (any frame if omitted). */
export async function waitForFrame(page: Page, prefix = '', timeout = 120_000): Promise<string> {
  await page.waitForFunction(
    (p) => (document.querySelector('canvas.main-canvas')?.getAttribute('data-frame') ?? '').startsWith(p) &&
      document.querySelector('canvas.main-canvas')?.getAttribute('data-frame') !== null,
    prefix,
    { timeout },
  );
  return (await page.getAttribute('canvas.main-canvas', 'data-frame'))!;
}

/** Wait until the canvas shows a frame other than `previous`. */
export async function waitForNewFrame(page: Page, previous: string, timeout = 120_000): Promise<string> {
  await page.waitForFunction(
    (prev) => {
      const key = document.querySelector('canvas.main-canvas')?.getAttribute('data-frame');
      return key !== null && key !== undefined && key !== prev;
    },
    previous,
    { timeout },
  );
  return (await page.getAttribute('canvas.main-canvas', 'data-frame'))!;
}

/** Type a seed and wait for its frame. */
export async function showSeed(page: Page, modelId: string, seed: number): Promise<void> {
  await page.fill('#seed-input', String(seed));
  await waitForFrame(page, `${modelId}|${seed}|`);
}

/** The canvas's pixels (RGBA at native resolution). */
export async function canvasPixels(page: Page): Promise<Uint8ClampedArray> {
  const data = await page.evaluate(() => {
    const canvas = document.querySelector('canvas.main-canvas') as HTMLCanvasElement;
    const img = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return Array.from(img.data);
  });
  return Uint8ClampedArray.from(data);
}

/** Standard deviation of the RGB values: near 0 for a blank or flat image. */
export function spread(rgba: Uint8ClampedArray): number {
  let n = 0, sum = 0, sq = 0;
  for (let i = 0; i < rgba.length; i++) {
    if (i % 4 === 3) continue;
    n++;
    sum += rgba[i];
    sq += rgba[i] * rgba[i];
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sq / n - mean * mean));
}

export function meanAbsDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Wait until the debounced URL sync has written a hash containing `fragment`. */
export async function waitForHash(page: Page, fragment: string): Promise<string> {
  await page.waitForFunction((f) => location.hash.includes(f), fragment, { timeout: 10_000 });
  return page.url();
}

/** The current basis's values (eigenvalues etc.) from the app's store. */
export async function basisValues(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { latentAtlas: { state(): { results: { basis?: { value: { values: number[] } } } } } })
    .latentAtlas.state().results.basis!.value.values);
}

/** Set a range input by selector the way a user's drag does (see setSlider); returns the value it took. */
export async function setRange(page: Page, selector: string, value: number): Promise<number> {
  return page.evaluate(({ selector, value }) => {
    const input = document.querySelector(selector) as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return Number(input.value);
  }, { selector, value });
}

/** Wait until the sliders of a computed basis are on screen. */
export async function waitForSliders(page: Page): Promise<number> {
  try {
    await page.locator('[data-testid=sliders]').waitFor({ timeout: 180_000 });
  } catch (e) {
    // Say what the app was doing instead of only that the wait ran out.
    const doing = await page.evaluate(() => {
      const s = (window as unknown as { latentAtlas: { state(): { jobs: unknown; notices: string[]; error: string | null; backend: string | null } } }).latentAtlas.state();
      return JSON.stringify({ backend: s.backend, jobs: s.jobs, notices: s.notices, error: s.error });
    }).catch(() => 'no state');
    throw new Error(`No sliders appeared: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}; the app: ${doing}`, { cause: e });
  }
  return page.locator('[data-testid=sliders] input[type=range].slider').count();
}

/**
 * Set a React-controlled range input the way a user's drag does (native setter + input event); returns
 * the value the input actually took (a range input snaps to its step).
 */
export async function setSlider(page: Page, index: number, value: number): Promise<number> {
  return setRange(page, `[data-testid=slider-${index}]`, value);
}

/**
 * Open `link` in a fresh page of the same browser, wait until it shows the frame `key`, and return its mean
 * absolute pixel difference from `pixels` (0: a link reproduces the view exactly).
 */
export async function pixelDiffInFreshPage(context: BrowserContext, link: string, key: string, pixels: Uint8ClampedArray): Promise<number> {
  const fresh = await context.newPage();
  try {
    await fresh.goto(link);
    try {
      await fresh.waitForFunction((k) => document.querySelector('canvas.main-canvas')?.getAttribute('data-frame') === k, key, { timeout: 180_000 });
    } catch (e) {
      // Say what the fresh page shows instead: a different frame key names the setting the link lost.
      const shown = await fresh.getAttribute('canvas.main-canvas', 'data-frame').catch(() => null);
      throw new Error(`The link's page never showed frame ${key}; it shows ${shown}. Link: ${link}`, { cause: e });
    }
    return meanAbsDiff(pixels, await canvasPixels(fresh));
  } finally {
    await fresh.close();
  }
}
