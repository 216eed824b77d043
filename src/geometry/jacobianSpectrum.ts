/**
 * Singular values of the mapping network's Jacobian against a random matrix (Choi et al., ICLR 2022,
 * appendix E, Fig. 9): the σᵢ of df_z at many z are pooled and set beside those of Gaussian matrices of
 * the same shape whose entries have the mean and standard deviation of the Jacobians' entries (the
 * paper's control). A random linear map of that shape and scale spreads its σ over a band away from zero
 * (Marchenko–Pastur: s(√m ± √n) for an m×n matrix with m ≥ n); a sharp peak of the Jacobian's σ near zero
 * says most linear perturbations of z collapse in W — the paper's evidence that f(Z) is a thin manifold.
 */
import { svd } from '../linalg/svd';
import { Rng } from '../util/random';
import type { LocalBasis } from './localBasis';

/** J = Σ σᵢ vᵢ uᵢᵀ (wDim×zDim, row-major) rebuilt from a Local Basis: the SVD holds J exactly. */
export function jacobianOf(lb: LocalBasis): Float64Array {
  const { wDim, zDim, r } = lb;
  const j = new Float64Array(wDim * zDim);
  for (let k = 0; k < r; k++) {
    const s = lb.singularValues[k];
    const v = lb.wDirections.subarray(k * wDim, (k + 1) * wDim), u = lb.zDirections.subarray(k * zDim, (k + 1) * zDim);
    for (let a = 0; a < wDim; a++) {
      const sv = s * v[a];
      if (sv === 0) continue;
      for (let b = 0; b < zDim; b++) j[a * zDim + b] += sv * u[b];
    }
  }
  return j;
}

/** Mean and population sd of all entries of the given matrices together (the control's moments). */
export function entryMoments(matrices: readonly Float64Array[]): { mean: number; sd: number } {
  let count = 0, sum = 0;
  for (const m of matrices) for (const x of m) { sum += x; count++; }
  if (count === 0) throw new Error('entryMoments: no entries');
  const mean = sum / count;
  let ss = 0;
  for (const m of matrices) for (const x of m) ss += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / count) };
}

/** Singular values (descending) of `count` seeded m×n matrices with i.i.d. N(mean, sd²) entries. */
export function gaussianSingularValues(m: number, n: number, moments: { mean: number; sd: number }, count: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => svd(Float64Array.from({ length: m * n }, () => moments.mean + moments.sd * rng.normal()), m, n).values);
}

/** Scale-free summaries of one matrix's singular values (descending). */
export interface SigmaSummary {
  /** σ_min / σ_max. */
  minOverMax: number;
  /** Share of the σ below 10 % of σ_max. */
  shareBelowTenth: number;
  /** Participation ratio (Σσ²)² / Σσ⁴: how many directions carry the map (r if all σ are equal, 1 if one dominates). */
  effectiveRank: number;
}

export function sigmaSummary(sigma: ArrayLike<number>): SigmaSummary {
  const r = sigma.length;
  if (r === 0) throw new Error('sigmaSummary: no singular values');
  let max = 0, min = Infinity, s2 = 0, s4 = 0;
  for (let i = 0; i < r; i++) { const s = sigma[i]; max = Math.max(max, s); min = Math.min(min, s); s2 += s * s; s4 += s ** 4; }
  let below = 0;
  for (let i = 0; i < r; i++) if (sigma[i] < 0.1 * max) below++;
  return { minOverMax: max > 0 ? min / max : NaN, shareBelowTenth: below / r, effectiveRank: s4 > 0 ? (s2 * s2) / s4 : 0 };
}
