/**
 * Issue 12's bar "no tensor growth over 1,000 metric computations": forward-mode exact metrics (and the
 * Lanczos and fd methods around them) on the tiny style fixture, cycling through the spaces and distances,
 * leave tf.memory() exactly where it was after a first warm-up round.
 */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { computeMetric, type MetricMethod } from './metric';
import { loadGenerator } from '../model/load';
import { memoryFiles } from '../model/files';
import { styleModelFolder } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';
import type { DistanceName } from '../distance';

let g: Generator;

beforeAll(async () => {
  await tf.setBackend('cpu');
  g = await loadGenerator(memoryFiles('style fixture', await styleModelFolder()));
});

it('1,000 metric computations leave no tensor behind', async () => {
  const cases: { space: 'z' | 'w' | 'wplus'; distance: DistanceName; method: MetricMethod }[] = [];
  for (const space of ['z', 'w', 'wplus'] as const) for (const distance of ['mse', 'ssim', 'perceptual'] as const) cases.push({ space, distance, method: 'exact' });
  // bp with mse renders its deferred anchor (distance/mse.ts) for d²: that path must not leak either.
  cases.push({ space: 'w', distance: 'mse', method: 'lanczos' }, { space: 'z', distance: 'perceptual', method: 'fd' }, { space: 'z', distance: 'mse', method: 'bp' });
  const latent = (space: 'z' | 'w' | 'wplus', i: number) => {
    const z = tf.tensor2d(g.samplePrior(i, 1), [1, g.zDim]);
    const x = tf.tidy(() => (space === 'z' ? z.clone() : space === 'w' ? g.mapZ(z) : g.broadcastW(g.mapZ(z))));
    const values = x.dataSync().slice();
    tf.dispose([z, x]);
    return values;
  };
  for (const c of cases) await computeMetric(g, latent(c.space, 0), { ...c, k: 3 });
  const before = tf.memory().numTensors;
  let last = 0;
  for (let i = 0; i < 1000; i++) {
    const c = cases[i % cases.length];
    const m = await computeMetric(g, latent(c.space, i), { ...c, k: 3 });
    expect(m.eigenvalues[0]).toBeGreaterThan(0);
    if (c.method === 'exact') expect(m.jvp).toBe('forward');
    last = tf.memory().numTensors;
  }
  expect(last).toBe(before);
}, 600_000);
