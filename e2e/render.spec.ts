/**
 * The default model loads and draws; seeds and ψ change pixels; a link reproduces the same pixels. Each
 * test opens the app itself, so any one can run alone and in any order.
 */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import {
  browserPerFile, canvasPixels, meanAbsDiff, openApp, setRange, showSeed, snapshot, spread, waitForFrame, waitForHash, waitForNewFrame,
} from './app';

let b: Launched;
let id: string;

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

it('loads the default model and renders a non-blank image', async () => {
  b.logs.length = 0;
  await openApp(b.page);
  const s = await snapshot(b.page);
  expect(s.error, b.logs.join('\n')).toBeNull();
  expect(s.model).toBe(id);
  expect(s.backend).toMatch(/^(webgpu|webgl|wasm|cpu)$/);
  expect(s.frameKey).toMatch(new RegExp(`^${id}\\|1\\|`));
  const px = await canvasPixels(b.page);
  expect(px.length).toBeGreaterThanOrEqual(32 * 32 * 4);
  expect(spread(px)).toBeGreaterThan(5);
  const label = await b.page.getAttribute('canvas.main-canvas', 'aria-label');
  expect(label).toMatch(/seed 1/);
  await expect.poll(() => b.page.textContent('[data-testid=status-backend]')).toContain(s.backend!);
  expect(await b.page.textContent('[data-testid=status-ms]')).toMatch(/\d ms/);
  // A clean load logs no errors (a missing favicon once showed up here as a 404).
  expect(b.logs.filter((l) => l.startsWith('[error]') || l.startsWith('[pageerror]'))).toEqual([]);
  await screenshot(b.page, 'default-model');
});

it('changing the seed changes the pixels', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=1` });
  const before = await canvasPixels(b.page);
  await showSeed(b.page, id, 2);
  const after = await canvasPixels(b.page);
  expect(meanAbsDiff(before, after)).toBeGreaterThan(1);
  const shown = (await snapshot(b.page)).frameKey!;
  await b.page.click('text=Random');
  const key = await waitForNewFrame(b.page, shown);
  expect(key).toMatch(new RegExp(`^${id}\\|\\d+\\|`));
  await screenshot(b.page, 'random-seed');
});

it('truncation ψ = 0.5 changes the image of the default style model, and a link keeps it', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=4&space=w` });
  const styleBased = await b.page.evaluate(() => (window as unknown as { latentAtlas: { state(): { model: { isStyleBased: boolean } } } }).latentAtlas.state().model.isStyleBased);
  // The default model is a style model, so this checks truncation in W (w̄ + ψ(w − w̄)).
  expect(styleBased).toBe(true);
  const before = await canvasPixels(b.page);
  const key = (await snapshot(b.page)).frameKey!;
  expect(await setRange(b.page, '#truncation', 0.5)).toBe(0.5);
  await waitForFrame(b.page, `${id}|4|w|0.5`);
  expect(key).not.toMatch(/\|0\.5$/);
  const truncated = await canvasPixels(b.page);
  expect(meanAbsDiff(before, truncated)).toBeGreaterThan(1);
  await screenshot(b.page, 'truncation-0.5');
  const url = await waitForHash(b.page, 'psi=0.5');
  const again = await b.context.newPage();
  try {
    await again.goto(url);
    await waitForFrame(again, `${id}|4|w|0.5`);
    expect(meanAbsDiff(truncated, await canvasPixels(again))).toBe(0);
  } finally {
    await again.close();
  }
});

it('reloading the page with the same URL gives identical pixels', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=1` });
  await showSeed(b.page, id, 7);
  const url = await waitForHash(b.page, 'seed=7');
  expect(url).toContain(`model=${id}`);
  const first = await canvasPixels(b.page);
  const again = await b.context.newPage();
  try {
    await again.goto(url);
    await waitForFrame(again, `${id}|7|`);
    const second = await canvasPixels(again);
    expect(second).toEqual(first);
    await screenshot(again, 'reloaded-seed-7');
  } finally {
    await again.close();
  }
});

it('explains itself in a help overlay', async () => {
  await openApp(b.page);
  await b.page.click('text=? Help');
  const dialog = b.page.locator('[role=dialog]');
  expect(await dialog.textContent()).toMatch(/latent space/);
  expect(await dialog.textContent()).toMatch(/ψ/);
  await screenshot(b.page, 'help');
  await b.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});
