/**
 * Small kernels on dense float64 data. Matrices are row-major `Float64Array`s with their shape passed
 * alongside (the same convention as `eigh`), vectors are `Float64Array`s. Only what the rest of linalg/
 * needs: the heavy factorisations (eigh.ts, and SVD from ml-matrix) live elsewhere; these are the glue.
 */

export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/**
 * Euclidean norm. Plain sqrt of the sum of squares: the inputs here (unit vectors, residuals, metric
 * products) are nowhere near 1e±150, so the scaling that guards `hypot` against overflow isn't worth its cost.
 */
export function norm(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/** y ← y + αx, in place (the inner loop of every Gram–Schmidt and recurrence here). */
export function axpy(y: Float64Array, alpha: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** x ← αx, in place. */
export function scale(x: Float64Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}

/** C = A B for A m×k and B k×n, row-major. The i-p-j loop order streams rows of B and C. */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return c;
}

/** Aᵀ (n×m) of A (m×n). */
export function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** y = A x for A m×n. */
export function matvec(a: Float64Array, x: Float64Array, m: number, n: number): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const r = i * n;
    for (let j = 0; j < n; j++) s += a[r + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** xᵀ A x for A n×n, without allocating A x. */
export function quadraticForm(a: Float64Array, x: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let ax = 0;
    const r = i * n;
    for (let j = 0; j < n; j++) ax += a[r + j] * x[j];
    s += x[i] * ax;
  }
  return s;
}

/** (A + Aᵀ)/2 for A n×n: removes the round-off asymmetry of products such as Jᵀ J computed in pieces. */
export function symmetrise(a: Float64Array, n: number): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    s[i * n + i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) s[i * n + j] = s[j * n + i] = 0.5 * (a[i * n + j] + a[j * n + i]);
  }
  return s;
}

/** Row `i` of a row-major matrix with `cols` columns, as a view (no copy). */
export function row(a: Float64Array, i: number, cols: number): Float64Array {
  return a.subarray(i * cols, (i + 1) * cols);
}
