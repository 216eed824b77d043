/**
 * The Realism panel on the default model: the job finds the protoimage and the improved image with their
 * discriminator scores and the hypersphere walk strip; moving the σ slider re-renders the blend at that σ (a new
 * image with its own score, different at σ = 0 and σ = 1); the quality-vs-diversity sweep streams rows, and
 * cancelling it leaves the app working.
 */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, openApp, setRange, waitForFrame } from './app';

let b: Launched;

browserPerFile((browser) => {
  b = browser;
});

/** The blend frame's pixels once it shows σ = `sigma`. */
async function blendAt(sigma: number): Promise<number[]> {
  await setRange(b.page, 'input[aria-label="Blend σ"]', sigma);
  await b.page.waitForSelector(`[data-testid=realism-blend][data-sigma="${sigma}"]`, { timeout: 60_000 });
  return b.page.locator('[data-testid=realism-blend] canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  });
}

it('finds the protoimage and the improved image, with scores and the walk strip', async () => {
  await openApp(b.page);
  await b.page.click('#tab-realism');
  await b.page.fill('input[aria-label="Protoimage steps"]', '40');
  await b.page.fill('input[aria-label="Inversion steps"]', '10');
  await b.page.click('.realism-panel button.primary');
  await b.page.waitForSelector('[data-testid=job-realism][data-state=running]', { timeout: 60_000 });
  await b.page.waitForSelector('[data-testid=realism]', { timeout: 300_000 });
  const sigma = Number(await b.page.getAttribute('[data-testid=realism]', 'data-sigma'));
  expect(sigma).toBeGreaterThanOrEqual(0.5);
  expect(sigma).toBeLessThanOrEqual(0.75);
  const captions = await b.page.locator('[data-testid=realism] .frame-strip').first().locator('figcaption').allTextContents();
  expect(captions[0]).toMatch(/^current · D -?\d/);
  expect(captions[1]).toMatch(/^protoimage · D -?\d/);
  expect(captions[2]).toMatch(/^improved \(σ 0\.\d+\) · D -?\d/);
  expect(await b.page.locator('[data-testid=realism-walk] canvas').count()).toBe(11);
  // The shapes probe reads each walk frame.
  expect(await b.page.locator('[data-testid=realism-walk] figcaption').first().textContent()).toMatch(/ · \w+ \d+ %$/);
});

it('the σ slider re-renders the blend', async () => {
  const at0 = await blendAt(0);
  const at1 = await blendAt(1);
  expect(at0.length).toBe(at1.length);
  expect(at0.some((v, i) => v !== at1[i])).toBe(true);
  await b.page.locator('[data-testid=realism]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'realism');
});

it('the quality-vs-diversity sweep streams rows and can be cancelled; the app keeps working', async () => {
  await b.page.fill('input[aria-label="Sweep samples"]', '64');
  await b.page.click('text=Compare with truncation');
  // Baseline and the four truncation rows come before the protoimage search: wait for three, streamed while running.
  await b.page.waitForFunction(() => Number(document.querySelector('[data-testid=realism-sweep]')?.getAttribute('data-rows') ?? 0) >= 3, undefined, { timeout: 180_000 });
  expect(await b.page.getAttribute('[data-testid=realism-sweep]', 'data-done')).toBe('false');
  expect(await b.page.locator('[data-testid=realism-plot] circle').count()).toBeGreaterThanOrEqual(3);
  await b.page.locator('[data-testid=realism-plot]').scrollIntoViewIfNeeded();
  await screenshot(b.page, 'realism-sweep');
  await b.page.click('[data-testid=job-realismSweep] >> text=Cancel');
  await b.page.waitForSelector('[data-testid=job-realismSweep]', { state: 'detached', timeout: 30_000 });
  await b.page.fill('#seed-input', '14');
  await waitForFrame(b.page, '');
});
