/**
 * Thin singular value decomposition A = U Σ Vᵀ of an m×n matrix (either shape), values descending.
 *
 * Choice: ml-matrix's SingularValueDecomposition (the JAMA/LINPACK Golub–Kahan bidiagonalisation with
 * implicit-shift QR), not eigh of the smaller Gram matrix. The Gram route squares the condition number:
 * eigenvalues of AᵀA carry absolute error ≈ ε‖A‖², so any σ below ≈ √ε·‖A‖ ≈ 1e-8‖A‖ comes out as
 * noise (or a NaN from a negative eigenvalue), and the Local Basis of a mapping network has exactly such
 * a long tail of tiny singular values (Choi et al., Fig. 9). Golub–Kahan is backward stable, so each σ
 * has absolute error ≈ ε‖A‖. Measured (svd.test.ts: 64×32, 32×64 and 64×64, σ log-spaced from 1 to 1e-12):
 * ‖A − UΣVᵀ‖_F ≤ 3e-15‖A‖_F, max |UᵀU − I|, |VᵀV − I| ≤ 1e-14, max |σ̂ᵢ − σᵢ| ≤ 1.4e-15·σ₁ — i.e. relative
 * error ≤ 1.3e-11 at σ = 6e-7, ~3e-8 at σ = 5e-10, 3e-7…7e-6 at σ = 1e-12. The Gram route on the same matrices:
 * ~1e-5 relative at σ = 6e-7, and σ = 5e-10 or 1e-12 come out as pure noise (errors of 100 % and more).
 *
 * Layout follows `eigh`: singular vectors are ROWS. `left` is r×m (row k = u_k), `right` is r×n
 * (row k = v_k), r = min(m, n), so A = Σ_k σ_k u_k v_kᵀ. For m < n we factor Aᵀ and swap the roles:
 * JAMA's algorithm is written for m ≥ n (for a 4×7 input ml-matrix warns and returns 5 "singular values").
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { transpose } from './dense';

export interface Svd {
  /** Descending, length r = min(m, n), ≥ 0. */
  values: Float64Array;
  /** r×m row-major; row k is the left singular vector u_k. */
  left: Float64Array;
  /** r×n row-major; row k is the right singular vector v_k. */
  right: Float64Array;
  m: number;
  n: number;
  r: number;
}

export function svd(a: Float64Array, m: number, n: number): Svd {
  if (a.length !== m * n) throw new Error(`svd: expected ${m}×${n} = ${m * n} entries, got ${a.length}`);
  if (m === 0 || n === 0) throw new Error('svd: empty matrix');
  if (m < n) {
    const t = svd(transpose(a, m, n), n, m);
    return { values: t.values, left: t.right, right: t.left, m, n, r: t.r };
  }
  // Tall (m ≥ n) from here on: r = n.
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error(`svd: non-finite entry at ${i}`);
  const d = new SingularValueDecomposition(Matrix.from1DArray(m, n, a), { autoTranspose: false });
  const u = d.leftSingularVectors; // m×n
  const v = d.rightSingularVectors; // n×n
  const raw = d.diagonal;
  // JAMA already sorts descending; sort again anyway (stable, cheap) so the contract doesn't rest on it.
  const order = raw.map((s, i) => [s, i] as const).sort((x, y) => y[0] - x[0]);
  const r = n;
  const values = new Float64Array(r);
  const left = new Float64Array(r * m);
  const right = new Float64Array(r * n);
  order.forEach(([s, col], k) => {
    values[k] = Math.max(0, s);
    for (let i = 0; i < m; i++) left[k * m + i] = u.get(i, col);
    for (let j = 0; j < n; j++) right[k * n + j] = v.get(j, col);
  });
  return { values, left, right, m, n, r };
}

/** Singular values only (descending); same algorithm, for callers that need no vectors. */
export function singularValues(a: Float64Array, m: number, n: number): Float64Array {
  if (m < n) return singularValues(transpose(a, m, n), n, m);
  const d = new SingularValueDecomposition(Matrix.from1DArray(m, n, a), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  return Float64Array.from(d.diagonal, (s) => Math.max(0, s)).sort().reverse();
}
