/**
 * A user's model with a layer TF.js cannot differentiate twice (tf.layers.upSampling2d): bases fall back to
 * finite differences with a warning that says why, sliders keep working, and no raw TF.js message reaches
 * the caller. Oracle for the fallback's numbers: the fixture is linear in z (dense → reshape → upsample), so
 * the measured change of a montage step (no derivatives at all) equals its predicted change step·rate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Engine } from './engine';
import { Jobs } from './jobs';
import { FD_FALLBACK, hasSecondOrderGradients } from './secondOrder';
import { upsamplingModelFolder, zModelFolder, type FileMap } from '../model/testing/fixtures';
import type { PickedFile } from './types';

const picked = (files: FileMap): PickedFile[] => Object.entries(files).map(([path, content]) => ({ path: `tiny/${path}`, file: new Blob([content]) }));

let jobs: Jobs;
let nextId = 1;

beforeAll(async () => {
  await new Engine({ backends: ['cpu'] }).init();
  jobs = new Jobs({ backends: ['cpu'] });
  expect(await jobs.load({ kind: 'files', files: picked(await upsamplingModelFolder()) })).toMatchObject({ ok: true });
});

describe('models without second-order gradients', () => {
  it('are detected, and models with them are not', async () => {
    const engine = (jobs as unknown as { engine: Engine }).engine;
    expect(await engine.withGenerator(async (g) => hasSecondOrderGradients(g))).toBe(false);
    const other = new Engine({ backends: ['cpu'] });
    await other.load({ kind: 'files', files: picked(await zModelFolder()) });
    expect(await other.withGenerator(async (g) => hasSecondOrderGradients(g))).toBe(true);
    other.dispose();
  });

  it('get a metric basis by finite differences, with a warning, and its rates predict the measured change', async () => {
    // A fresh model: the exact attempt fails first, then the probe, then fd. TF.js keeps the tensors a failed
    // second-order gradient had saved (≈ 70 here): that happens once per such model, never again.
    const fresh = new Jobs({ backends: ['cpu'] });
    expect(await fresh.load({ kind: 'files', files: picked(await upsamplingModelFolder()) })).toMatchObject({ ok: true });
    const before = tf.memory().numTensors;
    const b = await fresh.run('basis', nextId++, { latent: { seed: 2 }, space: 'z', kind: 'metric', distance: 'mse', k: 3 });
    const leaked = tf.memory().numTensors - before;
    expect(leaked).toBeLessThan(100);
    const again = await fresh.run('basis', nextId++, { latent: { seed: 3 }, space: 'z', kind: 'metric', distance: 'mse', k: 3 });
    expect(again.warning).toBe(FD_FALLBACK);
    expect(tf.memory().numTensors - before).toBe(leaked);
    fresh.dispose();
    expect(b.warning).toBe(FD_FALLBACK);
    expect(b.notes.join(' ')).toMatch(/finite differences/);
    expect(b.rates.every((r) => Number.isFinite(r) && r > 0)).toBe(true);
    const m = await jobs.run('montage', nextId++, { latent: { seed: 2 }, space: 'z', basis: b, rows: [0, 1, 2], columns: 3, extent: 0.05 });
    const afterMontage = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) {
      expect(m.measured[r][1]).toBe(0);
      for (const c of [0, 2]) expect(Math.abs(m.measured[r][c] - Math.abs(m.predicted[r][c])) / Math.abs(m.predicted[r][c])).toBeLessThan(1e-2);
    }
    expect(tf.memory().numTensors).toBe(afterMontage);
  });

  it('get every other kind and a sweep too', async () => {
    for (const kind of ['average', 'ganspace', 'sefa', 'random'] as const) {
      const b = await jobs.run('basis', nextId++, { latent: { seed: 2 }, space: 'z', kind, distance: 'mse', k: 2, samples: 2 });
      expect(b.warning, kind).toBe(FD_FALLBACK);
      expect(b.rates.every((r) => Number.isFinite(r)), kind).toBe(true);
    }
    const s = await jobs.run('sweep', nextId++, { seed: 0, count: 2, space: 'z', distance: 'mse' });
    expect(s.count).toBe(2);
  });

  it('never pass the raw TF.js message on when exact derivatives are asked for anyway', async () => {
    const job = jobs.run('basis', nextId++, { latent: { seed: 2 }, space: 'z', kind: 'metric', distance: 'mse', k: 3, derivatives: 'exact' });
    await expect(job).rejects.toThrow(/second derivative that TF\.js does not have/);
    await expect(job).rejects.not.toThrow(/ResizeNearestNeighbor|gradient function/);
  });
});
