/**
 * A user's model with a layer TF.js cannot differentiate twice (tf.layers.upSampling2d):
 * - with forward mode (src/model/forward) it gets exact bases, no warning; oracle: the fixture is linear in
 *   z (dense → reshape → upsample), so the measured change of a montage step (no derivatives at all)
 *   equals its predicted change step·rate, to float32 round-off, and the fd basis agrees.
 * - a generator that cannot push forward either (the same model with forward mode hidden) falls back to
 *   finite differences with a warning that says why, and no raw TF.js message reaches the caller.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Engine } from './engine';
import { Jobs } from './jobs';
import { cpuJobsWith, engineOf } from './testing';
import { FD_FALLBACK, hasSecondOrderGradients, plainDerivativeError, withDerivatives } from './secondOrder';
import { computeMetric } from '../geometry/metric';
import type { Generator } from '../model/generator';
import { upsamplingModelFolder, zModelFolder, pickedFiles } from '../model/testing/fixtures';


let jobs: Jobs;
let nextId = 1;

beforeAll(async () => {
  jobs = await cpuJobsWith(() => upsamplingModelFolder());
});

describe('models without second-order gradients', () => {
  it('are detected, and models with them are not', async () => {
    const engine = engineOf(jobs);
    expect(await engine.withGenerator(async (g) => hasSecondOrderGradients(g))).toBe(false);
    const other = new Engine({ backends: ['cpu'] });
    await other.load({ kind: 'files', files: pickedFiles(await zModelFolder()) });
    expect(await other.withGenerator(async (g) => hasSecondOrderGradients(g))).toBe(true);
    other.dispose();
  });

  it('get an exact metric basis by forward mode, no warning, whose rates predict the measured change', async () => {
    const fresh = new Jobs({ backends: ['cpu'] });
    expect(await fresh.load({ kind: 'files', files: pickedFiles(await upsamplingModelFolder()) })).toMatchObject({ ok: true });
    const b = await fresh.run('basis', nextId++, { latent: { seed: 2 }, space: 'z', kind: 'metric', distance: 'mse', k: 3 });
    const before = tf.memory().numTensors;
    const again = await fresh.run('basis', nextId++, { latent: { seed: 3 }, space: 'z', kind: 'metric', distance: 'mse', k: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(b.warning).toBeUndefined();
    expect(again.warning).toBeUndefined();
    expect(b.notes.join(' ')).toMatch(/forward mode/);
    const fd = await fresh.run('basis', nextId++, { latent: { seed: 2 }, space: 'z', kind: 'metric', distance: 'mse', k: 3, derivatives: 'fd' });
    for (let i = 0; i < 3; i++) expect(Math.abs(fd.rates[i] - b.rates[i]) / b.rates[0]).toBeLessThan(1e-3);
    const m = await fresh.run('montage', nextId++, { latent: { seed: 2 }, space: 'z', basis: b, rows: [0, 1, 2], columns: 3, extent: 0.05 });
    for (let r = 0; r < 3; r++) {
      expect(m.measured[r][1]).toBe(0);
      for (const c of [0, 2]) expect(Math.abs(m.measured[r][c] - Math.abs(m.predicted[r][c])) / Math.abs(m.predicted[r][c])).toBeLessThan(1e-3);
    }
    fresh.dispose();
  });

  it('get every other kind and a sweep too, without a warning', async () => {
    for (const kind of ['average', 'ganspace', 'sefa', 'random'] as const) {
      const b = await jobs.run('basis', nextId++, { latent: { seed: 2 }, space: 'z', kind, distance: 'mse', k: 2, samples: 2 });
      expect(b.warning, kind).toBeUndefined();
      expect(b.rates.every((r) => Number.isFinite(r)), kind).toBe(true);
    }
    const s = await jobs.run('sweep', nextId++, { seed: 0, count: 2, space: 'z', distance: 'mse' });
    expect(s.count).toBe(2);
  });
});

describe('a generator that can neither push forward nor differentiate twice', () => {
  /** The upsampling model with its forward mode hidden: JVPs must go by the double-VJP trick, which fails. */
  async function withoutForwardMode<T>(body: (g: Generator) => Promise<T>): Promise<T> {
    const engine = engineOf(jobs);
    return engine.withGenerator(async (g) => {
      const hidden = new Proxy(g, { get: (t, p) => (p === 'pushForward' ? undefined : Reflect.get(t, p, t)) });
      return body(hidden as Generator);
    });
  }
  const z = () => Float32Array.from([0.3, -0.2, 0.5, 0.1]);

  it('falls back to finite differences, and says so', async () => {
    const { result, fellBack } = await withoutForwardMode((g) =>
      withDerivatives(g, undefined, (d) => computeMetric(g, z(), { space: 'z', distance: 'mse', method: d, k: 2 })));
    expect(fellBack).toBe(true);
    expect(result.method).toBe('fd');
    expect(result.eigenvalues[0]).toBeGreaterThan(0);
    expect(FD_FALLBACK).toMatch(/finite differences \(fd\)/);
  });

  it('never passes the raw TF.js message on when exact derivatives are asked for anyway', async () => {
    const failure = await withoutForwardMode((g) =>
      withDerivatives(g, 'exact', (d) => computeMetric(g, z(), { space: 'z', distance: 'mse', method: d, k: 2 })).then(() => undefined, (e: unknown) => e));
    expect(String(failure)).toMatch(/ResizeNearestNeighbor|gradient function/);
    const plain = plainDerivativeError(failure);
    expect(String(plain)).toMatch(/second derivative that TF\.js does not have/);
  });
});
