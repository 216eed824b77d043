/**
 * The factors job (the sliders' factor labels) on the style fixture with a tiny linear probe, against an
 * independent computation: central differences of the rendered image along each direction, read through the
 * probe's own kernel in float64 (its one target t) and through the mse features (the image rate ρ). Also the
 * refusals, in one sentence each, and no tensor left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { cpuJobsWith, cpuJobsWithTinyProbe, withJobsGenerator } from './testing';
import { memoryFiles } from '../model/files';
import { editJson, probeKernel, styleModelFolder, SIZE, type FileMap } from '../model/testing/fixtures';

let jobs: Jobs;
let probe: FileMap;
let nextId = 1;

beforeAll(async () => {
  ({ jobs, probe } = await cpuJobsWithTinyProbe());
  // The probe loads on the first job that needs it and stays with the model (its two weights): load it before counting tensors.
  const b = await jobs.run('basis', nextId++, { latent: { seed: 1 }, space: 'w', kind: 'random', distance: 'mse', k: 1 });
  const n = tf.memory().numTensors;
  await jobs.run('factors', nextId++, { basisSpace: b.basisSpace, reference: b.reference, directions: b.directions });
  expect(tf.memory().numTensors).toBe(n + 2);
});

/** The image at latent x of space `space`, in float64. */
async function imageAt(x: number[], space: 'z' | 'w'): Promise<Float64Array> {
  return withJobsGenerator(jobs, async (g) => {
    const t = tf.tidy(() => g.generate(tf.tensor2d(x, [1, x.length]), space));
    const v = Float64Array.from(await t.data());
    t.dispose();
    return v;
  });
}

describe('factors job', () => {
  it('each direction\'s rate of the probe\'s target per unit of RMS image change matches central differences', async () => {
    for (const space of ['w', 'z'] as const) {
      const basis = await jobs.run('basis', nextId++, { latent: { seed: 4 }, space, kind: 'metric', distance: 'mse', k: 3 });
      const before = tf.memory().numTensors;
      const r = await jobs.run('factors', nextId++, { basisSpace: basis.basisSpace, reference: basis.reference, directions: basis.directions });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.factors).toEqual(['t']);
      expect(r.probe).toBe('tiny-probe');
      const { kernel } = probeKernel(probe);
      const m = SIZE * SIZE * 3, h = 1e-2;
      for (const [i, v] of basis.directions.entries()) {
        const plus = await imageAt(basis.reference.map((x, j) => x + h * v[j]), basis.basisSpace);
        const minus = await imageAt(basis.reference.map((x, j) => x - h * v[j]), basis.basisSpace);
        let dt = 0, sq = 0;
        for (let p = 0; p < m; p++) {
          const d = (plus[p] - minus[p]) / (2 * h);
          dt += d * kernel[p * 3 + 2];
          sq += d * d;
        }
        const rho = Math.sqrt(sq) / (2 * Math.sqrt(m)); // mse features: x / ((hi − lo)·√m), range [−1, 1]
        expect(r.rates[i][0], `${space} direction ${i}`).toBeCloseTo(Math.abs(dt) / rho, 1);
        expect(Math.abs(r.rates[i][0] - Math.abs(dt) / rho) / (Math.abs(dt) / rho)).toBeLessThan(2e-2);
        expect(r.labels[i]).toEqual({ factor: 't', share: 1 });
      }
    }
  });

  it('refuses malformed requests and a probe that only classifies, in one sentence', async () => {
    const basis = await jobs.run('basis', nextId++, { latent: { seed: 4 }, space: 'w', kind: 'metric', distance: 'mse', k: 2 });
    await expect(jobs.run('factors', nextId++, { basisSpace: 'w', reference: basis.reference.slice(1), directions: basis.directions }))
      .rejects.toThrow(/The reference must be \d+ finite numbers \(a latent in W\)/);
    await expect(jobs.run('factors', nextId++, { basisSpace: 'w', reference: basis.reference, directions: [[NaN]] }))
      .rejects.toThrow(/The directions must be 1 to \d+ rows of \d+ finite numbers/);
    await expect(jobs.run('factors', nextId++, { basisSpace: 'q' as 'w', reference: basis.reference, directions: basis.directions }))
      .rejects.toThrow('The basis space of a factors request must be z or w.');
    const classifier = editJson(probe, 'manifest.json', (m) => { delete (m.outputs as { targets?: string[] }).targets; });
    // The probe's network still has three outputs; a manifest naming two is refused by the loader before the job asks for factors.
    const other = await cpuJobsWith(async () => editJson(await styleModelFolder(), 'manifest.json', (m) => { m.probe = 'tiny-probe'; }), 'tiny',
      { probeFiles: (id) => memoryFiles(id, classifier) });
    await expect(other.run('factors', 1, { basisSpace: 'w', reference: basis.reference, directions: basis.directions }))
      .rejects.toThrow(/manifest promises .* 2 outputs/);
    other.dispose();
  });
});
