/**
 * The search job through the registry, on the style fixture with a tiny linear probe: both runs stream their
 * curves side by side, the reported best score is what an independent computation of the probe (its kernel in
 * float64) gives at the best latent, the Hessian run stays in z₀ + the top-k span of the averaged metric (the
 * full run does not), the probe is loaded through the job runner and freed with the model, refusals are one
 * sentence, cancel is clean, and no tensor is left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { isCancelled } from './jobContext';
import { cpuJobsWith, cpuJobsWithTinyProbe, withJobsGenerator } from './testing';
import type { SearchPartial } from './search';
import { averageMetricOf } from '../geometry/bases';
import { memoryFiles } from '../model/files';
import { editJson, pickedFiles, probeKernel, styleModelFolder, zModelFolder, SIZE, Z_DIM, type FileMap } from '../model/testing/fixtures';

let jobs: Jobs;
let probe: FileMap;
let nextId = 1;

beforeAll(async () => {
  ({ jobs, probe } = await cpuJobsWithTinyProbe());
  // The probe loads on the first search and stays with the model (its two weights): load it before counting tensors.
  const n = tf.memory().numTensors;
  await jobs.run('search', nextId++, { latent: { seed: 1 }, objective: 'factor:t', generations: 1, methods: ['cmaes'] });
  expect(tf.memory().numTensors).toBe(n + 2);
});

/** P(light) of the probe at z, computed from its kernel in float64 (softmax of two logits). */
async function pLight(z: number[]): Promise<number> {
  const image = await withJobsGenerator(jobs, async (g) => {
    const t = tf.tidy(() => g.generate(tf.tensor2d(z, [1, Z_DIM]), 'z'));
    const v = Float64Array.from(await t.data());
    t.dispose();
    return v;
  });
  const { kernel, bias } = probeKernel(probe);
  const logits = [0, 1].map((c) => image.reduce((s, x, i) => s + x * kernel[i * 3 + c], bias[c]));
  return 1 / (1 + Math.exp(logits[0] - logits[1]));
}

describe('search job', () => {
  it('runs CMA-ES and Hessian CMA-ES side by side on a probe class; the best score is the probe\'s own reading of the best image', async () => {
    const before = tf.memory().numTensors;
    const partials: SearchPartial[] = [];
    const r = await jobs.run('search', nextId++, { latent: { seed: 3 }, objective: 'class:light', generations: 12, k: 2 }, (p) => {
      if (p.phase === 'search' && p.partial) partials.push(p.partial as unknown as SearchPartial);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.label).toBe('P(light)');
    expect(r.runs.map((run) => [run.method, run.dimensions])).toEqual([['cmaes', Z_DIM], ['hessian-cmaes', 2]]);
    // Side by side: a partial result where both runs are under way and neither is done.
    expect(partials.some((p) => p.runs.every((run) => run.history.length > 0 && run.history.length < 12))).toBe(true);
    expect(partials.at(-1)!.runs.every((run) => run.bestRgba?.length === SIZE * SIZE * 4)).toBe(true);
    for (const run of r.runs) {
      expect(run.history.length).toBe(12);
      expect(run.bestScore).toBeGreaterThanOrEqual(r.start);
      expect(run.history.at(-1)!.bestSoFar).toBe(run.bestScore);
      for (let i = 1; i < 12; i++) expect(run.history[i].bestSoFar).toBeGreaterThanOrEqual(run.history[i - 1].bestSoFar);
      for (const h of run.history) expect(h.best).toBeGreaterThanOrEqual(h.mean);
      expect(Math.abs(await pLight(run.best) - run.bestScore)).toBeLessThan(1e-5);
      expect(run.rgba.length).toBe(SIZE * SIZE * 4);
    }
    expect(Math.abs(await pLight(Array.from(await withJobsGenerator(jobs, async (g) => g.samplePrior(3, 1)))) - r.start)).toBeLessThan(1e-5);
    // The Hessian run moves z only within the top-2 eigenvectors of the averaged metric; the full run leaves that plane.
    const avg = await withJobsGenerator(jobs, (g) => averageMetricOf(g, 'z', 'mse', 0, 12));
    const z0 = Array.from(await withJobsGenerator(jobs, async (g) => g.samplePrior(3, 1)));
    const outside = (z: number[]) => {
      const d = z.map((v, i) => v - z0[i]);
      for (let e = 0; e < 2; e++) {
        const u = avg.eigenvectors.subarray(e * Z_DIM, (e + 1) * Z_DIM);
        const c = d.reduce((s, v, i) => s + v * u[i], 0);
        for (let i = 0; i < Z_DIM; i++) d[i] -= c * u[i];
      }
      return Math.hypot(...d) / Math.max(1e-12, Math.hypot(...z.map((v, i) => v - z0[i])));
    };
    expect(outside(r.runs[1].best)).toBeLessThan(1e-5);
    expect(outside(r.runs[0].best)).toBeGreaterThan(1e-3);
  });

  it('searches the discriminator, or one method alone, without touching the probe', async () => {
    const r = await jobs.run('search', nextId++, { latent: { z: [0.1, -0.2, 0.3, 0.4] }, objective: 'discriminator', generations: 3, methods: ['cmaes'] });
    expect(r.runs.map((run) => run.method)).toEqual(['cmaes']);
    expect(r.runs[0].history.length).toBe(3);
    expect(r.label).toBe('discriminator score');
  });

  it('refuses bad objectives, a missing class and a model without a probe in one sentence each; cancels cleanly', async () => {
    await expect(jobs.run('search', nextId++, { latent: { seed: 1 }, objective: 'banana' })).rejects.toThrow(/not one of discriminator, class:NAME/);
    await expect(jobs.run('search', nextId++, { latent: { seed: 1 }, objective: 'class:square' })).rejects.toThrow(/reads the classes dark, light; 'square' is not among them/);
    await expect(jobs.run('search', nextId++, { latent: { seed: 1 }, objective: 'factor:t', generations: 0 })).rejects.toThrow(/generations must be a whole number from 1/);
    const before = tf.memory().numTensors;
    const id = nextId++;
    const error = await jobs.run('search', id, { latent: { seed: 2 }, objective: 'factor:t', generations: 400 }, (p) => {
      if (p.phase === 'search' && p.done === 5) jobs.cancel(id);
    }).catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const plain = await cpuJobsWith(() => zModelFolder());
    await expect(plain.run('search', 1, { latent: { seed: 1 }, objective: '-factor:t' })).rejects.toThrow(/names no probe in its manifest/);
    plain.dispose();
  });

  it('the model summary names what the probe reads (for the panel), or says why it cannot be read', async () => {
    expect(jobs.info().model?.probe).toEqual({ id: 'tiny-probe', name: 'Tiny probe', categorical: [{ name: 'class', classes: ['dark', 'light'] }], targets: ['t'] });
    const broken = await cpuJobsWith(async () => editJson(await zModelFolder(), 'manifest.json', (m) => { m.probe = 'gone'; }), 'tiny',
      { probeFiles: (id) => memoryFiles(id, {}) });
    const summary = broken.info().model?.probe;
    expect(summary && 'error' in summary && summary.error).toMatch(/^The probe 'gone' named by the manifest cannot be read here \(manifest.json is missing from gone/);
    await expect(broken.run('search', 1, { latent: { seed: 1 }, objective: 'class:x' })).rejects.toThrow(/The probe 'gone' of model 'tiny-z' could not be loaded/);
    broken.dispose();
  });

  it('frees the probe with its model', async () => {
    const n = tf.memory().numTensors;
    const again = editJson(await styleModelFolder(), 'manifest.json', (m) => { m.probe = 'tiny-probe'; });
    const m = tf.memory().numTensors;
    expect((await jobs.load({ kind: 'files', files: pickedFiles(again) })).ok).toBe(true);
    // The same model again, without its probe until a search asks for it.
    expect(tf.memory().numTensors).toBe(n - 2 + (m - n));
  });
});
