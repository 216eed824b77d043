/**
 * Test fixtures for linalg/: matrices with a spectrum chosen in advance, so every test can compare
 * against a known answer instead of against another numerical routine.
 */
import { orthonormalise } from './orthonormalise';
import { Rng } from '../util/random';

/** A Haar-ish random orthogonal n×n matrix (rows orthonormal to ~1e-15) from Gram–Schmidt of Gaussians. */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const g = Float64Array.from({ length: n * n }, () => rng.normal());
  const o = orthonormalise(g, n, n);
  if (o.rank !== n) throw new Error('randomOrthogonal: Gaussian matrix was rank deficient');
  return o.q;
}

/** Symmetric A = Qᵀ diag(λ) Q with random orthogonal Q; row i of `q` is the eigenvector of lambda[i]. */
export function symmetricWithSpectrum(lambda: ArrayLike<number>, rng: Rng): { a: Float64Array; q: Float64Array } {
  const n = lambda.length;
  const q = randomOrthogonal(n, rng);
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const l = lambda[k];
    const qk = q.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < n; i++) {
      const s = l * qk[i];
      for (let j = i; j < n; j++) a[i * n + j] += s * qk[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  return { a, q };
}

/** m×n matrix U diag(σ) Vᵀ with random orthonormal U (m×r), V (n×r), r = σ.length ≤ min(m, n). */
export function matrixWithSingularValues(m: number, n: number, sigma: ArrayLike<number>, rng: Rng): Float64Array {
  const r = sigma.length;
  const u = randomOrthogonal(m, rng);
  const v = randomOrthogonal(n, rng);
  const a = new Float64Array(m * n);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < m; i++) {
      const s = sigma[k] * u[k * m + i];
      for (let j = 0; j < n; j++) a[i * n + j] += s * v[k * n + j];
    }
  }
  return a;
}

/** max |(X Xᵀ − I)_ij| for X with `rows` rows of length `cols` (orthonormality of rows). */
export function orthonormalityError(x: Float64Array, rows: number, cols: number): number {
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      for (let t = 0; t < cols; t++) s += x[i * cols + t] * x[j * cols + t];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}
