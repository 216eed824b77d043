import { describe, expect, it } from 'vitest';
import { powerMethod } from './power';
import { denseOperator } from './operator';
import { dot } from './dense';
import { symmetricWithSpectrum } from './testing';
import { Rng } from '../util/random';

describe('powerMethod', () => {
  // Known spectrum 10, 6, then 40 values in (0, 3]: convergence factor 0.6 per iteration.
  const n = 42;
  const lambda = [10, 6, ...Array.from({ length: n - 2 }, (_, i) => 3 * (1 - i / (n - 2)))];
  const { a, q } = symmetricWithSpectrum(lambda, new Rng(21));

  it('finds λ_max = 10 to 1e-12 relative, its eigenvector, and a residual ≤ tol·λ', async () => {
    const r = await powerMethod(denseOperator(a, n), n, { tol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.value - 10) / 10).toBeLessThan(1e-12);
    expect(r.residual).toBeLessThanOrEqual(1e-10 * r.value);
    expect(1 - Math.abs(dot(r.vector, q.subarray(0, n)))).toBeLessThan(1e-12);
    // (0.6)^t ≤ 1e-10 needs t ≈ 45: iterations should be of that order, not hundreds.
    expect(r.iterations).toBeGreaterThan(30);
    expect(r.iterations).toBeLessThan(70);
  });

  it('the Rayleigh quotient never exceeds λ_max; flags non-convergence at maxIter', async () => {
    const r = await powerMethod(denseOperator(a, n), n, { tol: 1e-14, maxIter: 5 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(5);
    expect(r.value).toBeLessThanOrEqual(10 + 1e-12);
    expect(r.value).toBeGreaterThan(9);
  });

  it('accepts an async matvec and a start vector; λ_max of the zero matrix is 0', async () => {
    const op = denseOperator(a, n);
    const start = Float64Array.from({ length: n }, (_, i) => (i % 3) - 1);
    const r = await powerMethod(async (v) => op(v), n, { start, tol: 1e-8 });
    expect(Math.abs(r.value - 10)).toBeLessThan(1e-9);
    const z = await powerMethod(() => new Float64Array(4), 4);
    expect(z).toMatchObject({ value: 0, residual: 0, converged: true, iterations: 1 });
  });
});
