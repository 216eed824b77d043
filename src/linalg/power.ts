/**
 * Power method for the largest eigenvalue of a symmetric positive semi-definite operator.
 *
 * Used where one number is enough and every product is expensive: the upper end of the spectrum for
 * the Chebyshev log-det (Ramesh & LeCun, Algorithm 1, POWERMETHOD(A, t)), and the operator norm of a
 * metric. For PSD A the largest eigenvalue is also the largest in magnitude, so plain iteration
 * converges to it; for an indefinite A it would find the largest |λ|, which is why PSD is required.
 *
 * Each iteration costs one product and yields, for the current unit vector v, the Rayleigh quotient
 * λ = vᵀAv and the residual r = ‖Av − λv‖. For symmetric A some eigenvalue lies in [λ − r, λ + r]
 * and the Rayleigh quotient's error is O(r²/gap), so stopping on r ≤ tol·|λ| is a stricter and more
 * honest test than "λ stopped changing". Note λ ≤ λ_max always (Rayleigh quotient), so callers that need
 * an upper bound must inflate it (Algorithm 1's multiplier g).
 */
import { dot, norm } from './dense';
import { applyOperator, type Cancellable, type MatVec } from './operator';
import { Rng } from '../util/random';

export interface PowerOptions extends Cancellable {
  /** Stop when ‖Av − λv‖ ≤ tol·|λ|. Default 1e-8. */
  tol?: number;
  /** Maximum number of products. Default 500. */
  maxIter?: number;
  /** Seed of the Gaussian start vector (ignored if `start` is given). Default 0. */
  seed?: number;
  start?: Float64Array;
}

export interface PowerResult {
  /** Rayleigh quotient vᵀAv of the returned vector (a lower bound on λ_max). */
  value: number;
  /** Unit vector. */
  vector: Float64Array;
  /** Products used. */
  iterations: number;
  /** ‖A·vector − value·vector‖. */
  residual: number;
  converged: boolean;
}

export async function powerMethod(matvec: MatVec, n: number, opts: PowerOptions = {}): Promise<PowerResult> {
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 500;
  let v: Float64Array;
  if (opts.start) {
    if (opts.start.length !== n) throw new Error(`powerMethod: start has ${opts.start.length} entries, expected ${n}`);
    v = Float64Array.from(opts.start);
  } else {
    const rng = new Rng(opts.seed ?? 0);
    v = Float64Array.from({ length: n }, () => rng.normal());
  }
  let nv = norm(v);
  if (!(nv > 0)) throw new Error('powerMethod: start vector is zero');
  for (let i = 0; i < n; i++) v[i] /= nv;

  let value = 0;
  let residual = Infinity;
  for (let it = 1; it <= maxIter; it++) {
    const w = await applyOperator(matvec, v, opts.signal);
    value = dot(v, w);
    let r2 = 0;
    for (let i = 0; i < n; i++) r2 += (w[i] - value * v[i]) ** 2;
    residual = Math.sqrt(r2);
    // Av = 0 exactly means v is in the null space; for PSD A from a random start that means A = 0 (λ_max = 0).
    if (residual <= tol * Math.abs(value) || (residual === 0 && value === 0)) {
      return { value, vector: v, iterations: it, residual, converged: true };
    }
    if (it === maxIter) break;
    nv = norm(w);
    for (let i = 0; i < n; i++) v[i] = w[i] / nv;
  }
  return { value, vector: v, iterations: maxIter, residual, converged: false };
}
