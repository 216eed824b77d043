import { describe, expect, it } from 'vitest';
import { chebyshevApply, chebyshevCoefficients, chebyshevDegreeFor, chebyshevDerivative, chebyshevEvaluate, chebyshevMaxError, logDetChebyshev, logDetChebyshevBlock, logDetGradientProbes } from './chebyshev';
import { matvec } from './dense';
import { denseOperator, rowwise } from './operator';
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
    const block = rowwise(op, n);
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

describe('ε below part of the spectrum (why the likelihood offers the shift floor)', () => {
  // Spectrum log-spaced over [1e-6, 1], ε = 1e-2: 21 of 32 eigenvalues lie below ε.
  const n = 32;
  const lambda = Array.from({ length: n }, (_, i) => 10 ** (-6 * i / (n - 1)));
  const eps = 1e-2;
  const { a } = symmetricWithSpectrum(lambda, new Rng(3));
  const shifted = Float64Array.from(a, (x, k) => (k % (n + 1) === 0 ? x + eps : x));
  const clampExact = lambda.reduce((s, l) => s + Math.log(Math.max(l, eps)), 0);
  const shiftExact = lambda.reduce((s, l) => s + Math.log(l + eps), 0);
  const run = (m: Float64Array, degree: number) => logDetChebyshev(denseOperator(m, n), n, { lambdaMin: eps, degree, probes: 400, seed: 7, lambdaMax: 1 });

  it('M with µ = ε (the clamp): more degree does not converge to Σ ln max(λ, ε); M + εI does converge to Σ ln(λ + ε)', async () => {
    const clamp = await Promise.all([10, 60].map((m) => run(a, m)));
    const shift = await Promise.all([10, 60].map((m) => run(shifted, m)));
    const err = (r: { estimate: number }, exact: number) => Math.abs(r.estimate - exact);
    // shift at degree 60: within 3 SE + the polynomial bound (the spectrum lies in [ε, ν]).
    expect(err(shift[1], shiftExact)).toBeLessThan(3 * shift[1].stdError + shift[1].polynomialError);
    expect(err(shift[1], shiftExact)).toBeLessThan(0.05 * Math.abs(shiftExact));
    // clamp: far outside its noise at both degrees, and no better at 60 than at 10.
    for (const r of clamp) expect(err(r, clampExact)).toBeGreaterThan(10 * r.stdError);
    expect(err(clamp[1], clampExact)).toBeGreaterThan(0.5 * err(clamp[0], clampExact));
  });
});

describe('The gradient of Algorithm 1 (chebyshevDerivative, logDetGradientProbes)', () => {
  it('chebyshevDerivative is the derivative of the series: against central differences of chebyshevEvaluate, and exact on a cubic', () => {
    const c = chebyshevCoefficients((x) => Math.sin(3 * x) + x * x, -1, 2, 12);
    const d = chebyshevDerivative(c, -1, 2);
    for (const x of [-0.9, -0.2, 0.4, 1.1, 1.9]) {
      const h = 1e-5;
      const fd = (chebyshevEvaluate(c, -1, 2, x + h) - chebyshevEvaluate(c, -1, 2, x - h)) / (2 * h);
      expect(Math.abs(chebyshevEvaluate(d, -1, 2, x) - fd)).toBeLessThan(1e-7);
    }
    const cubic = chebyshevCoefficients((x) => 2 * x ** 3 - x + 4, 0.5, 3, 3);
    const dc = chebyshevDerivative(cubic, 0.5, 3);
    for (const x of [0.5, 1, 2.2, 3]) expect(chebyshevEvaluate(dc, 0.5, 3, x)).toBeCloseTo(6 * x * x - 1, 11);
  });

  const blockOf = (a: Float64Array, n: number) => rowwise(denseOperator(a, n), n);

  it('on a diagonal M, u_j = p′(M̄)v_j/(µ+ν) is v_j/λᵢ to 1e-8 at a degree that resolves the interval', async () => {
    const lambda = [0.5, 1, 2, 3.5, 5];
    const n = lambda.length;
    const a = new Float64Array(n * n);
    lambda.forEach((l, i) => (a[i * n + i] = l));
    const r = await logDetGradientProbes(blockOf(a, n), n, { lambdaMin: 0.4, lambdaMax: 5, degree: 60, probes: 3, seed: 4 });
    for (let j = 0; j < 3; j++) for (let i = 0; i < n; i++) {
      expect(Math.abs(r.applied[j * n + i] - r.probes[j * n + i] / lambda[i])).toBeLessThan(1e-8);
    }
  });

  it('estimates d/dt ln det(M₀ + tE) = tr(M₀⁻¹E) (from M₀\'s own eigenbasis) within 4 SE', async () => {
    const n = 32;
    const lambda = Array.from({ length: n }, (_, i) => 0.5 * 10 ** (1 - i / (n - 1)));
    const rng = new Rng(9);
    const { a, q } = symmetricWithSpectrum(lambda, rng);
    const e = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) e[i * n + j] = e[j * n + i] = rng.normal();
    let exact = 0; // Σᵢ qᵢᵀEqᵢ/λᵢ, qᵢ the columns of q
    for (let i = 0; i < n; i++) {
      const qi = Float64Array.from({ length: n }, (_, r) => q[r * n + i]);
      const eq = matvec(e, qi, n, n);
      exact += qi.reduce((s, x, r) => s + x * eq[r], 0) / lambda[i];
    }
    const r = await logDetGradientProbes(blockOf(a, n), n, { lambdaMin: 0.45, degree: 40, probes: 400, seed: 2 });
    const samples = Array.from({ length: r.p }, (_, j) => {
      const ev = matvec(e, r.probes.subarray(j * n, (j + 1) * n), n, n);
      return r.applied.subarray(j * n, (j + 1) * n).reduce((s, u, i) => s + u * ev[i], 0);
    });
    const mean = samples.reduce((s, x) => s + x, 0) / r.p;
    const se = Math.sqrt(samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.p - 1) / r.p);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.2 * Math.abs(exact) + 1); // the check has teeth: the SE is not huge
  });
});
