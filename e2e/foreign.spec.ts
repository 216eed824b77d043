/**
 * A user's Keras generator that TF.js cannot differentiate twice (UpSampling2D + BatchNormalization +
 * sigmoid: foreignModelFolder of src/model/testing/fixtures.ts, written to a folder here): the app computes
 * its exact metric by forward mode (the basis notes say so, and no finite-difference notice appears), the
 * sliders work, and no raw TF.js message reaches the page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { screenshot, type Launched } from './browser';
import { browserPerFile, canvasPixels, meanAbsDiff, openApp, setSlider, snapshot, waitForFrame, waitForNewFrame, waitForSliders } from './app';
import { foreignModelFolder } from '../src/model/testing/fixtures';

let b: Launched;
let folder: string;

browserPerFile((browser) => {
  b = browser;
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-atlas-foreign-'));
  for (const [name, content] of Object.entries(await foreignModelFolder('upsampling-bn-sigmoid'))) {
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), typeof content === 'string' ? content : Buffer.from(content));
  }
});
afterAll(() => {
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

it('gets the exact metric by forward mode, keeps the sliders working, and shows no raw TF.js message', async () => {
  await openApp(b.page);
  await b.page.setInputFiles('input[aria-label="Model folder"]', folder);
  await waitForFrame(b.page, 'tiny-upsampling-bn-sigmoid|');
  expect(await waitForSliders(b.page)).toBeGreaterThan(0);
  const notes = await b.page.textContent('[data-testid=basis-notes]');
  expect(notes).toMatch(/Exact metric/);
  expect(notes).toMatch(/forward mode: every layer by its own rule/);
  expect(await b.page.textContent('body')).not.toMatch(/finite differences \(fd\)/);

  const before = await canvasPixels(b.page);
  const key = (await snapshot(b.page)).frameKey!;
  await setSlider(b.page, 0, 0.05);
  await waitForNewFrame(b.page, key);
  expect(meanAbsDiff(before, await canvasPixels(b.page))).toBeGreaterThan(0.1);

  const s = await snapshot(b.page);
  expect(s.error).toBeNull();
  const text = await b.page.textContent('body');
  expect(text).not.toMatch(/ResizeNearestNeighbor|gradient function not found|Cannot compute gradient/);
  await screenshot(b.page, 'foreign-keras-model');
});
