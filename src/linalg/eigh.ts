/**
 * Symmetric eigen-decomposition in float64 (ml-matrix's Householder tridiagonalisation + QL), returned
 * in descending eigenvalue order with eigenvectors as rows.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface Eigh {
  /** Descending. */
  values: Float64Array;
  /** Row k (length n) is the unit eigenvector of values[k]. */
  vectors: Float64Array;
  n: number;
}

export function eigh(a: Float64Array, n: number): Eigh {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  const m = new Matrix(rows);
  const sym = m.add(m.transpose()).div(2); // guard against round-off asymmetry
  const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const v = e.eigenvectorMatrix;
  const values = Float64Array.from(order, ([val]) => val);
  const vectors = new Float64Array(n * n);
  order.forEach(([, col], k) => { for (let i = 0; i < n; i++) vectors[k * n + i] = v.get(i, col); });
  return { values, vectors, n };
}
