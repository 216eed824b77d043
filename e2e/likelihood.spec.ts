/**
 * The Likelihood panel on the default model: ln Q computes with the exact and the estimated log-determinant
 * side by side, the ascent streams its curves, can be cancelled without an error, then runs to its frames;
 * the effective dimension plots v_eff(τ); the likelihood map fills in; a link carries an ascent (settings and start)
 * and reproduces it on opening, with the estimator's gradient compared against the exact one.
 */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, showSeed, waitForHash } from './app';

let b: Launched;
let id: string;

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

it('computes ln Q, exact beside Algorithm 1', async () => {
  await openApp(b.page);
  await showSeed(b.page, id, 3);
  await b.page.click('#tab-likelihood');
  await b.page.click('text="Compute ln Q"');
  const table = b.page.locator('[data-testid=likelihood]');
  await table.waitFor({ timeout: 180_000 });
  const cells = await table.locator('td').allTextContents();
  expect(cells.length).toBe(6);
  for (const c of cells) expect(c).toMatch(/[\d.e+-]/);
  expect(await b.page.textContent('[data-testid=likelihood-error]')).toMatch(/Estimator error/);
  await screenshot(b.page, 'likelihood-point');
});

it('the ascent can be cancelled, then runs to its frames with ln Q rising', async () => {
  await b.page.fill('.likelihood-panel input[type=number] >> nth=2', '400');
  await b.page.click('text="Ascend ln Q"');
  await b.page.locator('[data-testid=ascent]').waitFor({ timeout: 120_000 });
  await b.page.click('[data-testid=job-ascent] >> text=Cancel');
  await b.page.waitForFunction(() => !document.querySelector('[data-testid=job-ascent][data-state=running]'), undefined, { timeout: 60_000 });
  expect(await b.page.locator('[data-testid=job-ascent][data-state=error]').count()).toBe(0);
  await b.page.fill('.likelihood-panel input[type=number] >> nth=2', '16');
  await b.page.click('text="Ascend ln Q"');
  await b.page.waitForSelector('[data-testid=ascent][data-done=true]', { timeout: 180_000 });
  expect(await b.page.getAttribute('[data-testid=ascent]', 'data-steps')).toBe('16');
  expect(await b.page.locator('.frame-strip canvas').count()).toBe(9);
  await b.page.locator('.frame-strip').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'likelihood-ascent');
});

it('the last image of the ascent can be explored (its z goes into the link), and the ascent resumed from it', async () => {
  const last = await b.page.getAttribute('[data-testid=ascent]', 'data-last');
  await b.page.click('text="Explore the last image"');
  await b.page.waitForFunction(() => /[?&#]z=/.test(location.href), undefined, { timeout: 30_000 });
  await b.page.click('text="Ascend ln Q"');
  // The new ascent starts where the last one ended: its first ln Q is the previous last one.
  await b.page.waitForSelector(`[data-testid=ascent][data-done=true][data-first="${last}"]`, { timeout: 180_000 });
  expect(await b.page.locator('[data-testid=job-ascent][data-state=error]').count()).toBe(0);
});

it('the effective dimension of the model: v_eff(τ) from n down', async () => {
  await b.page.fill('.likelihood-panel input[type=number] >> nth=4', '2');
  await b.page.click('text="Effective dimension"');
  const plot = b.page.locator('[data-testid=veff]');
  await plot.waitFor({ timeout: 180_000 });
  expect(await plot.textContent()).toMatch(/v_eff\(1\) = [\d.]+ of \d+/);
  await plot.scrollIntoViewIfNeeded();
  await screenshot(b.page, 'likelihood-veff');
});

it('the likelihood map fills in row by row around the current z', async () => {
  await b.page.click('text="Likelihood map"');
  const map = b.page.locator('[data-testid=likelihood-map]');
  await map.waitFor({ timeout: 180_000 });
  await b.page.waitForSelector('[data-testid=likelihood-map][data-rows="9"]', { timeout: 300_000 });
  expect(await map.locator('rect').count()).toBe(81);
  await map.scrollIntoViewIfNeeded();
  await screenshot(b.page, 'likelihood-map');
});

it('the link carries the ascent, and opening it runs the same ascent again (here with the estimator\'s gradient)', async () => {
  await b.page.selectOption('select[aria-label="Gradient of ln det M"]', 'estimator');
  await b.page.selectOption('select[aria-label="How ε enters ln det M"]', 'shift');
  await b.page.fill('.likelihood-panel input[type=number] >> nth=2', '6');
  await b.page.click('text="Ascend ln Q"');
  await b.page.waitForSelector('[data-testid=ascent][data-done=true][data-steps="6"]', { timeout: 180_000 });
  const cosine = await b.page.textContent('[data-testid=gradient-cosine]');
  expect(cosine).toMatch(/cosine -?[\d.]+ on average/);
  const last = await b.page.getAttribute('[data-testid=ascent]', 'data-last');
  const hash = new URL(await waitForHash(b.page, 'asc=6%2C')).hash.slice(1);
  expect(hash).toContain('shift%2Cestimator');
  // A fresh page from the link: the panel opens, the ascent runs by itself and ends where this one did
  // (same start, same settings, same probes: the estimator's seed is part of the recipe).
  await openApp(b.page, { hash });
  await b.page.waitForSelector('[data-testid=ascent][data-done=true][data-steps="6"]', { timeout: 180_000 });
  expect(await b.page.getAttribute('[data-testid=ascent]', 'data-last')).toBe(last);
  expect(await b.page.inputValue('select[aria-label="Gradient of ln det M"]')).toBe('estimator');
  await b.page.locator('[data-testid=gradient-cosine]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'likelihood-linked-ascent');
  // Another seed: the ascent belonged to the old latent, so it leaves the link and does not rerun.
  await showSeed(b.page, id, 5);
  await b.page.waitForFunction(() => !location.hash.includes('asc='), undefined, { timeout: 30_000 });
  expect(await b.page.locator('[data-testid=job-ascent][data-state=running]').count()).toBe(0);
});
