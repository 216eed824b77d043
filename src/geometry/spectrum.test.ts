import { describe, expect, it } from 'vitest';
import { alphaLaw, alphaSamples, alphaStatistics, alphaStatisticsOf, anisotropyDims, dimsForFraction, histogram, metricEigen, metricMatrix } from './spectrum';
import { symmetricWithSpectrum } from '../linalg/testing';
import { Rng } from '../util/random';

describe('anisotropy dims (Wang & Ponce Tab. 2)', () => {
  it('flat spectrum: dim.p = ⌈p·n⌉ (exact despite binary rounding of p·n)', () => {
    const flat = new Array(100).fill(1);
    expect(anisotropyDims(flat).map((d) => d.dims)).toEqual([99, 100, 100, 100]);
    expect(dimsForFraction(new Array(1000).fill(3), 0.999)).toBe(999);
  });

  it('geometric spectrum λ_k = r^k: dims = ⌈ln(1 − p(1 − rⁿ))/ln r⌉', () => {
    for (const r of [0.5, 0.8, 0.95]) {
      const n = 200;
      const lam = Array.from({ length: n }, (_, k) => r ** k);
      for (const p of [0.99, 0.999, 0.9999, 0.99999]) {
        const expected = Math.min(n, Math.ceil(Math.log(1 - p * (1 - r ** n)) / Math.log(r) - 1e-9));
        expect(dimsForFraction(lam, p)).toBe(expected);
      }
    }
  });

  it('ignores order, clamps round-off negatives, returns 0 for a zero spectrum', () => {
    const lam = [1e-3, 10, -1e-12, 1, 0.1];
    expect(dimsForFraction(lam, 0.9)).toBe(1);
    expect(dimsForFraction(lam, 0.99)).toBe(2);
    expect(dimsForFraction([0, 0, 0], 0.99)).toBe(0);
    expect(() => dimsForFraction(lam, 1.5)).toThrow(/fraction/);
  });
});

describe('α(v) = vᵀHv/vᵀv for random v (appendix A.6, Eq. 13–15)', () => {
  it('analytic law on a hand case: n = 2, λ = (0, 2) → E = 1, Var = 2/4·1 = 0.5', () => {
    // α = 2 w₂²/(w₁² + w₂²) = 2 sin²θ with θ uniform: mean 1, variance 4·Var(sin²θ) = 4·1/8 = 0.5.
    const law = alphaLaw([0, 2]);
    expect(law.mean).toBe(1);
    expect(law.eigenvalueVariance).toBe(1);
    expect(law.variance).toBeCloseTo(0.5, 15);
  });

  // Measured (H from seed 5, v from seed 7, 20k samples), (sample − law)/SE for mean and variance:
  //   6 decades: −0.30, −0.23;  uniform: +2.46, +0.75;  two clusters: −0.26, −1.13.
  // The standard errors are 0.09–0.4 % of the mean and 1.0–1.5 % of the variance, so 4 SE is a tight check.
  const n = 32;
  const spectra: [string, number[]][] = [
    ['6 decades, log-spaced', Array.from({ length: n }, (_, i) => 10 ** (-6 * i / (n - 1)))],
    ['uniform on [0, 5]', Array.from({ length: n }, () => 0)],
    ['two clusters', Array.from({ length: n }, (_, i) => (i < 4 ? 50 : 0.5))],
  ];
  const rng0 = new Rng(3);
  spectra[1][1] = spectra[1][1].map(() => rng0.uniform(0, 5));

  it.each(spectra)('%s: 20k samples on a random SPD H match mean and variance within 4 SE', (_name, lam) => {
    const { a } = symmetricWithSpectrum(lam, new Rng(5));
    const s = alphaStatistics(a, { count: 20_000, seed: 7 });
    const law = alphaLaw(lam);
    expect(s.law.mean).toBeCloseTo(law.mean, 12);
    expect(Math.abs(s.law.variance - law.variance) / law.variance).toBeLessThan(1e-9);
    expect(s.meanStdError / law.mean).toBeLessThan(0.01);
    expect(s.varianceStdError / law.variance).toBeLessThan(0.03);
    expect(Math.abs(s.sampleMean - law.mean)).toBeLessThan(4 * s.meanStdError);
    expect(Math.abs(s.sampleVariance - law.variance)).toBeLessThan(4 * s.varianceStdError);
    // The "illusion": the spread of α is (n+2)/2 = 17 times smaller in variance than the spectrum's.
    expect(law.eigenvalueVariance / law.variance).toBeCloseTo((n + 2) / 2, 10);
  });

  it('the spectrum-only sampler draws from the same law as the dense one', () => {
    const lam = spectra[0][1];
    const s = alphaStatistics({ eigenvalues: lam }, { count: 20_000, seed: 8 });
    expect(Math.abs(s.sampleMean - s.law.mean)).toBeLessThan(4 * s.meanStdError);
    expect(Math.abs(s.sampleVariance - s.law.variance)).toBeLessThan(4 * s.varianceStdError);
  });

  it('the spectrum-only sampler equals the literal vᵀHv/vᵀv of the dense sampler on H = diag(λ) (same draws)', () => {
    // Both samplers draw n normals per sample from the same seeded stream; with H = diag(λ) the dense
    // sampler's quadratic form is Σλᵢvᵢ², so the two must agree draw by draw (to round-off). Rotation
    // invariance of the Gaussian then carries the spectrum sampler over to any H with these eigenvalues.
    const lam = spectra[2][1];
    const h = new Float64Array(n * n);
    lam.forEach((l, i) => (h[i * n + i] = l));
    const dense = alphaSamples(h, 200, 4), fast = alphaSamples({ eigenvalues: lam }, 200, 4);
    for (let s = 0; s < 200; s++) expect(Math.abs(fast[s] - dense[s])).toBeLessThan(1e-12 * dense[s]);
  });

  it('alphaStatisticsOf: moments of given samples beside the law of given eigenvalues', () => {
    const s = alphaStatisticsOf(Float64Array.from([1, 2, 3, 6]), [4, 2]);
    expect(s.sampleMean).toBe(3);
    expect(s.sampleVariance).toBeCloseTo(14 / 3, 14);
    expect([s.law.mean, s.law.variance]).toEqual([3, (2 / 4) * 1]);
  });
});

describe('metric input normalisation', () => {
  it('a spectrum in ascending order is re-sorted with its vectors; matrix and spectrum round-trip', () => {
    const lam = [0.5, 2, 7];
    const { a, q } = symmetricWithSpectrum(lam, new Rng(2));
    const e = metricEigen({ eigenvalues: lam, eigenvectors: q });
    expect(Array.from(e.values)).toEqual([7, 2, 0.5]);
    expect(Array.from(e.vectors.subarray(0, 3))).toEqual(Array.from(q.subarray(6, 9)));
    const back = metricMatrix({ eigenvalues: lam, eigenvectors: q });
    for (let i = 0; i < 9; i++) expect(back[i]).toBeCloseTo(a[i], 13);
  });
});

describe('histogram', () => {
  it('linear bins with the last edge inclusive, out-of-range and dropped counts', () => {
    const h = histogram([0, 0.5, 1, 1.5, 2, 2, 5, NaN], { bins: 2, range: [0, 2] });
    expect(Array.from(h.edges)).toEqual([0, 1, 2]);
    expect(Array.from(h.counts)).toEqual([2, 4]);
    expect([h.below, h.above, h.dropped]).toEqual([0, 1, 1]);
  });

  it('log bins: geometric edges, non-positive values dropped', () => {
    const h = histogram([1e-3, 1e-2, 0.5, 10, 0, -1], { bins: 4, log: true });
    expect(h.edges[0]).toBeCloseTo(1e-3, 15);
    expect(h.edges[4]).toBeCloseTo(10, 12);
    expect(h.edges[1]).toBeCloseTo(1e-2, 14);
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 1]);
    expect(h.dropped).toBe(2);
  });
});
