/** A bad model shows an error banner and leaves the previous model working. */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, meanAbsDiff, openApp, showSeed, snapshot } from './app';

let b: Launched;
let id: string;

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

/** Drop files onto the drop zone the way a browser does (a DragEvent carrying a DataTransfer). */
async function drop(page: Page, files: { name: string; text: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
    return dt;
  }, files);
  await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer });
}

it('a corrupt dropped model.json shows the error and the previous model still renders', async () => {
  await openApp(b.page);
  await showSeed(b.page, id, 5);
  const before = await canvasPixels(b.page);

  await drop(b.page, [{ name: 'model.json', text: '{"modelTopology": {"class_name": "Model", ' }]);
  const banner = b.page.locator('[role=alert]');
  await banner.waitFor();
  expect(await banner.textContent()).toMatch(/model\.json/);
  expect(await banner.textContent()).toMatch(/still loaded and working/);
  await screenshot(b.page, 'bad-model-error');

  const s = await snapshot(b.page);
  expect(s.model).toBe(id);
  expect(await canvasPixels(b.page)).toEqual(before);
  await showSeed(b.page, id, 6);
  expect(meanAbsDiff(before, await canvasPixels(b.page))).toBeGreaterThan(1);

  await b.page.click('[aria-label="Dismiss error"]');
  await banner.waitFor({ state: 'detached' });
});

it('a manifest naming missing networks is refused through the file picker too', async () => {
  const manifest = JSON.stringify({
    id: 'broken', name: 'Broken', description: 'x', latent: { dim: 8, prior: 'normal' },
    generator: { path: 'generator/model.json' }, output: { height: 8, width: 8, channels: 3, range: [-1, 1] },
  });
  await b.page.setInputFiles('input[aria-label="Model files"]', [{ name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(manifest) }]);
  const banner = b.page.locator('[role=alert]');
  await banner.waitFor();
  expect(await banner.textContent()).toMatch(/generator\/model\.json/);
  expect((await snapshot(b.page)).model).toBe(id);
});
