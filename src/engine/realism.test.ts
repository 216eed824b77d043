/**
 * The realism jobs through the registry on the style fixture with the tiny probe: the improved latent is
 * P(σ·proto + (1 − σ)·z) recomputed here (1e-12), its image and discriminator score are the generator's own
 * (computed here), σ stays in [0.5, 0.75], the protoimage loss decreases, the blend at σ = 0 and at the job's σ
 * reproduces the original and improved images, the sweep streams its rows and cancels cleanly, and no tensor is left.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { isCancelled } from './jobContext';
import { cpuJobsWithTinyProbe, withJobsGenerator } from './testing';
import type { RealismSweepPartial } from './realism';
import { interpolateToward } from '../methods/realism';
import { SIZE, Z_DIM } from '../model/testing/fixtures';

let jobs: Jobs;
let nextId = 1;

beforeAll(async () => {
  ({ jobs } = await cpuJobsWithTinyProbe());
  // Load the probe (it stays with the model) before counting tensors.
  await jobs.run('search', nextId++, { latent: { seed: 1 }, objective: 'factor:t', generations: 1, methods: ['cmaes'] });
});

/** The generator's own RGBA and discriminator score (alone) at z. */
async function own(z: number[]): Promise<{ rgba: Uint8ClampedArray; score: number }> {
  return withJobsGenerator(jobs, async (g) => {
    const image = tf.tidy(() => g.generate(tf.tensor2d(z, [1, Z_DIM]), 'z'));
    const s = tf.tidy(() => g.discriminatorScore!(image));
    const out = { rgba: await g.toRGBA(image), score: (await s.data())[0] };
    tf.dispose([image, s]);
    return out;
  });
}

describe('realism jobs', () => {
  it('improves the current sample towards its protoimage, with the images and scores the generator gives', async () => {
    const before = tf.memory().numTensors;
    const r = await jobs.run('realism', nextId++, { latent: { seed: 5 }, inversionSteps: 5, protoSteps: 40, walkSteps: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.hypot(...r.z)).toBeCloseTo(Math.sqrt(Z_DIM), 5);
    expect(r.sigma).toBeGreaterThanOrEqual(0.5);
    expect(r.sigma).toBeLessThanOrEqual(0.75);
    const again = interpolateToward(r.z, r.proto, r.sigma, 1, Z_DIM);
    for (let j = 0; j < Z_DIM; j++) expect(Math.abs(again[j] - r.improved[j])).toBeLessThan(1e-12);
    const o = await own(r.improved);
    expect(r.improvedRgba).toEqual(o.rgba);
    expect(r.scores.improved).toBeCloseTo(o.score, 5);
    expect((await own(r.z)).rgba).toEqual(r.originalRgba);
    expect(r.protoLoss.at(-1)!).toBeLessThan(r.protoLoss[0]);
    expect(r.walk.frames).toBe(5);
    expect(r.walk.rgba.length).toBe(5 * SIZE * SIZE * 4);
    expect(r.walk.reading?.length).toBe(5);
    expect(r.walk.reading![0]).toMatch(/^(dark|light) \d+ %$/);
    expect(r.batch).toBe(8);

    const b0 = await jobs.run('realismBlend', nextId++, { z: r.z, proto: r.proto, sigma: 0 });
    expect(b0.rgba).toEqual(r.originalRgba);
    const bs = await jobs.run('realismBlend', nextId++, { z: r.z, proto: r.proto, sigma: r.sigma });
    expect(bs.rgba).toEqual(r.improvedRgba);
    await expect(jobs.run('realismBlend', nextId++, { z: r.z, proto: r.proto, sigma: 2 })).rejects.toThrow(/σ must be a number in \[0, 1\]/);
    await expect(jobs.run('realism', nextId++, { latent: { w: [1, 2] } })).rejects.toThrow(/no z of the model's own/);
  });

  it('the sweep streams its rows, measures with the probe, and cancels cleanly', async () => {
    const before = tf.memory().numTensors;
    const partials: RealismSweepPartial[] = [];
    const r = await jobs.run('realismSweep', nextId++, { count: 32, improveCount: 16, protoCount: 8, inversionSteps: 3, protoSteps: 10, psis: [1, 0.5], sigmas: [0.1] }, (p) => {
      if (p.phase === 'measuring' && p.partial) partials.push(p.partial as unknown as RealismSweepPartial);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rows.map((row) => [row.method, row.param, row.count])).toEqual([
      ['baseline', null, 32], ['truncation', 0.5, 32], ['sigma', 0.1, 32], ['baseline', null, 16], ['improved', r.rows[4].param, 16]]);
    expect(partials.length).toBe(5);
    expect(partials[0].rows.length).toBe(1);
    // The tiny probe draws no procedural data: no Fréchet distance, but its reading.
    for (const row of r.rows) {
      expect(row.frechet).toBeNull();
      expect(row.confident).toBeGreaterThanOrEqual(0);
      expect(row.confident).toBeLessThanOrEqual(1);
      expect(Number.isFinite(row.meanD)).toBe(true);
    }
    const id = nextId++;
    const error = await jobs.run('realismSweep', id, { count: 32, protoCount: 8, inversionSteps: 3, protoSteps: 10 }, (p) => {
      if (p.phase === 'measuring' && p.done === 2) jobs.cancel(id);
    }).catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect(jobs.run('realismSweep', nextId++, { count: 3 })).rejects.toThrow(/number of samples/);
  });
});
