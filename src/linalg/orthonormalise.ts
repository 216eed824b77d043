/**
 * Orthonormal basis of the span of k vectors of length n (rows of a k×n row-major array), by modified
 * Gram–Schmidt with one full re-orthogonalisation pass.
 *
 * Why two passes: a single Gram–Schmidt pass loses orthogonality in proportion to how much a vector
 * cancels (‖residual‖/‖input‖ small ⇒ rounding in the subtracted projections dominates). Repeating
 * the projection once restores orthogonality to working precision unless the vector is numerically
 * in the span already ("twice is enough", Kahan/Parlett; Giraud et al. 2005) — and that case is
 * exactly the rank deficiency we detect and report.
 *
 * Rank deficiency: vectors whose residual after both passes is ≤ `tol`·(their original norm) are
 * DROPPED, not thrown on: the result has `rank` ≤ k rows and `kept` lists the input rows that
 * contributed, so a caller that needs full rank (e.g. principalAngles) checks `rank === k` and throws
 * with its own context. With the default tol = 1e-10 a kept vector's direction is accurate to about
 * 1e-16/1e-10 = 1e-6 at worst; raise tol if you need more from nearly dependent inputs.
 */
import { axpy, dot, norm, scale } from './dense';

export interface Orthonormalised {
  /** rank×n, row-major; rows are orthonormal and span the same space as the kept inputs. */
  q: Float64Array;
  rank: number;
  /** Indices of the input rows that were kept (in order); the others were numerically dependent or zero. */
  kept: number[];
}

export interface OrthonormaliseOptions {
  /** Relative residual below which a vector counts as dependent on the earlier ones. Default 1e-10. */
  tol?: number;
}

export function orthonormalise(vectors: Float64Array, k: number, n: number, opts: OrthonormaliseOptions = {}): Orthonormalised {
  if (vectors.length !== k * n) throw new Error(`orthonormalise: expected ${k}×${n} = ${k * n} entries, got ${vectors.length}`);
  const tol = opts.tol ?? 1e-10;
  const basis: Float64Array[] = [];
  const kept: number[] = [];
  for (let i = 0; i < k; i++) {
    const x = Float64Array.from(vectors.subarray(i * n, (i + 1) * n));
    const original = norm(x);
    if (!(original > 0)) continue; // zero (or NaN) input: nothing to add to the span
    for (let pass = 0; pass < 2; pass++) {
      // Modified GS: each projection uses the already-updated x, which is what keeps one pass stable-ish.
      for (const q of basis) axpy(x, -dot(q, x), q);
    }
    const r = norm(x);
    if (r <= tol * original) continue;
    scale(x, 1 / r);
    basis.push(x);
    kept.push(i);
  }
  const q = new Float64Array(basis.length * n);
  basis.forEach((b, i) => q.set(b, i * n));
  return { q, rank: basis.length, kept };
}
