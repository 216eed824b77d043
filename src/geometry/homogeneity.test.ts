import { describe, expect, it } from 'vitest';
import { actionOnVectors, LOG_FLOOR, logPearson, metricHomogeneity, offDiagonal, pearson } from './homogeneity';
import { eigh } from '../linalg/eigh';
import { symmetricWithSpectrum } from '../linalg/testing';
import { Rng } from '../util/random';

const n = 24;
const decades = (d: number) => Array.from({ length: n }, (_, i) => 10 ** (-d * i / (n - 1)));

describe('Λᵢⱼ = diag(UᵢᵀHⱼUᵢ) and the correlation helpers', () => {
  it('Λᵢᵢ is the spectrum of Hᵢ', () => {
    const lam = decades(4);
    const { a, q } = symmetricWithSpectrum(lam, new Rng(1));
    const l = actionOnVectors(q, n, a, n);
    for (let k = 0; k < n; k++) expect(Math.abs(l[k] - lam[k])).toBeLessThan(1e-14);
  });

  it('pearson: ±1 on affine relations, NaN without variance; logPearson skips non-positive pairs', () => {
    expect(pearson([1, 2, 3], [5, 7, 9])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    expect(pearson([2, 2, 2], [1, 2, 3])).toBeNaN();
    expect(pearson([0.1, 0.1, 0.1], [1, 2, 3])).toBeNaN(); // constant up to round-off is still constant
    const l = logPearson([1, 10, 100, -1e-18], [2, 20, 200, 5]);
    expect(l.used).toBe(3);
    expect(l.r).toBeCloseTo(1, 14);
  });
});

describe('metricHomogeneity (Wang & Ponce Eq. 5–6)', () => {
  it('identical H at every position: C^H = C^Hlog = 1 for every pair, both pairings, dense or spectrum input', () => {
    const { a, q } = symmetricWithSpectrum(decades(6), new Rng(2));
    for (const pairing of ['target', 'source'] as const) {
      const h = metricHomogeneity([a, a, { eigenvalues: decades(6), eigenvectors: q }, a], { pairing });
      for (const c of [...h.linear, ...h.log]) expect(Math.abs(c - 1)).toBeLessThan(1e-9);
      expect(h.summary.log.mean).toBeCloseTo(1, 9);
      expect(h.summary.log.sd).toBeLessThan(1e-9);
      expect(h.summary.linear.count).toBe(12);
    }
  });

  it('same eigenframe, spectra related by a power law: target pairing sees only the frame (1, 1); source pairing gives C^Hlog = 1, C^H < 1', () => {
    const rng = new Rng(3);
    const { q } = symmetricWithSpectrum(decades(1), rng);
    const metrics = [1, 0.3, 3].map((p) => ({ eigenvalues: decades(5).map((l) => l ** p), eigenvectors: q }));
    // Target: Λᵢⱼ = spectrum of Hⱼ itself (shared eigenvectors), correlated with itself.
    const t = metricHomogeneity(metrics);
    expect(Math.abs(t.summary.linear.mean - 1)).toBeLessThan(1e-9);
    expect(Math.abs(t.summary.log.mean - 1)).toBeLessThan(1e-9);
    // Source: λⱼₖ against λᵢₖ = λⱼₖ^(pᵢ/pⱼ): exactly linear in log, strongly curved in linear scale.
    const s = metricHomogeneity(metrics, { pairing: 'source' });
    expect(Math.abs(s.summary.log.mean - 1)).toBeLessThan(1e-9);
    expect(s.summary.linear.mean).toBeLessThan(0.9); // measured 0.81
  });

  it('log scale leaves out the round-off null eigenpair of a z-normalising generator (as an independent loop does)', () => {
    // Hₚ = Πₚ A Πₚ + 1e-15·λ₁ rₚrₚᵀ, Πₚ = I − rₚrₚᵀ: the metric of G(z) = F(z/‖z‖) at z ∥ rₚ, with its radial
    // null eigenvalue at the positive round-off level seen on the bundled models.
    const rng = new Rng(9);
    const { a } = symmetricWithSpectrum(decades(3), rng);
    const metrics = [0, 1, 2, 3].map(() => {
      const r = Float64Array.from({ length: n }, () => rng.normal());
      const norm = Math.hypot(...r);
      r.forEach((v, i) => (r[i] = v / norm));
      const pa = new Float64Array(n * n), h = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = a[i * n + j];
        for (let t = 0; t < n; t++) s -= r[i] * r[t] * a[t * n + j];
        pa[i * n + j] = s; // Π A
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = pa[i * n + j];
        for (let t = 0; t < n; t++) s -= pa[i * n + t] * r[t] * r[j];
        h[i * n + j] = s + 1e-15 * r[i] * r[j]; // (Π A) Π + ε r rᵀ
      }
      return h;
    });
    const h = metricHomogeneity(metrics);
    // Oracle: per ordered pair, Pearson of logs over the ranks 0 … n−2 only (the null one is rank n−1).
    const e = metrics.map((m) => eigh(m, n));
    let lowered = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      if (i === j) continue;
      expect(e[i].values[n - 1] / e[i].values[0]).toBeLessThan(LOG_FLOOR);
      expect(e[i].values[n - 1]).toBeGreaterThan(0);
      const lij = actionOnVectors(e[i].vectors, n, metrics[j], n);
      const x = Array.from(lij.subarray(0, n - 1), Math.log), y = Array.from(e[j].values.subarray(0, n - 1), Math.log);
      expect(Math.abs(h.log[i * 4 + j] - pearson(x, y))).toBeLessThan(1e-12);
      // Kept in, the null pair pulls the statistic down (the defect this floor fixes).
      lowered = Math.max(lowered, h.log[i * 4 + j] - logPearson(lij, e[j].values).r);
    }
    expect(lowered).toBeGreaterThan(0.05);
    expect(h.logDropped).toBe(16); // one pair per (i, j), diagonal included
    expect(offDiagonal(h.log, 4)).toHaveLength(12);
  });

  // Expected 0: with Uᵢ Haar-random and independent of Hⱼ, Λᵢⱼ is exchangeable over k.
  // Measured (P = 16 independent eigenframes, spectra 4–8 decades, n = 24; 240 ordered pairs):
  //   target: linear +0.008 (sd 0.23), log +0.008 (sd 0.21);  source: linear +0.006, log +0.008 (log-linear
  //   spectra make the two log pairings coincide). Per-pair sd ≈ 1/√n, and the mean of 240 pairs is ~0.02-accurate.
  it('independent random eigenframes: mean C^H ≈ 0 on both scales', () => {
    const rng = new Rng(4);
    const metrics = Array.from({ length: 16 }, () => symmetricWithSpectrum(decades(rng.uniform(4, 8)), rng).a);
    for (const pairing of ['target', 'source'] as const) {
      const h = metricHomogeneity(metrics, { pairing });
      expect(Math.abs(h.summary.linear.mean)).toBeLessThan(0.05);
      expect(Math.abs(h.summary.log.mean)).toBeLessThan(0.06);
      expect(h.summary.log.sd).toBeGreaterThan(0.05); // individual pairs scatter, as they should
      for (let i = 0; i < 16; i++) expect(h.linear[i * 17]).toBeCloseTo(1, 9);
    }
  });

  it('mixing a shared metric with position-specific noise lowers C^Hlog monotonically', () => {
    const rng = new Rng(5);
    const common = symmetricWithSpectrum(decades(6), rng).a;
    const noise = Array.from({ length: 6 }, () => symmetricWithSpectrum(decades(6), rng).a);
    const means = [0, 0.01, 0.1, 0.5].map((s) => {
      const metrics = noise.map((e) => common.map((c, t) => (1 - s) * c + s * e[t]));
      return metricHomogeneity(metrics).summary.log.mean;
    });
    expect(means[0]).toBeCloseTo(1, 9);
    for (let i = 1; i < means.length; i++) expect(means[i]).toBeLessThan(means[i - 1]);
  });

  it('flat spectrum gives NaN (A.7), PSD round-off negatives are dropped from the log correlation', () => {
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const flat = metricHomogeneity([eye, eye]);
    expect(flat.summary.linear.count).toBe(0);
    expect(flat.summary.linear.mean).toBeNaN();
    const lam = decades(3);
    lam[n - 1] = -1e-15;
    const { a } = symmetricWithSpectrum(lam, new Rng(6));
    const e = eigh(a, n);
    const h = metricHomogeneity([a, { eigenvalues: e.values, eigenvectors: e.vectors }]);
    expect(h.logDropped).toBeGreaterThanOrEqual(4); // the negative entry, in each of the 4 (i, j) pairs
    expect(h.summary.log.mean).toBeCloseTo(1, 6);
  });
});
