/**
 * Guided tours (issue 18): a tour starts from the menu, its steps set the view (here: slider 1 moved by the
 * second step of "What is the metric?"), and the link restores the tour at its step in a fresh page.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, waitForHash, waitForSliders } from './app';

let b: Launched;
browserPerFile((browser) => {
  b = browser;
});

const sliderValue = async (page: Page, i: number) => Number(await page.locator(`[data-testid=slider-${i}]`).inputValue());

it('a tour advances step by step, and its link reopens it at the step', async () => {
  await openApp(b.page, { hash: 'v=1&model=shapes-style&seed=5&panel=montage' });
  await b.page.click('[data-testid=tours-menu]');
  await b.page.click('[data-testid=tour-metric]');
  await b.page.waitForSelector('[data-testid=tour-card]');
  expect(await b.page.locator('[data-testid=tour-step]').textContent()).toBe('step 1 of 4');
  await waitForHash(b.page, 'tour=metric.1');
  expect(b.page.url()).toContain('seed=3');
  expect(await b.page.locator('[role=tab][aria-selected=true]').textContent()).toBe('Spectrum');
  await waitForSliders(b.page);

  await b.page.click('[data-testid=tour-next]');
  expect(await b.page.locator('[data-testid=tour-step]').textContent()).toBe('step 2 of 4');
  await b.page.waitForFunction(() => Number((document.querySelector('[data-testid=slider-0]') as HTMLInputElement | null)?.value) === 0.05);
  const link = await waitForHash(b.page, 'tour=metric.2');
  await screenshot(b.page, 'tour');

  const fresh = await b.context.newPage();
  try {
    await fresh.goto(link);
    await fresh.waitForSelector('[data-testid=tour-card]');
    expect(await fresh.locator('[data-testid=tour-step]').textContent()).toBe('step 2 of 4');
    await waitForSliders(fresh);
    await fresh.waitForFunction(() => Number((document.querySelector('[data-testid=slider-0]') as HTMLInputElement | null)?.value) === 0.05);
    expect(await sliderValue(fresh, 1)).toBe(0);
    // End tour: the card goes and the link forgets it.
    await fresh.click('text=End tour');
    expect(await fresh.locator('[data-testid=tour-card]').count()).toBe(0);
    await fresh.waitForFunction(() => !location.hash.includes('tour='), undefined, { timeout: 10_000 });
  } finally {
    await fresh.close();
  }
});
