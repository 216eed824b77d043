/**
 * Truncation ψ where it acts (truncation.ts). Oracles, each computed here independently of the engine:
 * - style model (its mapping pixel-normalises z, like every bundled one): the frame at ψ equals G through W
 *   at w̄ + ψ(w − w̄), with w̄ the mean of the mapping over W_MEAN_SAMPLES prior samples computed in one batch
 *   here; and ψ·z would change nothing for it (the bug this replaces);
 * - z-space model that does not normalise z: the frame at ψ equals the frame of the explicit latent ψ·z.
 * Frames are compared as RGBA bytes (float32 → 8 bit): equal up to one level of rounding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Engine } from './engine';
import { cpuJobsWith, engineOf } from './testing';
import { styleModelFolder, zModelFolder, type FileMap, pickedFiles } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';
import { truncatedGenerator, W_MEAN_SAMPLES, W_MEAN_SEED } from './truncation';
import { computeMetric } from '../geometry/metric';


async function engineWith(map: FileMap): Promise<Engine> {
  const engine = new Engine({ backends: ['cpu'] });
  expect(await engine.load({ kind: 'files', files: pickedFiles(map) })).toMatchObject({ ok: true });
  return engine;
}

const maxDiff = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const meanDiff = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
const peek = <T>(engine: Engine, f: (g: Generator) => Promise<T>) => engine.withGenerator(f);

beforeAll(async () => {
  await new Engine({ backends: ['cpu'] }).init();
});

describe('truncation ψ', () => {
  it('style model: acts in W as w̄ + ψ(w − w̄), through every space', async () => {
    const engine = await engineWith(await styleModelFolder());
    const seed = 5, psi = 0.5;
    const plain = await engine.render({ seq: 1, latent: { seed }, space: 'w' });
    const truncated = await engine.render({ seq: 2, latent: { seed, truncation: psi }, space: 'w' });
    expect(meanDiff(plain.rgba, truncated.rgba)).toBeGreaterThan(1);
    const expected = await peek(engine, async (g) => {
      const z = g.samplePrior(seed, 1);
      const images = tf.tidy(() => {
        const all = g.mapZ(tf.tensor2d(g.samplePrior(W_MEAN_SEED, W_MEAN_SAMPLES), [W_MEAN_SAMPLES, g.zDim]));
        const wbar = tf.mean(all, 0, true);
        const w = g.mapZ(tf.tensor2d(z, [1, g.zDim]));
        return g.generate(tf.add(wbar, tf.mul(tf.sub(w, wbar), psi)), 'w');
      });
      try {
        return await g.toRGBA(images);
      } finally {
        images.dispose();
      }
    });
    expect(maxDiff(truncated.rgba, expected)).toBeLessThanOrEqual(1);
    // Every space sees the same truncated reference.
    for (const space of ['z', 'wplus'] as const) {
      const f = await engine.render({ seq: 4, latent: { seed, truncation: psi }, space });
      expect(maxDiff(f.rgba, truncated.rgba)).toBeLessThanOrEqual(1);
    }
    engine.dispose();
  });

  it('style model: forward mode in Z goes through the truncated mapping (the metric agrees with the double-VJP on the view, and scales)', async () => {
    const engine = await engineWith(await styleModelFolder());
    await peek(engine, async (g) => {
      const z = g.samplePrior(7, 1);
      const at = async (psi: number, jvp: 'forward' | 'double-vjp') =>
        (await computeMetric(truncatedGenerator(g, psi), z, { space: 'z', distance: 'mse', method: 'exact', jvp })).eigenvalues;
      const forward = await at(0.5, 'forward');
      const doubleVjp = await at(0.5, 'double-vjp');
      for (let i = 0; i < forward.length; i++) expect(Math.abs(forward[i] - doubleVjp[i]) / doubleVjp[0]).toBeLessThan(1e-5);
      // And ψ really acts: the untruncated metric differs.
      expect(Math.abs((await at(1, 'forward'))[0] - forward[0]) / forward[0]).toBeGreaterThan(1e-2);
    });
    engine.dispose();
  });

  it('style model: ψ·z is no truncation at all (the pixel norm undoes it), which is why ψ moved to W', async () => {
    const engine = await engineWith(await styleModelFolder());
    const z = await peek(engine, async (g) => Array.from(g.samplePrior(5, 1)));
    const a = await engine.render({ seq: 1, latent: { z }, space: 'w' });
    const b = await engine.render({ seq: 2, latent: { z: z.map((v) => v * 0.5) }, space: 'w' });
    expect(maxDiff(a.rgba, b.rgba)).toBeLessThanOrEqual(1);
    engine.dispose();
  });

  it('z-space model without normalisation: ψ scales z', async () => {
    const engine = await engineWith(await zModelFolder());
    const seed = 7, psi = 0.5;
    const z = await peek(engine, async (g) => Array.from(g.samplePrior(seed, 1)));
    const plain = await engine.render({ seq: 1, latent: { seed }, space: 'z' });
    const truncated = await engine.render({ seq: 2, latent: { seed, truncation: psi }, space: 'z' });
    const explicit = await engine.render({ seq: 3, latent: { z: z.map((v) => v * psi) }, space: 'z' });
    expect(meanDiff(plain.rgba, truncated.rgba)).toBeGreaterThan(1);
    expect(maxDiff(truncated.rgba, explicit.rgba)).toBe(0);
    engine.dispose();
  });

  it('jobs compute at the truncated reference, and leave no tensor behind', async () => {
    const jobs = await cpuJobsWith(() => styleModelFolder());
    const at = (truncation: number) => jobs.run('basis', 1 + truncation * 10, { latent: { seed: 5, truncation }, space: 'w', kind: 'random', distance: 'mse', k: 2 });
    const half = await at(0.5);
    const before = tf.memory().numTensors;
    const full = await at(1);
    const again = await at(0.5);
    expect(tf.memory().numTensors).toBe(before);
    // Random directions are the same at both; the reference is pulled halfway to w̄.
    expect(half.directions).toEqual(full.directions);
    expect(again.reference).toEqual(half.reference);
    const engine = engineOf(jobs);
    const wbar = await peek(engine, async (g) => {
      const m = tf.tidy(() => tf.mean(g.mapZ(tf.tensor2d(g.samplePrior(W_MEAN_SEED, W_MEAN_SAMPLES), [W_MEAN_SAMPLES, g.zDim])), 0));
      try {
        return Array.from(m.dataSync());
      } finally {
        m.dispose();
      }
    });
    half.reference.forEach((v, i) => expect(v).toBeCloseTo(wbar[i] + 0.5 * (full.reference[i] - wbar[i]), 5));
    jobs.dispose();
  });
});
