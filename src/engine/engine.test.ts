import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Engine } from './engine';
import { styleModelFolder, zModelFolder, type FileMap, pickedFiles } from '../model/testing/fixtures';

/** A model folder as the browser would hand it over after a drop. */

const files = (map: FileMap) => ({ kind: 'files' as const, files: pickedFiles(map) });

async function engineWith(map: FileMap): Promise<Engine> {
  const engine = new Engine({ backends: ['cpu'] });
  const result = await engine.load(files(map));
  expect(result).toMatchObject({ ok: true });
  return engine;
}

const differs = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.some((v, i) => v !== b[i]);

describe('Engine', () => {
  // The fixtures build tfjs models before any engine starts: give them the backend the engines use.
  beforeAll(async () => {
    await new Engine({ backends: ['cpu'] }).init();
  });

  it('starts the backend it is told to and reports it', async () => {
    const info = await new Engine({ backends: ['cpu'] }).init();
    expect(info).toEqual({ backend: 'cpu', backendNotes: [], model: null });
  });

  it('falls back along the backend order and says why', async () => {
    const info = await new Engine({ backends: ['webgpu', 'cpu'] }).init();
    expect(info.backend).toBe('cpu');
    expect(info.backendNotes[0]).toMatch(/^webgpu: /);
  });

  it('loads dropped files and renders deterministic frames', async () => {
    const engine = await engineWith(await zModelFolder());
    const info = engine.info();
    expect(info.model).toMatchObject({ id: 'tiny-z', zDim: 4, width: 8, height: 8, isStyleBased: false, spaces: ['z'] });
    const a = await engine.render({ seq: 1, latent: { seed: 5 }, space: 'z' });
    const b = await engine.render({ seq: 2, latent: { seed: 5 }, space: 'z' });
    const c = await engine.render({ seq: 3, latent: { seed: 6 }, space: 'z' });
    expect(a).toMatchObject({ seq: 1, width: 8, height: 8, space: 'z' });
    expect(a.rgba).toHaveLength(8 * 8 * 4);
    expect(a.rgba).toEqual(b.rgba);
    expect(differs(a.rgba, c.rgba)).toBe(true);
    expect(a.ms).toBeGreaterThanOrEqual(0);
  });

  it('renders explicit latents and rejects ones of the wrong size', async () => {
    const engine = await engineWith(await zModelFolder());
    const frame = await engine.render({ seq: 1, latent: { z: [0.5, -1, 0, 2] }, space: 'z' });
    expect(frame.rgba).toHaveLength(256);
    await expect(engine.render({ seq: 2, latent: { z: [1, 2] }, space: 'z' })).rejects.toThrow('this model expects 4');
    await expect(engine.render({ seq: 3, latent: { z: [1, 2, NaN, 4] }, space: 'z' })).rejects.toThrow('finite');
    await expect(engine.render({ seq: 4, latent: { seed: 1 }, space: 'q' as 'z' })).rejects.toThrow('z, w or wplus');
  });

  it('renders a style model through Z, W and W+ alike, and a z-model falls back to Z', async () => {
    const engine = await engineWith(await styleModelFolder());
    expect(engine.info().model?.spaces).toEqual(['z', 'w', 'wplus']);
    const frames = await Promise.all((['z', 'w', 'wplus'] as const).map((space, i) => engine.render({ seq: i, latent: { seed: 3 }, space })));
    expect(frames.map((f) => f.space)).toEqual(['z', 'w', 'wplus']);
    expect(frames[1].rgba).toEqual(frames[0].rgba);
    expect(frames[2].rgba).toEqual(frames[0].rgba);
  });

  it('applies a slider edit to the frame: a zero edit gives exactly the unedited pixels', async () => {
    const engine = await engineWith(await styleModelFolder());
    for (const space of ['z', 'w', 'wplus'] as const) {
      const dim = space === 'z' ? 4 : 6;
      const directions = [Array.from({ length: dim }, (_, i) => (i === 1 ? 1 : 0))];
      const plain = await engine.render({ seq: 1, latent: { seed: 4 }, space });
      const zero = await engine.render({ seq: 2, latent: { seed: 4 }, space, edit: { directions, steps: [0] } });
      const moved = await engine.render({ seq: 3, latent: { seed: 4 }, space, edit: { directions, steps: [3] } });
      expect(zero.rgba).toEqual(plain.rgba);
      expect(differs(moved.rgba, plain.rgba)).toBe(true);
    }
    await expect(engine.render({ seq: 4, latent: { seed: 4 }, space: 'w', edit: { directions: [[1, 0, 0, 0]], steps: [1] } }))
      .rejects.toThrow('Edit direction 1 has 4 values; W of this model has 6.');
  });

  it('keeps the previous model when a load fails, and says why in one sentence', async () => {
    const engine = await engineWith(await zModelFolder());
    const before = await engine.render({ seq: 1, latent: { seed: 9 }, space: 'z' });
    const corrupt = { ...(await zModelFolder()), 'generator/model.json': '{"modelTopology": ' };
    const result = await engine.load(files(corrupt));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/\.$/);
    expect(result.error).not.toMatch(/\n/);
    expect(result.model?.id).toBe('tiny-z');
    const after = await engine.render({ seq: 2, latent: { seed: 9 }, space: 'z' });
    expect(after.rgba).toEqual(before.rgba);

    const bad = await engine.load({ kind: 'bundled', id: '../etc' });
    expect(bad).toMatchObject({ ok: false, error: 'That is not the id of a bundled model.' });
    const url = await engine.load({ kind: 'url', url: 'javascript:alert(1)' });
    expect(url).toMatchObject({ ok: false, error: 'Only http and https model URLs can be loaded.' });
  });

  it('lets the last of overlapping loads win and frees the loser', async () => {
    const engine = new Engine({ backends: ['cpu'] });
    await engine.init();
    const base = tf.memory().numTensors;
    const [first, second] = await Promise.all([engine.load(files(await zModelFolder())), engine.load(files(await styleModelFolder()))]);
    expect(second).toMatchObject({ ok: true });
    expect(first.ok).toBe(false);
    expect(engine.info().model?.id).toBe('tiny-style');
    engine.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('does not leak tensors across renders, model swaps and failures', async () => {
    const engine = await engineWith(await styleModelFolder());
    await engine.render({ seq: 0, latent: { seed: 0 }, space: 'w' });
    const start = engine.memory();
    for (let i = 1; i <= 30; i++) await engine.render({ seq: i, latent: { seed: i }, space: (['z', 'w', 'wplus'] as const)[i % 3] });
    await engine.render({ seq: 99, latent: { z: [1] }, space: 'z' }).catch(() => undefined);
    await engine.load(files({ 'manifest.json': 'not json' }));
    expect(engine.memory().numTensors).toBe(start.numTensors);
    expect(engine.memory().numBytes).toBe(start.numBytes);
  });

  it('reads the catalogue and marks models that have no manifest yet', async () => {
    const served: Record<string, unknown> = {
      'http://x/models/index.json': { default: 'b', models: ['a', 'b', '../c', 'a'] },
      'http://x/models/a/manifest.json': { name: 'Model A', description: 'First.' },
    };
    const fetchFn = (async (url: string) => (url in served
      ? new Response(JSON.stringify(served[url]), { status: 200 })
      : new Response('not found', { status: 404 }))) as typeof fetch;
    const engine = new Engine({ backends: ['cpu'], modelsBaseUrl: 'http://x/models', fetchFn });
    expect(await engine.catalogue()).toEqual({
      defaultId: 'b',
      models: [
        { id: 'a', name: 'Model A', description: 'First.' },
        { id: 'b', name: 'b', description: '', error: 'Not available yet (no manifest.json).' },
      ],
    });
  });
});
