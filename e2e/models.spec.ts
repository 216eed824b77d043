/** Switching between the bundled models from the picker; z-space models offer only Z. */
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, screenshot, type Launched } from './browser';
import { canvasPixels, expectedModelId, openApp, snapshot, spread, waitForFrame, waitForHash } from './app';

let b: Launched;
const index = JSON.parse(fs.readFileSync('public/models/index.json', 'utf8')) as { models: string[] };
const others = index.models.filter((id) => fs.existsSync(`public/models/${id}/manifest.json`));

beforeAll(async () => {
  b = await launch();
  await openApp(b.page);
});
afterAll(async () => b?.close());

it('every bundled model can be picked, renders, and lands in the link', async () => {
  expect(others).toContain(expectedModelId());
  for (const id of others) {
    await b.page.click(`[data-model-id="${id}"]`);
    await waitForFrame(b.page, `${id}|`);
    const s = await snapshot(b.page);
    expect(s.error).toBeNull();
    expect(s.model).toBe(id);
    expect(spread(await canvasPixels(b.page))).toBeGreaterThan(2);
    await waitForHash(b.page, `model=${id}`);
    const manifest = JSON.parse(fs.readFileSync(`public/models/${id}/manifest.json`, 'utf8')) as { mapping?: unknown };
    // Only models with a mapping network have W and W+.
    expect(await b.page.isDisabled('[role=radio]:has-text("W+")')).toBe(!manifest.mapping);
    await screenshot(b.page, `model-${id}`);
  }
});

it('a model folder picked from disk loads as "your model" and renders', async () => {
  const id = others.find((m) => m !== expectedModelId()) ?? expectedModelId();
  await b.page.setInputFiles('input[aria-label="Model folder"]', `public/models/${id}`);
  await b.page.locator('.model-card.own').waitFor();
  const s = await snapshot(b.page);
  expect(s.error).toBeNull();
  expect(s.model).toBe(id);
  expect(await b.page.textContent('.model-card.own')).toMatch(/Your model, from \d+ local files/);
  await waitForFrame(b.page, `${id}|`);
  expect(spread(await canvasPixels(b.page))).toBeGreaterThan(2);
  // Dropped files cannot be named in a link: the hash no longer names a model.
  await b.page.waitForFunction(() => !location.hash.includes('model='));
  await screenshot(b.page, 'own-model-folder');
});
