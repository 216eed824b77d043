/**
 * The Likelihood panel on the default model: ln Q computes with the exact and the estimated log-determinant
 * side by side, the ascent streams its curves, can be cancelled without an error, then runs to its frames.
 */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, showSeed } from './app';

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
