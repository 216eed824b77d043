/**
 * Presenter mode (issue 18): a link option and a toggle; every text of the page at least 20 px at 1080p with
 * the controls sidebar hidden; the keyboard chooses and moves a direction (the image changes, the link keeps
 * the slider); it survives a reload, and Esc leaves it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, meanAbsDiff, openApp, snapshot, waitForHash, waitForNewFrame, waitForSliders } from './app';

let b: Launched;
let id: string;
browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

/** The smallest computed font size among the visible HTML text of the page (SVG plots excluded). */
const smallestText = (page: Page) => page.evaluate(() => {
  let min = Infinity;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent?.trim() || el.closest('svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
  }
  return min;
});

it('presenter mode: large text, keyboard-driven sliders, kept by the link and a reload, left with Esc', async () => {
  await b.page.setViewportSize({ width: 1920, height: 1080 });
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3` });
  expect(await waitForSliders(b.page)).toBeGreaterThan(1);
  expect(await smallestText(b.page)).toBeLessThan(20); // the normal view is denser
  await b.page.click('[data-testid=presenter-toggle]');
  await waitForHash(b.page, 'present=1');
  expect(await b.page.locator('.sidebar').isVisible()).toBe(false);
  expect(await smallestText(b.page)).toBeGreaterThanOrEqual(20);

  // ↓ chooses direction 2, → moves it by a tenth of the range: a new frame, the link carries the slider.
  const before = await canvasPixels(b.page);
  const key = (await snapshot(b.page)).frameKey!;
  await b.page.locator('body').click({ position: { x: 5, y: 300 } });
  await b.page.keyboard.press('ArrowDown');
  expect(await b.page.locator('.slider-row.chosen [data-testid=slider-1]').count()).toBe(1);
  await b.page.keyboard.press('ArrowRight');
  await b.page.keyboard.press('ArrowRight');
  await waitForNewFrame(b.page, key);
  expect(Number(await b.page.locator('[data-testid=slider-1]').inputValue())).toBeGreaterThan(0);
  expect(Number(await b.page.locator('[data-testid=slider-0]').inputValue())).toBe(0);
  expect(meanAbsDiff(before, await canvasPixels(b.page))).toBeGreaterThan(0.1);
  const hash = await waitForHash(b.page, '&c=');
  await screenshot(b.page, 'presenter');

  // A reload keeps presenter mode and the slider.
  await b.page.reload();
  await waitForSliders(b.page);
  expect(await b.page.locator('.app.presenter').count()).toBe(1);
  expect(hash).toContain('present=1');
  expect(Number(await b.page.locator('[data-testid=slider-1]').inputValue())).toBeGreaterThan(0);

  await b.page.keyboard.press('Escape');
  expect(await b.page.locator('.app.presenter').count()).toBe(0);
  expect(await b.page.locator('.sidebar').isVisible()).toBe(true);
  await b.page.waitForFunction(() => !location.hash.includes('present='), undefined, { timeout: 10_000 });
  await b.page.setViewportSize({ width: 1280, height: 800 });
});

it('Space plays a traversal of the chosen direction in a loop, and Space again stops it where it is', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=4&present=1` });
  expect(await waitForSliders(b.page)).toBeGreaterThan(1);
  await b.page.locator('body').click({ position: { x: 5, y: 300 } });
  const value = async () => Number(await b.page.locator('[data-testid=slider-0]').inputValue());
  await b.page.keyboard.press(' ');
  const seen = new Set<number>();
  for (let i = 0; i < 12; i++) {
    seen.add(await value());
    await b.page.waitForTimeout(150);
  }
  // 10 steps a side every 120 ms: over 1.8 s the slider has passed through many positions, some past 0.
  expect(seen.size).toBeGreaterThan(4);
  expect(Math.max(...seen)).toBeGreaterThan(0);
  await b.page.keyboard.press(' ');
  const stopped = await value();
  await b.page.waitForTimeout(600);
  expect(await value()).toBe(stopped);
  await screenshot(b.page, 'presenter-traversal');
});

it('with the Curve walk panel showing a walk, Space replays and pauses the walk instead', async () => {
  await openApp(b.page, { hash: `v=1&model=${id}&seed=3&panel=curve&present=1` });
  await waitForSliders(b.page);
  await b.page.click('text="Walk"');
  const walk = b.page.locator('[data-testid=curve-walk]');
  await walk.waitFor({ timeout: 180_000 });
  await b.page.waitForSelector('[data-testid=curve-walk][data-ended=true]', { timeout: 30_000 });
  const slider = Number(await b.page.locator('[data-testid=slider-0]').inputValue());
  await b.page.locator('body').click({ position: { x: 5, y: 300 } });
  await b.page.keyboard.press(' ');
  // From its end the walk plays again from the start (a frame every 220 ms) ...
  await b.page.waitForSelector('[data-testid=curve-walk][data-ended=false]', { timeout: 5_000 });
  await b.page.waitForFunction(() => Number(document.querySelector('[data-testid=curve-walk]')?.getAttribute('data-frame')) >= 2, undefined, { timeout: 5_000 });
  // ... Space pauses it where it is, and no slider moved.
  await b.page.keyboard.press(' ');
  const at = await walk.getAttribute('data-frame');
  await b.page.waitForTimeout(700);
  expect(await walk.getAttribute('data-frame')).toBe(at);
  expect(await walk.getAttribute('data-ended')).toBe('false');
  expect(Number(await b.page.locator('[data-testid=slider-0]').inputValue())).toBe(slider);
});

it('with reduced motion asked for, a new curve walk waits on its first frame for Play instead of playing by itself', async () => {
  await b.page.emulateMedia({ reducedMotion: 'reduce' });
  try {
    await openApp(b.page, { hash: `v=1&model=${id}&seed=5&panel=curve` });
    await waitForSliders(b.page);
    await b.page.click('text="Walk"');
    const walk = b.page.locator('[data-testid=curve-walk]');
    await walk.waitFor({ timeout: 180_000 });
    await b.page.waitForTimeout(800);
    expect(await walk.getAttribute('data-frame')).toBe('0');
    await walk.locator('button', { hasText: 'Play' }).click();
    await b.page.waitForFunction(() => Number(document.querySelector('[data-testid=curve-walk]')?.getAttribute('data-frame')) >= 2, undefined, { timeout: 5_000 });
  } finally {
    await b.page.emulateMedia({ reducedMotion: 'no-preference' });
  }
});
