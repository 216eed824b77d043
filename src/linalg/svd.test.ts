import { describe, expect, it } from 'vitest';
import { singularValues, svd, type Svd } from './svd';
import { eigh } from './eigh';
import { matmul, transpose } from './dense';
import { matrixWithSingularValues, orthonormalityError } from './testing';
import { Rng } from '../util/random';

/** ‖A − Σ σ_k u_k v_kᵀ‖_F / ‖A‖_F. */
function reconstructionError(a: Float64Array, s: Svd): number {
  const { m, n, r } = s;
  let err = 0;
  let ref = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let k = 0; k < r; k++) x += s.left[k * m + i] * s.values[k] * s.right[k * n + j];
      err += (x - a[i * n + j]) ** 2;
      ref += a[i * n + j] ** 2;
    }
  }
  return Math.sqrt(err / ref);
}

const logSpaced = (r: number, decades: number) => Array.from({ length: r }, (_, i) => 10 ** ((-decades * i) / (r - 1)));

describe('svd (ml-matrix Golub–Kahan, thin, values descending)', () => {
  it.each([
    [64, 32],
    [32, 64],
    [64, 64],
  ])('%i×%i with σ from 1 to 1e-12: ‖A − UΣVᵀ‖ ≤ 1e-12‖A‖, U, V orthonormal to 1e-13, |Δσ| ≤ 1e-14σ₁', (m, n) => {
    const r = Math.min(m, n);
    const sigma = logSpaced(r, 12);
    const a = matrixWithSingularValues(m, n, sigma, new Rng(m * 100 + n));
    const s = svd(a, m, n);
    expect([s.r, s.values.length, s.left.length, s.right.length]).toEqual([r, r, r * m, r * n]);
    expect(reconstructionError(a, s)).toBeLessThan(1e-12);
    expect(orthonormalityError(s.left, r, m)).toBeLessThan(1e-13);
    expect(orthonormalityError(s.right, r, n)).toBeLessThan(1e-13);
    for (let i = 0; i < r; i++) expect(Math.abs(s.values[i] - sigma[i])).toBeLessThan(1e-14);
    for (let i = 1; i < r; i++) expect(s.values[i]).toBeLessThanOrEqual(s.values[i - 1]);
    // Backward stability in numbers: σ = 6.4e-7 (i = 16 of 32) to ≈ ε·σ₁/σ ≈ 3e-10 relative (measured ≤ 1.3e-11).
    if (r === 32) expect(Math.abs(s.values[16] - sigma[16]) / sigma[16]).toBeLessThan(1e-9);
  });

  it('beats the Gram-matrix route on small singular values (why eigh(AᵀA) is not used)', () => {
    const m = 64;
    const n = 32;
    const sigma = logSpaced(n, 12);
    const a = matrixWithSingularValues(m, n, sigma, new Rng(7));
    const viaGram = Array.from(eigh(matmul(transpose(a, m, n), a, n, m, n), n).values, (x) => Math.sqrt(Math.max(0, x)));
    const direct = singularValues(a, m, n);
    const i = 24; // σ ≈ 5e-10, below √ε·σ₁
    expect(Math.abs(direct[i] - sigma[i]) / sigma[i]).toBeLessThan(1e-6);
    expect(Math.abs(viaGram[i] - sigma[i]) / sigma[i]).toBeGreaterThan(1e-2);
  });

  it('handles rank deficiency: zero singular values, vectors still orthonormal', () => {
    const m = 20;
    const n = 12;
    const sigma = [5, 3, 2, 1, 0.5];
    const a = matrixWithSingularValues(m, n, sigma, new Rng(8));
    const s = svd(a, m, n);
    for (let i = 0; i < 5; i++) expect(s.values[i]).toBeCloseTo(sigma[i], 13);
    for (let i = 5; i < n; i++) expect(s.values[i]).toBeLessThan(1e-14);
    expect(reconstructionError(a, s)).toBeLessThan(1e-13);
    expect(orthonormalityError(s.left, n, m)).toBeLessThan(1e-13);
    expect(orthonormalityError(s.right, n, n)).toBeLessThan(1e-13);
  });

  it('singularValues agrees with svd; vectors/rows convention: A v_k = σ_k u_k', () => {
    const m = 9;
    const n = 5;
    const rng = new Rng(9);
    const a = Float64Array.from({ length: m * n }, () => rng.normal());
    const s = svd(a, m, n);
    const vals = singularValues(a, m, n);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(vals[k] - s.values[k])).toBeLessThan(1e-13);
      for (let i = 0; i < m; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * s.right[k * n + j];
        expect(Math.abs(av - s.values[k] * s.left[k * m + i])).toBeLessThan(1e-13);
      }
    }
  });
});
