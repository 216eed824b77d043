import { describe, expect, it } from 'vitest';
import { chebyshevApply, chebyshevCoefficients, chebyshevDegreeFor, chebyshevEvaluate, chebyshevMaxError, logDetChebyshev, logDetChebyshevBlock } from './chebyshev';
import { denseOperator } from './operator';
import { symmetricWithSpectrum } from './testing';
import { Rng } from '../util/random';

describe('Chebyshev approximation of a scalar function', () => {
  it('interpolates exp on [0, 1] to 1e-14 at degree 15 and reproduces polynomials exactly', () => {
    const c = chebyshevCoefficients(Math.exp, 0, 1, 15);
    expect(chebyshevMaxError(c, 0, 1, Math.exp)).toBeLessThan(1e-14);
    const cubic = (x: number) => 2 * x ** 3 - x + 4;
    const p = chebyshevCoefficients(cubic, -2, 3, 3);
    for (const x of [-2, -0.5, 1, 3]) expect(chebyshevEvaluate(p, -2, 3, x)).toBeCloseTo(cubic(x), 12);
  });

  // Measured max |p_m − ln| on [1/(1+κ), κ/(1+κ)] (Algorithm 1's normalised interval):
  //   κ = 12:   m = 10 → 8e-4,  m = 20 → 1.2e-6, m = 40 → 4e-12
  //   κ = 120:  m = 20 → 1.8e-2, m = 40 → 2.6e-4, m = 80 → 9e-8
  //   κ = 1200: m = 40 → 1.2e-1, m = 80 → 6.7e-3, m = 160 → 3.6e-5
  it.each([
    [12, 20, 2e-6],
    [120, 40, 5e-4],
    [1200, 160, 1e-4],
  ])('ln on an interval with ν/µ = %i: degree %i gives max error < %f (geometric in m, rate set by √κ)', (kappa, m, tol) => {
    const a = 1 / (1 + kappa);
    const b = kappa / (1 + kappa);
    expect(chebyshevMaxError(chebyshevCoefficients(Math.log, a, b, m), a, b, Math.log)).toBeLessThan(tol);
    const auto = chebyshevDegreeFor(Math.log, a, b, tol);
    expect(auto).toBeLessThanOrEqual(m);
    expect(chebyshevMaxError(chebyshevCoefficients(Math.log, a, b, auto), a, b, Math.log)).toBeLessThan(tol);
  });

  it('chebyshevApply computes p(A)v: on a diagonal operator, (p(A)v)_i = p(λ_i) v_i to 1e-13', async () => {
    const lambda = Float64Array.from([0.2, 0.5, 1, 2.5, 4]);
    const c = chebyshevCoefficients(Math.log, 0.1, 5, 30);
    const v = Float64Array.from([1, -2, 0.5, 3, -1]);
    const w = await chebyshevApply(c, 0.1, 5, (x) => x.map((xi, i) => lambda[i] * xi), v);
    for (let i = 0; i < 5; i++) expect(Math.abs(w[i] - chebyshevEvaluate(c, 0.1, 5, lambda[i]) * v[i])).toBeLessThan(1e-13);
  });
});

describe('logDetChebyshev (Ramesh & LeCun Algorithm 1)', () => {
  // SPD 64×64 with log-spaced spectrum in [0.5, 0.5·cond]; lambdaMin = 0.45 (10 % under λ_min), g = 1.2.
  // Measured with 30 Rademacher probes (automatic degree for 1e-4 per eigenvalue):
  //   cond 10:   degree 14,  |error| 0.25 (exact 29.32), SE 1.3, polynomial bound 0.006
  //   cond 100:  degree 48,  |error| 2.3 (exact 103.0),  SE 2.8, polynomial bound 0.006
  //   cond 1000: degree 152, |error| 10.4 (exact 176.7), SE 4.6, polynomial bound 0.006
  // i.e. the probe noise (∝ spread of ln λ, ∝ 1/√probes) dominates; degree only has to keep the bias below it.
  const n = 64;
  const cases = [10, 100, 1000].map((cond) => {
    const lambda = Array.from({ length: n }, (_, i) => 0.5 * cond ** (1 - i / (n - 1)));
    const { a } = symmetricWithSpectrum(lambda, new Rng(cond));
    return { cond, a, exact: lambda.reduce((s, l) => s + Math.log(l), 0) };
  });

  it.each(cases)('cond $cond: estimate within 3 SE + polynomial error of the exact log det', async ({ a, exact }) => {
    const r = await logDetChebyshev(denseOperator(a, n), n, { lambdaMin: 0.45, probes: 30, seed: 1 });
    expect(r.interval[0]).toBe(0.45);
    expect(r.interval[1]).toBeCloseTo(1.2 * r.lambdaMax, 12);
    expect(r.polynomialError).toBeLessThan(n * 1e-4);
    expect(Math.abs(r.estimate - exact)).toBeLessThanOrEqual(3 * r.stdError + r.polynomialError);
    expect(r.matvecs).toBeGreaterThan(r.degree * r.probes); // recurrences + the power iterations
  });

  it.each(cases)('cond $cond: the polynomial part alone (exact trace over unit vectors) is within its bound', async ({ cond, a, exact }) => {
    // Algorithm 1's construction with tr p(Ā) summed over e_1…e_n instead of probes: isolates the bias.
    const mu = 0.45;
    const nu = 1.2 * 0.5 * cond;
    const scale = mu + nu;
    const [lo, hi] = [mu / scale, nu / scale];
    const c = chebyshevCoefficients(Math.log, lo, hi, chebyshevDegreeFor(Math.log, lo, hi, 1e-4));
    const bound = n * chebyshevMaxError(c, lo, hi, Math.log);
    const op = denseOperator(a.map((x) => x / scale), n);
    let tr = 0;
    for (let i = 0; i < n; i++) {
      const e = new Float64Array(n);
      e[i] = 1;
      tr += (await chebyshevApply(c, lo, hi, op, e))[i];
    }
    expect(bound).toBeLessThan(n * 1e-4);
    expect(Math.abs(n * Math.log(scale) + tr - exact)).toBeLessThanOrEqual(bound + 1e-9);
  });

  it.each(cases)('cond $cond: the block driver (all probes per product) gives the serial estimate for the same seed', async ({ a }) => {
    const op = denseOperator(a, n);
    const block = async (rows: Float64Array, k: number) => {
      const out = new Float64Array(rows.length);
      for (let j = 0; j < k; j++) out.set(await op(rows.subarray(j * n, (j + 1) * n)), j * n);
      return out;
    };
    const opts = { lambdaMin: 0.45, probes: 12, seed: 3, degree: 20 };
    const serial = await logDetChebyshev(op, n, opts);
    const blocked = await logDetChebyshevBlock(block, n, opts);
    expect(blocked.lambdaMax).toBe(serial.lambdaMax);
    expect(Math.abs(blocked.estimate - serial.estimate)).toBeLessThan(1e-9 * Math.abs(serial.estimate));
    expect(blocked.stdError).toBeCloseTo(serial.stdError, 9);
    expect(blocked.matvecs).toBe(serial.matvecs);
  });

  it('more probes shrink the standard error like 1/√p', async () => {
    const { a } = cases[1];
    const r30 = await logDetChebyshev(denseOperator(a, n), n, { lambdaMin: 0.45, probes: 30, degree: 48, seed: 2 });
    const r120 = await logDetChebyshev(denseOperator(a, n), n, { lambdaMin: 0.45, probes: 120, degree: 48, seed: 2 });
    expect(r120.stdError / r30.stdError).toBeGreaterThan(0.35);
    expect(r120.stdError / r30.stdError).toBeLessThan(0.7);
  });

  it('rejects a missing or non-positive lower bound and a spectrum below it', async () => {
    const op = denseOperator(cases[0].a, n);
    await expect(logDetChebyshev(op, n, { lambdaMin: 0 })).rejects.toThrow(/lambdaMin/);
    await expect(logDetChebyshev(op, n, { lambdaMin: 100 })).rejects.toThrow(/not above lambdaMin/);
  });
});
