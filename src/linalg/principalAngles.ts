/**
 * Principal angles between two k-dimensional subspaces of Rⁿ, and the two Grassmannian distances
 * Choi et al. use to measure how the Local Basis subspace turns across the latent space (Eq. 13–14).
 *
 * Bases come as k×n row-major arrays (row = spanning vector, like eigh/svd/lanczos output), not
 * necessarily orthonormal; they are orthonormalised first (Q₁, Q₂ with orthonormal rows).
 *
 * Accuracy: the textbook θᵢ = arccos σᵢ(Q₁Q₂ᵀ) is useless for small angles — cos θ = 1 − θ²/2 rounds
 * to 1 once θ < ~1e-8 and carries an absolute error ~√ε ≈ 1e-8 in θ before that (Choi et al.'s code
 * clips σ to 1 and takes arccos). So, following Björck & Golub (1973) / Knyazev & Argentati (2002), the
 * sines come from the residual of projecting one basis onto the other, sinθᵢ = σ(Q₂ − (Q₂Q₁ᵀ)Q₁) sorted
 * ascending, and θᵢ = arcsin(sin θᵢ) where θ ≤ π/4 (sin² ≤ ½), arccos(cos θᵢ) where θ > π/4 — each
 * formula used only where it is well-conditioned, giving absolute accuracy ≈ ε over [0, π/2].
 */
import { matmul, transpose } from './dense';
import { orthonormalise } from './orthonormalise';
import { singularValues } from './svd';

function orthonormalRows(basis: Float64Array, k: number, n: number, which: string): Float64Array {
  const o = orthonormalise(basis, k, n);
  if (o.rank < k) {
    throw new Error(`principalAngles: basis ${which} spans only ${o.rank} of ${k} dimensions (rows ${o.kept.join(', ')} kept)`);
  }
  return o.q;
}

/** θ₁ ≤ … ≤ θ_k in [0, π/2] between span(rows of a) and span(rows of b), both k×n. */
export function principalAngles(a: Float64Array, b: Float64Array, k: number, n: number): Float64Array {
  if (k < 1 || k > n) throw new Error(`principalAngles: need 1 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  const q1 = orthonormalRows(a, k, n, 'a');
  const q2 = orthonormalRows(b, k, n, 'b');
  const c = matmul(q2, transpose(q1, k, n), k, n, k); // C = Q₂Q₁ᵀ, k×k: its singular values are the cosines
  const cos = singularValues(c, k, k); // descending ⇒ angles ascending
  const proj = matmul(c, q1, k, k, n); // rows of Q₂ projected onto span(Q₁)
  const resid = new Float64Array(k * n);
  for (let i = 0; i < k * n; i++) resid[i] = q2[i] - proj[i];
  const sin = singularValues(resid, k, n).reverse(); // ascending ⇒ angles ascending
  const theta = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const s = Math.min(1, sin[i]);
    theta[i] = s * s <= 0.5 ? Math.asin(s) : Math.acos(Math.min(1, cos[i]));
  }
  // Rounding can leave the two branches a hair out of order near π/4; the contract is ascending.
  return theta.sort();
}

export interface ProjectionDistanceOptions {
  /**
   * 'spectral' (default): ‖P₁ − P₂‖₂ = sin θ_max, the operator norm of Choi et al. Eq. 13 (their code:
   * numpy.linalg.norm(P1 − P2, ord=2)), no further normalisation — so it saturates at 1 as soon as the
   * subspaces share less than a full dimension. 'frobenius': ‖P₁ − P₂‖_F = √2·‖sin θ‖₂, the other common
   * "projection metric" (it grows with k, which the spectral one cannot).
   */
  norm?: 'spectral' | 'frobenius';
}

/** Choi et al. Eq. 13: ‖P₁ − P₂‖ for the orthogonal projectors onto the two subspaces. */
export function grassmannProjectionDistance(a: Float64Array, b: Float64Array, k: number, n: number, opts: ProjectionDistanceOptions = {}): number {
  const theta = principalAngles(a, b, k, n);
  if ((opts.norm ?? 'spectral') === 'spectral') return Math.sin(theta[k - 1]);
  let s2 = 0;
  for (const t of theta) s2 += Math.sin(t) ** 2;
  return Math.sqrt(2 * s2);
}

/** Choi et al. Eq. 14: ‖θ‖₂, the arc length of the geodesic on Gr(k, n) (canonical metric). */
export function grassmannGeodesicDistance(a: Float64Array, b: Float64Array, k: number, n: number): number {
  const theta = principalAngles(a, b, k, n);
  let s2 = 0;
  for (const t of theta) s2 += t * t;
  return Math.sqrt(s2);
}
