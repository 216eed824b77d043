/**
 * CMA-ES on functions whose optimum is known: a sphere and a rotated ellipsoid of condition 10⁴ (only
 * covariance adaptation solves the latter at a rate independent of the conditioning), and the Hessian
 * parametrisation: a subspace that holds the optimum reaches it, one that misses it stalls at the
 * distance of the missing component — the "does restricting to top-k lose the optimum" measurement.
 */
import { describe, expect, it } from 'vitest';
import { cmaes, hessianCoordinates } from './cmaes';
import { symmetricWithSpectrum } from '../linalg/testing';
import { matvec } from '../linalg/dense';
import { Rng } from '../util/random';

const batch = (f: (x: Float64Array) => number) => async (points: Float64Array, count: number) => {
  const n = points.length / count;
  return Float64Array.from({ length: count }, (_, c) => f(points.subarray(c * n, (c + 1) * n)));
};

describe('CMA-ES', () => {
  it('finds the top of a 10-d sphere to 1e-6, σ shrinking', async () => {
    const target = Float64Array.from({ length: 10 }, (_, i) => i / 10 - 0.3);
    const r = await cmaes(batch((x) => -x.reduce((s, v, i) => s + (v - target[i]) ** 2, 0)), { mean: new Float64Array(10), sigma: 0.5, generations: 250, seed: 1 });
    expect(Math.hypot(...r.best.map((v, i) => v - target[i]))).toBeLessThan(1e-6);
    expect(r.history[r.history.length - 1].sigma).toBeLessThan(1e-4);
    expect(r.evaluations).toBe(250 * (4 + Math.floor(3 * Math.log(10))));
  });

  it('solves a rotated ellipsoid of condition 1e4 (8-d): covariance adaptation, not just step size', async () => {
    const n = 8;
    const lambda = Array.from({ length: n }, (_, i) => 10 ** (4 * i / (n - 1)));
    const { a } = symmetricWithSpectrum(lambda, new Rng(5));
    const f = (x: Float64Array) => { const ax = matvec(a, x, n, n); return -x.reduce((s, v, i) => s + v * ax[i], 0); };
    const r = await cmaes(batch(f), { mean: new Float64Array(n).fill(1), sigma: 0.5, generations: 400, seed: 2 });
    expect(-r.bestScore).toBeLessThan(1e-8);
  });

  it('Hessian coordinates: the subspace holding the optimum reaches it; one missing a component stalls at its distance', async () => {
    const n = 6;
    const rng = new Rng(3);
    const { q } = symmetricWithSpectrum([6, 5, 4, 3, 2, 1], rng);
    // Rows of qt: the eigenvectors (columns of q).
    const rows = Float64Array.from({ length: n * n }, (_, k) => q[(k % n) * n + Math.floor(k / n)]);
    const origin = new Float64Array(n);
    const inside = Float64Array.from({ length: n }, (_, j) => 0.7 * rows[j] - 0.4 * rows[n + j]); // in span(u₁, u₂)
    const missing = Float64Array.from({ length: n }, (_, j) => inside[j] + 0.3 * rows[5 * n + j]); // + 0.3 u₆
    for (const [target, floor] of [[inside, 0], [missing, 0.3]] as const) {
      const coords = hessianCoordinates([6, 5, 4, 3, 2, 1], rows, n, 3, origin);
      const f = (x: Float64Array) => { const z = coords.toLatent(x, 1); return -Math.hypot(...z.map((v, i) => v - target[i])); };
      const r = await cmaes(batch(f), { mean: new Float64Array(3), sigma: 0.2, generations: 200, seed: 4 });
      expect(Math.abs(-r.bestScore - floor)).toBeLessThan(1e-5);
    }
    const s = hessianCoordinates([100, 1], Float64Array.from([1, 0, 0, 1]), 2, 2, [0, 0]).scales;
    expect(s[1] / s[0]).toBeCloseTo(100 ** 0.4, 10); // steps ∝ λ^(−1/2.5)
    expect(Math.hypot(...s) / Math.sqrt(2)).toBeCloseTo(1, 12);
  });

  it('refuses a bad start and a NaN objective in one sentence', async () => {
    await expect(cmaes(batch(() => 0), { mean: new Float64Array(0), sigma: 1, generations: 1, seed: 0 })).rejects.toThrow(/at least one dimension/);
    await expect(cmaes(batch(() => 0), { mean: new Float64Array(2), sigma: 0, generations: 1, seed: 0 })).rejects.toThrow(/positive initial step/);
    await expect(cmaes(batch(() => NaN), { mean: new Float64Array(2), sigma: 1, generations: 1, seed: 0 })).rejects.toThrow(/NaN/);
  });
});
