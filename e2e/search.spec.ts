/**
 * The Search panel on the default model: CMA-ES and Hessian CMA-ES on a probe objective (the job worker loads the
 * probe the manifest names), both runs growing side by side while the job streams them, with each run's best
 * image; then the table, and "Explore the best" puts that z into the explorer and the link. Cancel leaves the app
 * working.
 */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, waitForFrame } from './app';

let b: Launched;

browserPerFile((browser) => {
  b = browser;
});

const generations = () => b.page.getAttribute('[data-testid=search]', 'data-generations');

it('runs both searches side by side on a probe class, animated, then shows the result', async () => {
  await openApp(b.page);
  await b.page.click('#tab-search');
  const options = await b.page.locator('select[aria-label="Search objective"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toContain('discriminator');
  expect(options).toContain('class:square');
  expect(options).toContain('-factor:x');
  // The default is an unbounded score ("move it left"), not a class probability that saturates.
  expect(await b.page.inputValue('select[aria-label="Search objective"]')).toBe('-factor:x');
  await b.page.selectOption('select[aria-label="Search objective"]', 'class:square');
  await b.page.fill('input[aria-label="Generations"]', '30');
  await b.page.click('.search-panel button.primary');
  // While running: both runs have generations, neither is done.
  await b.page.waitForFunction(() => {
    const g = document.querySelector('[data-testid=search]')?.getAttribute('data-generations')?.split(',').map(Number) ?? [];
    return g.length === 2 && g.every((n) => n >= 3 && n < 30);
  }, undefined, { timeout: 180_000 });
  expect(await b.page.locator('[data-testid=search] canvas').count()).toBe(2);
  await b.page.locator('[data-testid=search-curves]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'search-running');
  await b.page.waitForSelector('[data-testid=search][data-done=true]', { timeout: 300_000 });
  expect(await generations()).toBe('30,30');
  const rows = await b.page.locator('[data-testid=search] tbody tr').allTextContents();
  expect(rows.length).toBe(3);
  expect(rows[1]).toMatch(/^CMA-ES/);
  expect(rows[2]).toMatch(/^Hessian CMA-ES16/);
  expect(await b.page.locator('[data-testid=search] canvas').count()).toBe(3);
  await b.page.locator('[data-testid=search] table').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'search-done');
});

it('"Explore the best" shows the Hessian run\'s best image in the explorer and puts its z in the link', async () => {
  await b.page.click('text=/Explore the best \\(Hessian CMA-ES\\)/');
  await b.page.waitForFunction(() => /[#&]z=/.test(location.hash), undefined, { timeout: 30_000 });
  await waitForFrame(b.page);
});

it('a search can be cancelled, and the app keeps working', async () => {
  await b.page.fill('input[aria-label="Generations"]', '300');
  await b.page.selectOption('select[aria-label="Search objective"]', 'discriminator');
  await b.page.click('.search-panel button.primary');
  await b.page.waitForSelector('[data-testid=job-search][data-state=running]', { timeout: 60_000 });
  await b.page.click('[data-testid=job-search] >> text=Cancel');
  await b.page.waitForSelector('[data-testid=job-search]', { state: 'detached', timeout: 30_000 });
  await b.page.fill('#seed-input', '14');
  await waitForFrame(b.page, '');
});
