/**
 * The implicit likelihood on models whose answers are known independently:
 * - a linear generator G(z) = Kᵀz + b (the dense fixture with a linear output): M = KKᵀ/c² with
 *   c = (hi − lo)·√m (the mse convention), constant in z, so ln det M comes from a float64 eigh of the
 *   fixture's own kernel, ∇ ln Q = ∇ ln p = −z exactly, and δ(j, i) of v_eff is √(λᵢ/λ₁)·δ(j, 1);
 * - a tanh generator, where the exact gradient is checked against central differences of the exact ln Q;
 * - Algorithm 1 against the exact log-determinant within 3 standard errors plus its polynomial bound.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { effectiveDimension } from './effectiveDimension';
import { flooredLogdet, likelihoodAt, likelihoodExact, likelihoodGradient, likelihoodMap, logPrior } from './likelihood';
import { likelihoodAscent } from './likelihoodAscent';
import { loadGenerator } from '../model/load';
import { memoryFiles } from '../model/files';
import { denseGenerator, manifestFor, serialise, SIZE, Z_DIM } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';
import { eigh } from '../linalg/eigh';

let linear: Generator;
let curved: Generator;
let kernel: Float64Array; // Z_DIM × m

async function zModel(activation: 'linear' | 'tanh'): Promise<{ g: Generator; kernel: Float64Array }> {
  const model = denseGenerator({ activation });
  const k = Float64Array.from(model.getLayer('fc').getWeights()[0].dataSync());
  const { json, shard } = await serialise(model);
  model.dispose();
  const manifest = manifestFor('z', { id: `tiny-${activation}` });
  delete manifest.discriminator;
  const g = await loadGenerator(memoryFiles('fixture', { 'manifest.json': JSON.stringify(manifest), 'generator/model.json': JSON.stringify(json), 'generator/group1-shard1of1.bin': shard }));
  return { g, kernel: k };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ g: linear, kernel } = await zModel('linear'));
  ({ g: curved } = await zModel('tanh'));
});

const m = SIZE * SIZE * 3;
/** Eigenvalues of KKᵀ/c², float64, descending: the linear model's metric. */
function linearMetricEigenvalues(): Float64Array {
  const c2 = (2 * Math.sqrt(m)) ** 2;
  const h = new Float64Array(Z_DIM * Z_DIM);
  for (let i = 0; i < Z_DIM; i++) for (let j = 0; j < Z_DIM; j++) {
    let s = 0;
    for (let t = 0; t < m; t++) s += kernel[i * m + t] * kernel[j * m + t];
    h[i * Z_DIM + j] = s / c2;
  }
  return eigh(h, Z_DIM).values;
}

describe('implicit likelihood', () => {
  it('the prior densities, and no likelihood for a sphere prior', () => {
    expect(logPrior('normal', [0, 0])).toBeCloseTo(-Math.log(2 * Math.PI), 12);
    expect(logPrior('normal', [1, 2])).toBeCloseTo(-2.5 - Math.log(2 * Math.PI), 12);
    expect(logPrior('uniform', [0.5, -1])).toBeCloseTo(-2 * Math.log(2), 12);
    expect(logPrior('uniform', [1.5, 0])).toBe(-Infinity);
    expect(() => logPrior('sphere', [1, 0])).toThrow(/no density|sphere/);
    expect(flooredLogdet([1, 1e-9], 1e-4)).toBeCloseTo(Math.log(1e-4), 12);
    expect(flooredLogdet([1, 1e-9], 1e-4, 'shift')).toBeCloseTo(Math.log(1 + 1e-4) + Math.log(1e-4 + 1e-9), 12);
  });

  it('linear generator: exact ln det M from an independent float64 eigh of its kernel, and ∇ ln Q = −z', async () => {
    const want = linearMetricEigenvalues();
    const z = [0.4, -1.2, 0.3, 0.8];
    const at = await likelihoodExact(linear, z, 1e-8);
    for (let i = 0; i < Z_DIM; i++) expect(Math.abs(at.eigenvalues[i] - want[i]) / want[0]).toBeLessThan(1e-5);
    expect(Math.abs(at.logdetExact - flooredLogdet(want, 1e-8))).toBeLessThan(1e-4);
    expect(at.logLikelihood).toBeCloseTo(logPrior('normal', z) - 0.5 * at.logdetExact, 10);
    const before = tf.memory().numTensors;
    const grad = await likelihoodGradient(linear, z, { eps: 1e-8 });
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < Z_DIM; i++) expect(Math.abs(grad.gradient[i] + z[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(z[i])));
  });

  it('tanh generator: the exact gradient matches central differences of the exact ln Q', async () => {
    const z = [0.3, -0.6, 1.1, -0.2];
    const eps = 1e-8;
    const at = await likelihoodGradient(curved, z, { eps });
    for (const d of [[1, 0, 0, 0], [0.5, -0.5, 0.5, 0.5]]) {
      const h = 1e-2;
      const plus = await likelihoodExact(curved, z.map((v, i) => v + h * d[i]), eps);
      const minus = await likelihoodExact(curved, z.map((v, i) => v - h * d[i]), eps);
      const fd = (plus.logLikelihood - minus.logLikelihood) / (2 * h);
      const ad = d.reduce((s, di, i) => s + di * at.gradient[i], 0);
      expect(Math.abs(fd - ad)).toBeLessThan(2e-2 * Math.max(1, Math.abs(ad)));
    }
  });

  it('Algorithm 1 is within 3 standard errors + its polynomial bound of the exact value (many probes, ample degree)', async () => {
    const z = [0.3, -0.6, 1.1, -0.2];
    const r = await likelihoodAt(curved, z, { degree: 40, probes: 200, power: 50, margin: 1.2, eps: 1e-3, seed: 2 });
    const lambdaMin = r.eigenvalues[r.eigenvalues.length - 1];
    expect(lambdaMin).toBeGreaterThan(1e-3); // the spectrum lies in the interval, so the bound applies
    expect(r.polynomialError).toBeLessThan(0.05);
    expect(Math.abs(r.logdetEstimate - r.logdetExact)).toBeLessThan(3 * r.logdetStdError + r.polynomialError);
    expect(r.relativeError).toBeCloseTo(-0.5 * (r.logdetEstimate - r.logdetExact), 10);
    expect(r.interval[0]).toBe(1e-3);
    expect(r.interval[1]).toBeCloseTo(1.2 * r.lambdaMaxPower, 10);
  });

  it("with ε inside the spectrum, Algorithm 1 estimates the 'shift' floor's ln det(M + εI) (the operator is shifted)", async () => {
    const z = [0.3, -0.6, 1.1, -0.2];
    const exact = await likelihoodExact(curved, z, 1e-12);
    const ev = exact.eigenvalues;
    const eps = Math.sqrt(ev[ev.length - 1] * ev[ev.length - 2]); // between the two smallest eigenvalues
    const settings = { degree: 40, probes: 200, power: 50, margin: 1.2, eps, seed: 2 };
    const shift = await likelihoodAt(curved, z, { ...settings, floor: 'shift' });
    expect(shift.logdetExact).toBeCloseTo(ev.reduce((s, l) => s + Math.log(l + eps), 0), 8);
    expect(Math.abs(shift.logdetEstimate - shift.logdetExact)).toBeLessThan(3 * shift.logdetStdError + shift.polynomialError);
    // Without the shift in the operator the estimate would be near Σ ln λ (−24.9 here), 200 SE away.
    expect(Math.abs(shift.logdetEstimate - flooredLogdet(ev, 1e-300))).toBeGreaterThan(50 * shift.logdetStdError);
  });

  it("the estimator's gradient (Algorithm 1 differentiated) agrees with the exact gradient when the estimator is accurate", async () => {
    const z = [0.3, -0.6, 1.1, -0.2];
    const before = tf.memory().numTensors;
    const r = await likelihoodGradient(curved, z, { eps: 1e-3, floor: 'shift', method: 'estimator',
      estimator: { degree: 40, probes: 400, power: 50, margin: 1.2, eps: 1e-3, seed: 5 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.method).toBe('estimator');
    // Compare the log-det parts (ln p's gradient −z is exact in both).
    const part = (gr: Float64Array) => gr.map((x, i) => -2 * (x + z[i]));
    const est = part(r.gradient), exact = part(r.exactGradient);
    const err = Math.hypot(...est.map((x, i) => x - exact[i])) / Math.hypot(...exact);
    expect(err).toBeLessThan(0.1);
    // The exact gradient under 'shift' against central differences of the exact ln Q (its own check).
    const h = 1e-2, d = [0.5, -0.5, 0.5, 0.5];
    const plus = await likelihoodExact(curved, z.map((v, i) => v + h * d[i]), 1e-3, undefined, 'shift');
    const minus = await likelihoodExact(curved, z.map((v, i) => v - h * d[i]), 1e-3, undefined, 'shift');
    const fd = (plus.logLikelihood - minus.logLikelihood) / (2 * h);
    const ad = d.reduce((s, di, i) => s + di * r.exactGradient[i], 0);
    expect(Math.abs(fd - ad)).toBeLessThan(2e-2 * Math.max(1, Math.abs(ad)));
  });

  it('an ascent with the estimator\'s gradient records its cosine to the exact one', async () => {
    const r = await likelihoodAscent(curved, [0.3, -0.6, 1.1, -0.2], { steps: 3, lr: 0.05, eps: 1e-3, every: 3, floor: 'shift', gradient: 'estimator',
      estimator: { degree: 20, probes: 50, power: 20, margin: 1.2, eps: 1e-3, seed: 1 } });
    for (const s of r.steps) expect(s.gradientCosine).toBeGreaterThan(0.8);
    await expect(likelihoodAscent(curved, [0, 0, 0, 0], { steps: 3, lr: 0.05, eps: 1e-3, every: 1, floor: 'round' as never })).rejects.toThrow(/clamp.*shift/);
  });

  it('likelihood ascent raises ln Q and records the trajectory', async () => {
    const r = await likelihoodAscent(curved, [0.3, -0.6, 1.1, -0.2], { steps: 12, lr: 0.05, eps: 1e-6, every: 5 });
    expect(r.steps.length).toBe(13);
    expect(r.frames.map((f) => f.step)).toEqual([0, 5, 10, 12]);
    expect(r.steps[12].logLikelihood).toBeGreaterThan(r.steps[0].logLikelihood);
    for (const s of r.steps) expect(s.lambdaMax).toBeGreaterThanOrEqual(s.lambdaMin);
  });

  it('v_eff on the linear generator: δ(j, i) ∝ √λᵢ, v_eff(0) = n, non-increasing in τ', async () => {
    const want = linearMetricEigenvalues();
    const r = await effectiveDimension(linear, { samples: 3, alpha: 0.5, randomDirections: 8, taus: [0, 0.5, 1, 2, 4] });
    expect(r.veff[0]).toBe(Z_DIM);
    for (let t = 1; t < r.veff.length; t++) expect(r.veff[t]).toBeLessThanOrEqual(r.veff[t - 1]);
    for (const row of r.delta) for (let i = 0; i < Z_DIM; i++) expect(Math.abs(row[i] / row[0] - Math.sqrt(want[i] / want[0]))).toBeLessThan(1e-4);
  });

  it('the likelihood map of the linear generator is the prior\'s density minus a constant, on orthonormal axes', async () => {
    const z = [0.4, -1.2, 0.3, 0.8];
    const logdet = flooredLogdet(linearMetricEigenvalues(), 1e-8);
    for (const axes of ['eigen', 'random'] as const) {
      const rows: number[] = [];
      const map = await likelihoodMap(linear, z, { axes, extent: 1, grid: 3, eps: 1e-8, seed: 3 }, { onRow: (p) => rows.push(p.logLikelihood.filter((r) => !Number.isNaN(r[2])).length) });
      expect(rows).toEqual([1, 2, 3]);
      const [u, v] = map.axes;
      const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
      expect(Math.abs(dot(u, u) - 1) + Math.abs(dot(v, v) - 1) + Math.abs(dot(u, v))).toBeLessThan(1e-9);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
        const p = z.map((x, i) => x + map.offsets[c] * u[i] + map.offsets[r] * v[i]);
        expect(map.logLikelihood[r][c]).toBeCloseTo(logPrior('normal', p) - 0.5 * logdet, 3);
      }
    }
  });
});
