/**
 * The Compare panel (issue 18, side by side): a link opens three bases side by side on the default model, each a
 * column of rows on the same predicted-change scale with the probe's factor labels; every column's middle image
 * is the one reference (read from the canvases here); the |cos| maps are shown; changing a column's basis
 * recomputes and the link follows it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, waitForHash } from './app';

let b: Launched;
let id: string;
browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

/** The RGBA of image `col` of row `row` of a column (one strip canvas per row), at the canvas's own resolution. */
const cell = (page: Page, kind: string, row: number, col: number) => page.evaluate(([k, r, c]) => {
  const canvas = document.querySelectorAll(`[data-testid=compare-${k}] canvas`)[r] as HTMLCanvasElement;
  const w = canvas.width / 5;
  return Array.from(canvas.getContext('2d')!.getImageData(c * w, 0, w, canvas.height).data);
}, [kind, row, col] as const);

it('shows three bases side by side from a link, with the same reference in the middle of every row, labels and overlaps', async () => {
  await b.page.setViewportSize({ width: 1600, height: 1000 });
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&panel=compare&cmp=metric,local,ganspace` });
  await b.page.waitForSelector('[data-testid=compare][data-columns="3"]', { timeout: 300_000 });
  for (const kind of ['metric', 'local', 'ganspace']) expect(await b.page.locator(`[data-testid=compare-${kind}] .montage-label`).count()).toBe(4);
  // The default model has a probe: every row names the factor it moves most.
  expect(await b.page.locator('[data-testid=compare-metric] .montage-label').first().textContent()).toMatch(/^1 · λ \S+ · \S.* \d+ %$/);
  const reference = await cell(b.page, 'metric', 0, 2);
  for (const kind of ['metric', 'local', 'ganspace']) for (const row of [0, 3]) expect(await cell(b.page, kind, row, 2)).toEqual(reference);
  // The ends of a row differ from the reference (the walk moved the image).
  expect(await cell(b.page, 'local', 0, 4)).not.toEqual(reference);
  for (const pair of ['metric-local', 'metric-ganspace', 'local-ganspace']) await b.page.waitForSelector(`[data-testid=overlap-${pair}] svg rect`);
  await b.page.locator('[data-testid=compare]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'compare');

  // Column C becomes random: recomputed, and the link says so.
  await b.page.selectOption('select[aria-label="Basis C"]', 'random');
  await b.page.waitForSelector('[data-testid=compare-random]', { timeout: 300_000 });
  await waitForHash(b.page, 'cmp=metric%2Clocal%2Crandom');
  // Choosing a basis another column shows swaps the two rather than comparing a basis with itself.
  await b.page.selectOption('select[aria-label="Basis B"]', 'metric');
  await waitForHash(b.page, 'cmp=local%2Cmetric%2Crandom');
  await b.page.setViewportSize({ width: 1280, height: 800 });
});
