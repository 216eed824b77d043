/**
 * The Compare panel (issue 18, side by side): a link opens three bases side by side on the default model, each a
 * column of rows on the same predicted-change scale with the probe's factor labels; every column's middle image
 * is the one reference (read from the canvases here); the |cos| maps are shown; changing a column's basis
 * recomputes and the link follows it. Directions loaded from a file stand as a column too, carried by the link.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, waitForHash } from './app';
import { encodeView } from '../src/state/url';

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

it('shows loaded directions as a column beside a computed basis, from a link that carries them', async () => {
  // Two orthonormal W directions (the default model is style-based), as Load directions… would hold them.
  const w = 64;
  const unit = (i: number) => Array.from({ length: w }, (_, t) => (t === i ? 1 : 0));
  const hash = encodeView({ model: id, seed: 3, space: 'w', panel: 'compare', compare: ['sefa', 'imported'], imported: { space: 'w', name: 'axes.json', directions: [unit(0), unit(5)] } });
  await openApp(b.page, { hash });
  await b.page.waitForSelector('[data-testid=compare][data-columns="2"]', { timeout: 300_000 });
  expect(await b.page.locator('[data-testid=compare-imported] .montage-label').count()).toBe(2);
  expect(await b.page.locator('[data-testid=compare-imported] h3').textContent()).toBe('Imported (axes.json)');
  const reference = await cell(b.page, 'sefa', 0, 2);
  for (const row of [0, 1]) expect(await cell(b.page, 'imported', row, 2)).toEqual(reference);
  expect(await cell(b.page, 'imported', 0, 4)).not.toEqual(reference);
  await b.page.waitForSelector('[data-testid=overlap-sefa-imported] svg rect');
  await b.page.locator('[data-testid=compare]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'compare-imported');
  expect(await b.page.locator('select[aria-label="Basis B"]').inputValue()).toBe('imported');
  // In Z the W directions cannot be measured: the column is left out, with the reason, and no comparison of one basis runs.
  await b.page.locator('section[aria-labelledby=space-title] [role=radio]', { hasText: /^Z$/ }).click();
  await b.page.waitForSelector('[data-testid=compare-left-out]');
  expect(await b.page.locator('[data-testid=compare-left-out]').textContent()).toMatch(/live in W: switch to W or W\+/);
});
