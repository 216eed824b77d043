/** A render worker that crashes is restarted on the next backend with the same model and view. */
import { expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, openApp, showSeed, snapshot, spread, waitForFrame } from './app';

let b: Launched;
let id: string;

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

it('restarts a crashed render worker on the next backend and keeps the view', async () => {
  await openApp(b.page);
  await showSeed(b.page, id, 21);
  const before = await snapshot(b.page);
  await b.page.evaluate(() => (window as unknown as { latentAtlas: { crashRenderWorker(): Promise<void> } }).latentAtlas.crashRenderWorker());
  await b.page.waitForFunction(() => /worker stopped/.test(document.querySelector('[data-testid=notices]')?.textContent ?? ''), undefined, { timeout: 120_000 });
  const after = await snapshot(b.page);
  expect(after.notices.join(' ')).toMatch(/render worker stopped .*restarted on \w+/);
  expect(after.backend).not.toBe(before.backend);
  expect(after.model).toBe(id);
  // The same view, drawn by the new worker; and it keeps working.
  await showSeed(b.page, id, 22);
  await showSeed(b.page, id, 21);
  expect((await snapshot(b.page)).frameKey).toBe(before.frameKey);
  expect(spread(await canvasPixels(b.page))).toBeGreaterThan(5);
  await waitForFrame(b.page, `${id}|21|`);
  await screenshot(b.page, 'worker-restarted');
});
