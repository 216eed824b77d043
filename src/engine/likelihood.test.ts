/**
 * The likelihood jobs through the registry (what the app runs): ln Q equals the method's own exact value,
 * bad settings are refused in one sentence, the ascent streams its trajectory as partial results, renders
 * its frames, cancels with a JobCancelled, and no tensor is left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { isCancelled } from './jobContext';
import { cpuJobsWith, withJobsGenerator } from './testing';
import { likelihoodExact } from '../methods/likelihood';
import { styleModelFolder } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';

let jobs: Jobs;
let nextId = 1;

beforeAll(async () => {
  jobs = await cpuJobsWith(() => styleModelFolder());
});

const peek = <T>(f: (g: Generator) => Promise<T>) => withJobsGenerator(jobs, f);

describe('likelihood jobs', () => {
  it('ln Q at a seed: exact as the method computes it, the estimate beside it', async () => {
    const before = tf.memory().numTensors;
    const r = await jobs.run('likelihood', nextId++, { latent: { seed: 4 }, eps: 1e-6, probes: 8 });
    expect(tf.memory().numTensors).toBe(before);
    const want = await peek((g) => likelihoodExact(g, g.samplePrior(4, 1), 1e-6));
    expect(r.logdetExact).toBeCloseTo(want.logdetExact, 6);
    expect(r.logLikelihood).toBeCloseTo(want.logLikelihood, 6);
    expect(r.settings).toMatchObject({ degree: 10, probes: 8, power: 20, margin: 1.2, eps: 1e-6 });
    expect(Number.isFinite(r.logdetEstimate)).toBe(true);
    await expect(jobs.run('likelihood', nextId++, { latent: { seed: 4 }, eps: 2 })).rejects.toThrow(/floor ε/);
    await expect(jobs.run('likelihood', nextId++, { latent: { seed: 4 }, degree: 0 })).rejects.toThrow(/Chebyshev degree/);
  });

  it('ascent: trajectory streamed as it runs, frames rendered, ln Q up', async () => {
    const partial: number[] = [];
    const r = await jobs.run('ascent', nextId++, { latent: { seed: 4 }, steps: 6, lr: 0.05, every: 3 }, (p) => {
      const part = p.partial as { steps: unknown[] } | undefined;
      if (part) partial.push(part.steps.length);
    });
    expect(partial).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.frameSteps).toEqual([0, 3, 6]);
    expect(r.framesRgba.length).toBe(3 * r.width * r.height * 4);
    expect(r.steps[6].logLikelihood).toBeGreaterThan(r.steps[0].logLikelihood);
  });

  it('ascent cancels mid-run with a JobCancelled and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const id = nextId++;
    const error = await jobs.run('ascent', id, { latent: { seed: 5 }, steps: 500, lr: 0.05, every: 50 }, (p) => {
      if (p.phase === 'ascent' && p.done === 2) jobs.cancel(id);
    }).catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
