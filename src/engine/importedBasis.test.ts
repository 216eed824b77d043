/**
 * The 'imported' basis job on the tiny fixtures (cpu backend): directions read from a real export
 * (basisJson → readDirectionsFile → importDirections, as the app's Load directions… does) measured at a view.
 * Oracles:
 * - the metric's own eigenvectors, imported, have rates √λ of the metric at that latent (≤ 1e-5 relative: the same
 *   float32 Jacobian products, taken once per direction instead of for the whole metric);
 * - at another latent, their rates are √(vᵀHv) with H rebuilt from that latent's exact metric (≤ 1e-4, as jobs.test.ts);
 * - a slider's edit along an imported direction is the image of reference + (position / rate)·v̂, built by hand
 *   (≤ 1e-5), where v̂ is the file's direction at unit length;
 * - tf.memory().numTensors is back where it was after every success and failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { basisJson } from '../export/basisFiles';
import { computeMetric } from '../geometry/metric';
import { metricMatrix } from '../geometry/spectrum';
import { quadraticForm } from '../linalg/dense';
import { readDirectionsFile } from '../export/directionsFile';
import { importDirections } from '../state/importedBasis';
import { pickedFiles, styleModelFolder, W_DIM, Z_DIM } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';
import { sliderSteps } from './edit';
import { editedLatent } from './editedLatent';
import type { Engine } from './engine';
import { Jobs } from './jobs';
import type { Basis, BasisRequest } from './types';

let jobs: Jobs;
let nextId = 1;
const id = () => nextId++;
const model = { id: '', zDim: Z_DIM, wDim: W_DIM, spaces: ['z' as const, 'w' as const, 'wplus' as const] };

beforeAll(async () => {
  await new Jobs({ backends: ['cpu'] }).start();
  jobs = new Jobs({ backends: ['cpu'] });
  const loaded = await jobs.load({ kind: 'files', files: pickedFiles(await styleModelFolder()) });
  expect(loaded).toMatchObject({ ok: true });
  model.id = loaded.ok ? loaded.model.id : '';
});
afterAll(() => jobs?.dispose());

/** The generator the jobs use (a test-only peek, as in jobs.test.ts). */
const withGenerator = <T>(f: (g: Generator) => Promise<T> | T): Promise<T> =>
  (jobs as unknown as { engine: Engine }).engine.withGenerator(async (g) => f(g));

/** A basis exported as the app's JSON file and loaded back as the app loads it. */
function loaded(b: Basis, scale: number[] = []): BasisRequest['imported'] {
  const file = readDirectionsFile(basisJson({ ...b, directions: b.directions.map((row, i) => row.map((v) => v * (scale[i] ?? 1))) }, { model: model.id, link: '', latent: 'seed 3' }));
  const imported = importDirections(file, 'metric.json', { model, isCode: false });
  return { space: imported.space, directions: imported.directions };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('imported basis', () => {
  it('the metric\'s own eigenvectors, exported and loaded, have rates √λ at that latent; signs and order are the file\'s', async () => {
    let worst = 0;
    for (const [space, distance] of [['w', 'ssim'], ['z', 'mse'], ['wplus', 'mse']] as const) {
      const metric = await jobs.run('basis', id(), { latent: { seed: 3 }, space, kind: 'metric', distance, k: 4 }, () => undefined);
      // Lengths and a sign the file chooses: the import scales to unit length and keeps the sign.
      const imported = loaded(metric, [3, -0.5, 1, 2e-3]);
      const before = tf.memory().numTensors;
      const b = await jobs.run('basis', id(), { latent: { seed: 3 }, space, kind: 'imported', distance, k: 4, imported }, () => undefined);
      expect(tf.memory().numTensors).toBe(before);
      expect(b).toMatchObject({ kind: 'imported', basisSpace: metric.basisSpace, space, dim: metric.dim, values: [], valueName: '' });
      // The style fixture pixel-normalises z, so Z has an exact null direction (λ ≈ 1e-15·λ₁): its rate is float32
      // round-off either way, and is compared with the largest rate instead.
      const top = Math.sqrt(metric.values[0]);
      b.rates.forEach((r, i) => {
        const expected = Math.sqrt(metric.values[i]);
        if (expected > 1e-3 * top) expect(relative(r, expected), `${space} rate ${i}`).toBeLessThan(1e-5);
        else expect(r / top, `${space} rate ${i} (null direction)`).toBeLessThan(1e-3);
      });
      worst = Math.max(worst, ...b.rates.map((r, i) => (Math.sqrt(metric.values[i]) > 1e-3 * top ? relative(r, Math.sqrt(metric.values[i])) : 0)));
      b.directions.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo((i === 1 ? -1 : 1) * metric.directions[i][j], 6)));
      expect(b.notes[0]).toMatch(/scaled to unit length/);
    }
    console.log(`imported eigenvectors: worst relative rate difference from √λ ${worst.toExponential(2)}`);
  });

  it('k takes the first directions; at another latent they get that latent\'s √(vᵀHv), H rebuilt from its exact metric', async () => {
    const metric = await jobs.run('basis', id(), { latent: { seed: 3 }, space: 'w', kind: 'metric', distance: 'mse', k: 4 }, () => undefined);
    const imported = loaded(metric);
    const two = await jobs.run('basis', id(), { latent: { seed: 3 }, space: 'w', kind: 'imported', distance: 'mse', k: 2, imported }, () => undefined);
    expect(two.directions).toHaveLength(2);
    expect(two.notes[0]).toMatch(/2 of 4/);
    const elsewhere = await jobs.run('basis', id(), { latent: { seed: 5 }, space: 'w', kind: 'imported', distance: 'mse', k: 4, imported }, () => undefined);
    const q = await withGenerator(async (g) => {
      const m = await computeMetric(g, elsewhere.reference, { space: 'w', distance: 'mse', method: 'exact' });
      const h = metricMatrix({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
      return elsewhere.directions.map((v) => quadraticForm(h, v, m.n));
    });
    elsewhere.rates.forEach((r, i) => expect(relative(r, Math.sqrt(q[i]))).toBeLessThan(1e-4));
    // Not the rates of seed 3: the eigenvectors of one latent are measured at the other.
    expect(elsewhere.rates.some((r, i) => relative(r, metric.rates[i]) > 1e-3)).toBe(true);
  });

  it('a slider along an imported direction moves the latent by position / rate along the unit direction', async () => {
    const metric = await jobs.run('basis', id(), { latent: { seed: 3 }, space: 'w', kind: 'metric', distance: 'mse', k: 3 }, () => undefined);
    const imported = loaded(metric, [5, 1, 1]);
    const b = await jobs.run('basis', id(), { latent: { seed: 3 }, space: 'w', kind: 'imported', distance: 'mse', k: 3, imported }, () => undefined);
    const position = 0.05;
    const steps = sliderSteps(b.rates, [position, 0, 0]);
    await withGenerator((g) => {
      const before = tf.memory().numTensors;
      const z = g.samplePrior(3, 1);
      const [bySlider, byHand] = tf.tidy(() => {
        const edited = g.generate(editedLatent(g, z, 'w', { directions: b.directions, steps }) as tf.Tensor2D, 'w');
        // By hand: w + (position / rate₁)·v̂₁, v̂₁ the file's first row (5× the eigenvector) at unit length.
        const row = imported!.directions[0];
        const unit = row.map((v) => v / Math.hypot(...row));
        const w = g.mapZ(tf.tensor2d(Float32Array.from(z), [1, Z_DIM]));
        const moved = tf.add(w, tf.mul(tf.tensor2d([unit], [1, W_DIM]), position / b.rates[0]));
        return [edited.dataSync(), g.generate(moved as tf.Tensor2D, 'w').dataSync()];
      });
      let worst = 0;
      for (let i = 0; i < bySlider.length; i++) worst = Math.max(worst, Math.abs(bySlider[i] - byHand[i]));
      expect(worst).toBeLessThan(1e-5);
      // And the edit is not nothing: the image moved.
      const still = tf.tidy(() => g.generate(editedLatent(g, z, 'w') as tf.Tensor2D, 'w').dataSync());
      expect(Math.max(...bySlider.map((v, i) => Math.abs(v - still[i])))).toBeGreaterThan(1e-3);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('scales a request\'s directions to unit length itself (a request crosses a thread boundary: nothing is assumed)', async () => {
    const b = await jobs.run('basis', id(), { latent: { seed: 1 }, space: 'w', kind: 'imported', distance: 'mse', k: 2,
      imported: { space: 'w', directions: [[3, 0, 0, 0, 4, 0], [0, -0.5, 0, 0, 0, 0]] } }, () => undefined);
    expect(b.directions).toEqual([[0.6, 0, 0, 0, 0.8, 0], [0, -1, 0, 0, 0, 0]]);
  });

  it('refuses directions that do not fit the view, in one sentence, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const base: BasisRequest = { latent: { seed: 1 }, space: 'w', kind: 'imported', distance: 'mse', k: 3, imported: { space: 'w', directions: [[1, 0, 0, 0, 0, 0]] } };
    const run = (req: Partial<BasisRequest>) => jobs.run('basis', id(), { ...base, ...req }, () => undefined);
    await expect(run({ imported: undefined })).rejects.toThrow('An imported basis needs its directions.');
    await expect(run({ imported: { space: 'w', directions: [[1, 0, 0]] } })).rejects.toThrow('The imported directions must have 6 entries each, the length of W for this model.');
    await expect(run({ imported: { space: 'z', directions: [[1, 0, 0, 0]] } })).rejects.toThrow('These directions live in Z: show them in Z.');
    await expect(run({ imported: { space: 'w', directions: [[0, 0, 0, 0, 0, 0]] } })).rejects.toThrow('Imported direction 1 has no length, so it points nowhere.');
    await expect(run({ imported: { space: 'w', directions: [[1, NaN, 0, 0, 0, 0]] } })).rejects.toThrow('Imported direction 1 holds something other than a finite number.');
    await expect(run({ imported: { space: 'w', directions: Array.from({ length: 33 }, () => [1, 0, 0, 0, 0, 0]) } })).rejects.toThrow('An imported basis holds at most 32 directions.');
    expect(tf.memory().numTensors).toBe(before);
  });
});
