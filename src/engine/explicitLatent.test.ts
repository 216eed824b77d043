/**
 * W and W+ codes as the explorer's latent (explicitLatent.ts), on the style fixture. Oracles computed here
 * without the anchored view:
 * - frames: the synthesis network at the code itself (W: broadcast; W+: as given), as RGBA;
 * - the metric basis at a W+ code, where a W direction moves every layer: Sᵀ H₊ S with H₊ the full W+ metric of
 *   the model at the code (computeMetric on the model, rebuilt from its eigenpairs) and S the stack of identities;
 *   through forward mode (the view's pushForward) and the double-VJP (the view's generate) alike;
 * - a global basis (SeFa) at a code is the model's own, with rates measured at the code;
 * - a code that is f(z) of a prior sample anchors at a z with f(z) ≈ the code, and the Local Basis there has the
 *   seed's W directions.
 * Kinds that need z refuse a code in one sentence; no tensor is left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { cpuJobsWith, engineOf, withJobsGenerator } from './testing';
import { anchoredGenerator, anchorOf } from './explicitLatent';
import { computeMetric } from '../geometry/metric';
import { eigh } from '../linalg/eigh';
import { styleModelFolder, STYLE_LAYERS, W_DIM } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';

let jobs: Jobs;
let id = 1;

beforeAll(async () => {
  jobs = await cpuJobsWith(() => styleModelFolder());
});

const maxDiff = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** A W+ code: the seed's w on every layer plus a different offset per layer. */
async function wplusCode(seed: number): Promise<number[]> {
  return withJobsGenerator(jobs, async (g) => {
    const w = tf.tidy(() => g.mapZ(tf.tensor2d(g.samplePrior(seed, 1), [1, g.zDim])));
    const v = Array.from(await w.data());
    w.dispose();
    return Array.from({ length: STYLE_LAYERS * W_DIM }, (_, j) => v[j % W_DIM] + 0.3 * Math.sin(1 + j));
  });
}

async function imageOf(g: Generator, latent: number[], space: 'w' | 'wplus'): Promise<Uint8ClampedArray> {
  const shape = space === 'w' ? [1, W_DIM] : [1, STYLE_LAYERS, W_DIM];
  const t = tf.tidy(() => g.generate(tf.tensor(latent, shape), space));
  try {
    return await g.toRGBA(t);
  } finally {
    t.dispose();
  }
}

describe('W and W+ codes as the current latent', () => {
  it('renders a W code and a W+ code exactly as the synthesis network draws them, in W and in W+', async () => {
    const engine = engineOf(jobs);
    const code = await wplusCode(3);
    const w = code.slice(0, W_DIM).map((v, i) => v + 0.1 * i);
    const wantW = await withJobsGenerator(jobs, (g) => imageOf(g, w, 'w'));
    const wantPlus = await withJobsGenerator(jobs, (g) => imageOf(g, code, 'wplus'));
    for (const space of ['w', 'wplus', 'z'] as const) {
      expect(maxDiff((await engine.render({ seq: 1, latent: { w }, space })).rgba, wantW), `W code in ${space}`).toBeLessThanOrEqual(1);
      expect(maxDiff((await engine.render({ seq: 2, latent: { w: code }, space })).rgba, wantPlus), `W+ code in ${space}`).toBeLessThanOrEqual(1);
    }
  });

  it('the metric at a W+ code in W is Sᵀ H₊ S of the model\'s own W+ metric there, by forward mode and by double-VJP', async () => {
    const code = await wplusCode(4);
    const b = await jobs.run('basis', id++, { latent: { w: code }, space: 'wplus', kind: 'metric', distance: 'mse', k: W_DIM });
    const { want, views } = await withJobsGenerator(jobs, async (g) => {
      const n = STYLE_LAYERS * W_DIM;
      const full = await computeMetric(g, code, { space: 'wplus', distance: 'mse', method: 'exact' });
      const h = new Float64Array(n * n);
      full.eigenvalues.forEach((lam, e) => {
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] += lam * full.eigenvectors[e * n + i] * full.eigenvectors[e * n + j];
      });
      const tied = new Float64Array(W_DIM * W_DIM);
      for (let l = 0; l < STYLE_LAYERS; l++) for (let m = 0; m < STYLE_LAYERS; m++) {
        for (let i = 0; i < W_DIM; i++) for (let j = 0; j < W_DIM; j++) tied[i * W_DIM + j] += h[(l * W_DIM + i) * n + m * W_DIM + j];
      }
      const view = anchoredGenerator(g, code);
      const reference = Array.from(anchorOf(view)!.code.slice(0, W_DIM)).map((_, i) => code.reduce((s, v, j) => s + (j % W_DIM === i ? v / STYLE_LAYERS : 0), 0));
      const byVjp = await computeMetric(view, reference, { space: 'w', distance: 'mse', method: 'exact', jvp: 'double-vjp' });
      return { want: Array.from(eigh(tied, W_DIM).values), views: byVjp.eigenvalues };
    });
    for (let i = 0; i < W_DIM; i++) {
      expect(Math.abs(b.values[i] - want[i]) / want[0], `forward λ${i}`).toBeLessThan(1e-4);
      expect(Math.abs(views[i] - want[i]) / want[0], `double-VJP λ${i}`).toBeLessThan(1e-4);
    }
    expect(b.notes.join(' ')).not.toMatch(/nearest/);
  });

  it('global bases at a code are the model\'s, with rates measured at the code; a montage there starts from the code\'s image', async () => {
    const code = await wplusCode(5);
    const atSeed = await jobs.run('basis', id++, { latent: { seed: 5 }, space: 'w', kind: 'sefa', distance: 'mse', k: 3 });
    const atCode = await jobs.run('basis', id++, { latent: { w: code }, space: 'wplus', kind: 'sefa', distance: 'mse', k: 3 });
    expect(atCode.directions).toEqual(atSeed.directions);
    expect(atCode.rates).not.toEqual(atSeed.rates);
    const m = await jobs.run('montage', id++, { latent: { w: code }, space: 'wplus', basis: atCode, rows: [0], columns: 3, extent: 0.01 });
    const want = await withJobsGenerator(jobs, (g) => imageOf(g, code, 'wplus'));
    const frame = want.length;
    expect(maxDiff(m.rgba.subarray(frame, 2 * frame), want)).toBe(0);
    // First order holds for a small step: the measured change is the predicted one.
    expect(Math.abs(m.measured[0][2] - m.predicted[0][2]) / m.predicted[0][2]).toBeLessThan(0.05);
  });

  it('a code on f(Z) anchors at a z mapped next to it; the Local Basis and curve walk there say so', async () => {
    const w = await withJobsGenerator(jobs, async (g) => {
      const t = tf.tidy(() => g.mapZ(tf.tensor2d(g.samplePrior(8, 1), [1, g.zDim])));
      const v = Array.from(await t.data());
      t.dispose();
      return v;
    });
    const before = tf.memory().numTensors;
    const local = await jobs.run('basis', id++, { latent: { w }, space: 'w', kind: 'local', distance: 'mse', k: 3 });
    const seed = await jobs.run('basis', id++, { latent: { seed: 8 }, space: 'w', kind: 'local', distance: 'mse', k: 3 });
    expect(local.notes.join(' ')).toMatch(/nearest it \(‖f\(z\) − w̄‖ = /);
    const offset = await withJobsGenerator(jobs, async (g) => anchorOf(anchoredGenerator(g, w))!.offset);
    expect(offset).toBeLessThan(0.05 * Math.hypot(...w));
    // The same W directions (the mapping pixel-normalises z, so the anchor's radius, and with it the singular
    // values' scale, is its own; the directions are not).
    for (let i = 0; i < 3; i++) expect(Math.abs(local.directions[i].reduce((s, v, j) => s + v * seed.directions[i][j], 0))).toBeGreaterThan(0.99);
    const walk = await jobs.run('curve', id++, { latent: { w }, index: 0, steps: 2, intensity: 0.2 });
    expect(walk.notes.join(' ')).toMatch(/translated by that gap/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a code where z is needed, and a code of the wrong length, in one sentence each', async () => {
    const w = Array.from({ length: W_DIM }, (_, i) => i / 10);
    await expect(jobs.run('likelihood', id++, { latent: { w } })).rejects.toThrow('The likelihood is a density of z, and a W or W+ code has no z of the model\'s own; explore a seed or a Z latent.');
    await expect(jobs.run('search', id++, { latent: { w }, objective: 'discriminator' })).rejects.toThrow(/The search runs in Z/);
    await expect(jobs.run('basis', id++, { latent: { w }, space: 'z', kind: 'metric', distance: 'mse', k: 2 })).rejects.toThrow(/explore it in W or W\+/);
    await expect(jobs.run('basis', id++, { latent: { w: [1, 2, 3] }, space: 'w', kind: 'metric', distance: 'mse', k: 2 })).rejects.toThrow(`A W code of this model has ${W_DIM} values (W) or ${STYLE_LAYERS * W_DIM} (W+, ${STYLE_LAYERS} layers of ${W_DIM}); got 3.`);
  });
});
