/** Rendering does not leak tensors: 50 frames leave the engine's memory where it was. */
import { expect, it } from 'vitest';
import type { Launched } from './browser';
import { browserPerFile, openApp, showSeed } from './app';

let b: Launched;
let id: string;

browserPerFile((browser, modelId) => {
  b = browser;
  id = modelId;
});

type Memory = { numTensors: number; numBytes: number; numDataBuffers: number };
const memory = () => b.page.evaluate(() => (window as unknown as { latentAtlas: { memory(): Promise<Memory> } }).latentAtlas.memory());

it('engine.memory() does not grow across 50 renders', async () => {
  await openApp(b.page);
  await showSeed(b.page, id, 1000);
  const start = await memory();
  expect(start.numTensors).toBeGreaterThan(0);
  for (let i = 1; i <= 50; i++) await showSeed(b.page, id, 1000 + i);
  const end = await memory();
  expect(end.numTensors).toBe(start.numTensors);
  expect(end.numBytes).toBe(start.numBytes);
  expect(end.numDataBuffers).toBe(start.numDataBuffers);
});
