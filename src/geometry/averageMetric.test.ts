import { describe, expect, it } from 'vitest';
import { MetricAccumulator, averageMetric, capturedFraction, globalBasisFromAverage } from './averageMetric';
import { symmetricWithSpectrum } from '../linalg/testing';
import { Rng } from '../util/random';

const n = 12;

describe('averaged metric (Wang & Ponce: element-wise mean of H over samples)', () => {
  it('shared eigenframe: H̄ has that frame and the mean spectrum; dense and spectrum inputs mix', () => {
    const rng = new Rng(1);
    const base = Array.from({ length: n }, (_, i) => 2 ** -i);
    const { q } = symmetricWithSpectrum(base, rng);
    const spectra = [1, 2, 3].map((s) => base.map((l) => l * s));
    const dense = symmetricWithSpectrum(spectra[0], new Rng(1)).a; // same q (same seed)
    const avg = averageMetric([dense, { eigenvalues: spectra[1], eigenvectors: q }, { eigenvalues: spectra[2], eigenvectors: q }]);
    expect(avg.count).toBe(3);
    for (let k = 0; k < n; k++) {
      expect(avg.eigenvalues[k]).toBeCloseTo(2 * base[k], 12);
      let d = 0;
      for (let i = 0; i < n; i++) d += avg.eigenvectors[k * n + i] * q[k * n + i];
      expect(Math.abs(d)).toBeCloseTo(1, 9);
    }
  });

  it('a common anisotropic metric plus position-specific ones: the average recovers the common top axes', () => {
    const rng = new Rng(2);
    const common = symmetricWithSpectrum(Array.from({ length: n }, (_, i) => 10 ** (-i / 2)), rng);
    const metrics = Array.from({ length: 40 }, () => {
      const own = symmetricWithSpectrum(Array.from({ length: n }, (_, i) => 0.3 * 10 ** (-i / 2)), rng).a;
      return common.a.map((c, t) => c + own[t]);
    });
    const basis = globalBasisFromAverage(averageMetric(metrics), 3);
    for (let k = 0; k < 3; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += basis[k * n + i] * common.q[k * n + i];
      expect(Math.abs(d)).toBeGreaterThan(0.98);
    }
  });

  it('accumulates incrementally and rejects mismatched sizes', () => {
    const acc = new MetricAccumulator();
    const eye = (m: number) => { const a = new Float64Array(m * m); for (let i = 0; i < m; i++) a[i * m + i] = 1; return a; };
    acc.add(eye(3));
    acc.add(eye(3).map((x) => 3 * x));
    expect(Array.from(acc.mean())).toEqual(Array.from(eye(3).map((x) => 2 * x)));
    expect(() => acc.add(eye(4))).toThrow(/size 4/);
    expect(() => new MetricAccumulator().mean()).toThrow(/no metrics/);
  });

  it('capturedFraction: local top-k eigenbasis attains Σ_{i<k} λᵢ/Σλ; an orthonormal basis of everything gives 1', () => {
    const lam = Array.from({ length: n }, (_, i) => 10 ** (-i / 3));
    const { a, q } = symmetricWithSpectrum(lam, new Rng(3));
    const total = lam.reduce((s, l) => s + l, 0);
    expect(capturedFraction(q.slice(0, 2 * n), 2, a)).toBeCloseTo((lam[0] + lam[1]) / total, 12);
    expect(capturedFraction(q, n, a)).toBeCloseTo(1, 12);
  });
});
