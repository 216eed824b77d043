/**
 * Eigenproblems of a real symmetric tridiagonal matrix T in float64 (diagonal d[0..n−1], off-diagonal
 * e[0..n−2] with e[i] coupling i and i+1), the second half of `eigh`:
 *
 * - `tridiagonalEigen`: all eigenpairs. T is split where an off-diagonal is negligible; each unreduced
 *   block is solved by Cuppen's divide and conquer as in LAPACK's dstedc/dlaed0–4 (rank-one tearing,
 *   deflation of small z-components and of close poles by Givens rotations, the secular equation by
 *   Li's "middle way" two-pole rational steps safeguarded by bisection, Gu–Eisenstat's recomputed z so
 *   the eigenvectors are orthogonal to working precision, and the back-multiplication as a blocked
 *   product that skips the zero quarter of the block-diagonal eigenvector matrix). Blocks of ≤ SMALL
 *   rows use implicit QL with Wilkinson-style shifts (EISPACK tql2), which is faster at that size.
 * - `tridiagonalTop`: the k largest eigenpairs only, as LAPACK's dstebz + dstein: eigenvalues by Sturm
 *   bisection, eigenvectors by inverse iteration (LU with partial pivoting), re-orthogonalised by
 *   modified Gram–Schmidt within clusters (eigenvalues closer than 1e-3·‖T‖₁).
 *
 * Eigenvectors are ROWS of length n (row i of the n×n or k×n output is the eigenvector of value i),
 * the layout of `eigh`, so every rotation and update below runs along contiguous memory.
 */
import { gemmNT } from './gemm';

const EPS = 2 ** -53; // unit round-off (LAPACK's dlamch('E'))
const SAFMIN = 2 ** -1022;
/** Unreduced blocks up to this size go to QL; larger ones to divide and conquer (dstedc uses 25). */
const SMALL = 32;

/** Where T splits: start indices of unreduced blocks (plus n at the end). e[i] is set to 0 at a split. */
function splitBlocks(d: Float64Array, e: Float64Array, n: number): number[] {
  const starts = [0];
  for (let i = 0; i + 1 < n; i++) {
    const tiny = EPS * Math.sqrt(Math.abs(d[i])) * Math.sqrt(Math.abs(d[i + 1]));
    if (Math.abs(e[i]) <= tiny) {
      e[i] = 0;
      starts.push(i + 1);
    }
  }
  starts.push(n);
  return starts;
}

/**
 * Implicit QL (EISPACK tql2 / Numerical Recipes tqli) on the block [lo, hi): eigenvalues into d[lo..hi),
 * sorted ascending, with the block's rows of z (columns lo..hi) rotated alongside (pass the identity in
 * those rows to get the block's eigenvectors). e[lo..hi−2] is destroyed.
 */
function tql(d: Float64Array, e: Float64Array, lo: number, hi: number, z: Float64Array, n: number): void {
  const m = hi - lo;
  if (m <= 1) return;
  const dd = d.subarray(lo, hi);
  const ee = new Float64Array(m);
  for (let i = 0; i + 1 < m; i++) ee[i] = e[lo + i];
  for (let l = 0; l < m; l++) {
    let iter = 0;
    for (;;) {
      let mm = l;
      for (; mm < m - 1; mm++) {
        const s = Math.abs(dd[mm]) + Math.abs(dd[mm + 1]);
        if (Math.abs(ee[mm]) <= EPS * s) break;
      }
      if (mm === l) break;
      if (++iter > 60) throw new Error('eigh: QL iteration did not converge (non-finite input?)');
      let g = (dd[l + 1] - dd[l]) / (2 * ee[l]);
      let r = Math.hypot(g, 1);
      g = dd[mm] - dd[l] + ee[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = mm - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * ee[i];
        const b = c * ee[i];
        r = Math.hypot(f, g);
        ee[i + 1] = r;
        if (r === 0) { dd[i + 1] -= p; ee[mm] = 0; underflow = true; break; }
        s = f / r;
        c = g / r;
        g = dd[i + 1] - p;
        r = (dd[i] - g) * s + 2 * c * b;
        p = s * r;
        dd[i + 1] = g + p;
        g = c * r - b;
        // Rotate eigenvector rows i and i+1 (columns lo..hi).
        const oi = (lo + i) * n, oj = oi + n;
        for (let k = lo; k < hi; k++) {
          const x = z[oi + k], y = z[oj + k];
          z[oj + k] = s * x + c * y;
          z[oi + k] = c * x - s * y;
        }
      }
      if (underflow) continue;
      dd[l] -= p;
      ee[l] = g;
      ee[mm] = 0;
    }
  }
  // Selection sort, ascending, swapping rows.
  for (let i = 0; i < m - 1; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (dd[j] < dd[k]) k = j;
    if (k !== i) {
      const t = dd[i]; dd[i] = dd[k]; dd[k] = t;
      const oi = (lo + i) * n, ok = (lo + k) * n;
      for (let c = lo; c < hi; c++) { const x = z[oi + c]; z[oi + c] = z[ok + c]; z[ok + c] = x; }
    }
  }
}

/**
 * Root i (0-based, ascending) of the secular equation 1/ρ + Σ_j z_j²/(p_j − λ) = 0 with poles
 * p_0 < … < p_{K−1}, all z_j ≠ 0, ρ > 0, K ≥ 2 (LAPACK dlaed4's job). Writes δ_j = p_j − λ into
 * delta[0..K) — computed as (p_j − p_org) − τ about the nearer pole p_org, which is what keeps the
 * eigenvectors below accurate — and returns λ.
 */
function secularRoot(K: number, p: Float64Array, z: Float64Array, rho: number, i: number, delta: Float64Array): number {
  const rhoinv = 1 / rho;
  let org: number, lo: number, hi: number, tau: number;
  // The split between the "left" (ψ) and "right" (φ) sums, and the two poles of the rational model.
  const sp = i < K - 1 ? i : K - 2;
  if (i < K - 1) {
    const mid = (p[i + 1] - p[i]) / 2;
    let w = rhoinv;
    for (let j = 0; j < K; j++) w += (z[j] * z[j]) / ((p[j] - p[i]) - mid);
    if (w >= 0) { org = i; lo = 0; hi = mid; tau = mid; } else { org = i + 1; lo = -mid; hi = 0; tau = -mid; }
  } else {
    let zz = 0;
    for (let j = 0; j < K; j++) zz += z[j] * z[j];
    org = K - 1; lo = 0; hi = rho * zz; tau = hi;
  }
  const po = p[org];
  for (let iter = 0; iter < 200; iter++) {
    let psi = 0, dpsi = 0, phi = 0, dphi = 0, err = 0;
    for (let j = 0; j < K; j++) {
      const t = z[j] / ((p[j] - po) - tau);
      const term = z[j] * t;
      err += Math.abs(term);
      if (j <= sp) { psi += term; dpsi += t * t; } else { phi += term; dphi += t * t; }
    }
    const w = rhoinv + psi + phi;
    const dw = dpsi + dphi;
    err = 8 * err + 2 * rhoinv + 3 * Math.abs(tau) * dw;
    if (Math.abs(w) <= EPS * err) break;
    if (w < 0) lo = Math.max(lo, tau); else hi = Math.min(hi, tau);
    if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) { tau = (lo + hi) / 2; break; }
    // Middle way: ψ ≈ a + s1/δ_sp and φ ≈ b + s2/δ_{sp+1}, matching values and slopes at τ; the model's
    // root solves C η² − A η + B = 0 for the step η.
    const da = (p[sp] - po) - tau, db = (p[sp + 1] - po) - tau;
    const C = w - da * dpsi - db * dphi;
    const A = (da + db) * w - da * db * dw;
    const B = da * db * w;
    let next = NaN;
    const inside = (x: number) => x > lo && x < hi;
    if (C === 0) {
      if (A !== 0 && inside(tau + B / A)) next = tau + B / A;
    } else {
      const disc = A * A - 4 * B * C;
      if (disc >= 0) {
        const q = A + (A >= 0 ? 1 : -1) * Math.sqrt(disc);
        const r1 = q / (2 * C);
        const r2 = q !== 0 ? (2 * B) / q : NaN;
        const c1 = tau + r1, c2 = tau + r2;
        const ok1 = inside(c1), ok2 = inside(c2);
        if (ok1 && ok2) next = Math.abs(r1) < Math.abs(r2) ? c1 : c2;
        else if (ok1) next = c1;
        else if (ok2) next = c2;
      }
    }
    if (Number.isNaN(next)) {
      const newton = tau - w / dw;
      next = inside(newton) ? newton : (lo + hi) / 2;
    }
    if (next === tau) break;
    tau = next;
  }
  for (let j = 0; j < K; j++) delta[j] = (p[j] - po) - tau;
  return po + tau;
}

/** Workspace shared by the merges of one divide-and-conquer run (sized for the whole block). */
interface DcWork {
  out: Float64Array; // m×m new eigenvector rows
  vals: Float64Array;
}

/**
 * Merge step of divide and conquer on [lo, hi) torn at mid with off-diagonal beta: the halves'
 * eigenpairs are in d and the rows of z; on return the block's eigenpairs (ascending) are.
 */
function merge(d: Float64Array, z: Float64Array, n: number, lo: number, mid: number, hi: number, beta: number, work: DcWork): void {
  const m = hi - lo, n1 = mid - lo;
  const rho = 2 * Math.abs(beta);
  const sgn = beta >= 0 ? 1 : -1;
  const zv = new Float64Array(m);
  const D = new Float64Array(m);
  const type = new Uint8Array(m); // 1: support in the top half only, 3: bottom only, 2: both
  for (let j = 0; j < m; j++) {
    const row = (lo + j) * n;
    D[j] = d[lo + j];
    if (j < n1) { zv[j] = z[row + mid - 1] * Math.SQRT1_2; type[j] = 1; } else { zv[j] = sgn * z[row + mid] * Math.SQRT1_2; type[j] = 3; }
  }
  // Merge the two ascending runs.
  const perm = new Int32Array(m);
  for (let a = 0, b = n1, t = 0; t < m; t++) perm[t] = b >= m || (a < n1 && D[a] <= D[b]) ? a++ : b++;
  let dmax = 0, zmax = 0;
  for (let j = 0; j < m; j++) { dmax = Math.max(dmax, Math.abs(D[j])); zmax = Math.max(zmax, Math.abs(zv[j])); }
  const tol = 8 * EPS * Math.max(dmax, zmax);

  // Deflation (dlaed2).
  const nd: number[] = []; // non-deflated, ascending poles
  const df: number[] = []; // deflated
  if (rho * zmax > tol) {
    let pj = -1;
    for (let t = 0; t < m; t++) {
      const j = perm[t];
      if (rho * Math.abs(zv[j]) <= tol) { df.push(j); continue; }
      if (pj < 0) { pj = j; continue; }
      let s = zv[pj], c = zv[j];
      const tau = Math.hypot(c, s);
      const gap = D[j] - D[pj];
      c /= tau;
      s = -s / tau;
      if (Math.abs(gap * c * s) <= tol) {
        // Rotate so that z[pj] = 0: pj deflates with a mixed value.
        zv[j] = tau;
        zv[pj] = 0;
        const op = (lo + pj) * n, oj = (lo + j) * n;
        for (let col = lo; col < hi; col++) {
          const x = z[op + col], y = z[oj + col];
          z[op + col] = c * x + s * y;
          z[oj + col] = c * y - s * x;
        }
        if (type[pj] !== type[j]) type[pj] = type[j] = 2;
        const dp = D[pj] * c * c + D[j] * s * s;
        D[j] = D[pj] * s * s + D[j] * c * c;
        D[pj] = dp;
        df.push(pj);
      } else {
        nd.push(pj);
      }
      pj = j;
    }
    if (pj >= 0) nd.push(pj);
  } else {
    for (let t = 0; t < m; t++) df.push(perm[t]);
  }

  const K = nd.length;
  const out = work.out, vals = work.vals;
  if (K === 1) {
    const j = nd[0];
    vals[0] = D[j] + rho * zv[j] * zv[j];
    out.set(z.subarray((lo + j) * n + lo, (lo + j) * n + hi), 0);
  } else if (K >= 2) {
    const p = new Float64Array(K), zl = new Float64Array(K);
    for (let i = 0; i < K; i++) { p[i] = D[nd[i]]; zl[i] = zv[nd[i]]; }
    const u = new Float64Array(K * K); // row i: δ_j(root i), then the rank-one problem's eigenvector i
    const delta = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      vals[i] = secularRoot(K, p, zl, rho, i, delta);
      u.set(delta, i * K);
    }
    // Gu–Eisenstat: the z for which the computed roots are exact, ẑ_j² = −Π_i δ_j(i) / Π_{i≠j} (p_j − p_i).
    // Accumulated a row of u at a time (rows are contiguous); each factor pairs a root with a pole, so
    // the running products stay in range.
    const zh = new Float64Array(K);
    for (let j = 0; j < K; j++) zh[j] = u[j * K + j];
    for (let i = 0; i < K; i++) {
      const o = i * K, pi = p[i];
      for (let j = 0; j < i; j++) zh[j] *= u[o + j] / (p[j] - pi);
      for (let j = i + 1; j < K; j++) zh[j] *= u[o + j] / (p[j] - pi);
    }
    for (let j = 0; j < K; j++) zh[j] = (zl[j] >= 0 ? 1 : -1) * Math.sqrt(Math.max(-zh[j], 0));
    for (let i = 0; i < K; i++) {
      const o = i * K;
      let s = 0;
      for (let j = 0; j < K; j++) { const v = zh[j] / u[o + j]; u[o + j] = v; s += v * v; }
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < K; j++) u[o + j] *= inv;
    }
    // New rows = U · (old rows), each half of the columns only over the old rows with support there.
    const halves: [number, number, 1 | 3][] = [[lo, mid, 1], [mid, hi, 3]];
    for (const [c0, c1, own] of halves) {
      const cols = c1 - c0;
      const src: number[] = [];
      for (let i = 0; i < K; i++) if (type[nd[i]] === own || type[nd[i]] === 2) src.push(i);
      const L = src.length;
      if (L === 0) {
        for (let i = 0; i < K; i++) out.fill(0, i * m + (c0 - lo), i * m + (c1 - lo));
        continue;
      }
      const a = new Float64Array(K * L);
      for (let i = 0; i < K; i++) for (let l = 0; l < L; l++) a[i * L + l] = u[i * K + src[l]];
      const bt = new Float64Array(cols * L); // bt[c][l] = old row src[l], column c0 + c
      for (let l = 0; l < L; l++) {
        const o = (lo + nd[src[l]]) * n + c0;
        for (let c = 0; c < cols; c++) bt[c * L + l] = z[o + c];
      }
      gemmNT(K, cols, L, a, 0, L, bt, 0, L, out, c0 - lo, m, false);
    }
  }
  // Deflated pairs keep their (possibly rotated) rows.
  for (let t = 0; t < df.length; t++) {
    const j = df[t];
    vals[K + t] = D[j];
    out.set(z.subarray((lo + j) * n + lo, (lo + j) * n + hi), (K + t) * m);
  }
  // Ascending order back into d and z.
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => vals[x] - vals[y]);
  for (let t = 0; t < m; t++) {
    const s = order[t];
    d[lo + t] = vals[s];
    z.set(out.subarray(s * m, s * m + m), (lo + t) * n + lo);
  }
}

/** Divide and conquer on the unreduced block [lo, hi) (dlaed0): rows lo..hi of z must hold the identity. */
function divideAndConquer(d: Float64Array, e: Float64Array, lo: number, hi: number, z: Float64Array, n: number, work: DcWork): void {
  const m = hi - lo;
  if (m <= SMALL) { tql(d, e, lo, hi, z, n); return; }
  const mid = lo + (m >> 1);
  const beta = e[mid - 1];
  d[mid - 1] -= Math.abs(beta);
  d[mid] -= Math.abs(beta);
  divideAndConquer(d, e, lo, mid, z, n, work);
  divideAndConquer(d, e, mid, hi, z, n, work);
  merge(d, z, n, lo, mid, hi, beta, work);
}

/**
 * All eigenpairs of T: on return d holds the eigenvalues of each unreduced block in ascending order
 * and row i of the returned n×n matrix is the unit eigenvector of d[i] (rows of one block are
 * supported on that block's index range). Not globally sorted: the caller orders. e is destroyed.
 */
export function tridiagonalEigen(d: Float64Array, e: Float64Array, n: number): Float64Array {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  const starts = splitBlocks(d, e, n);
  let work: DcWork | undefined;
  for (let b = 0; b + 1 < starts.length; b++) {
    const lo = starts[b], hi = starts[b + 1];
    const m = hi - lo;
    if (m === 1) continue;
    if (m <= SMALL) { tql(d, e, lo, hi, z, n); continue; }
    // Scale the block to unit max-norm (dstedc): the deflation tolerances assume it.
    let scale = 0;
    for (let i = lo; i < hi; i++) scale = Math.max(scale, Math.abs(d[i]), i + 1 < hi ? Math.abs(e[i]) : 0);
    for (let i = lo; i < hi; i++) { d[i] /= scale; if (i + 1 < hi) e[i] /= scale; }
    work ??= { out: new Float64Array(n * n), vals: new Float64Array(n) };
    divideAndConquer(d, e, lo, hi, z, n, work);
    for (let i = lo; i < hi; i++) d[i] *= scale;
  }
  return z;
}

/** Number of eigenvalues of the block [lo, hi) below x (Sturm sequence of the LDLᵀ pivots). */
function sturmCount(d: Float64Array, e2: Float64Array, lo: number, hi: number, x: number, pivmin: number): number {
  let q = d[lo] - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  let count = q < 0 ? 1 : 0;
  for (let i = lo + 1; i < hi; i++) {
    q = d[i] - x - e2[i - 1] / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/**
 * The k largest eigenpairs of T, values descending, vectors as k rows of length n (dstebz + dstein).
 * d and e are not modified. `converged` is false when inverse iteration did not converge for some
 * vector within its 5 iterations (dstein's IFAIL): the caller should not trust that pair.
 */
export function tridiagonalTop(dIn: Float64Array, eIn: Float64Array, n: number, k: number): { values: Float64Array; vectors: Float64Array; converged: boolean } {
  const d = Float64Array.from(dIn);
  const e = Float64Array.from(eIn);
  const starts = splitBlocks(d, e, n);
  const e2 = Float64Array.from(e, (x) => x * x);
  let emax2 = 0;
  for (let i = 0; i + 1 < n; i++) emax2 = Math.max(emax2, e2[i]);
  const pivmin = SAFMIN * Math.max(1, emax2);
  // Candidates: each block's own top min(k, size) eigenvalues by bisection.
  const cand: { value: number; block: number }[] = [];
  for (let b = 0; b + 1 < starts.length; b++) {
    const lo = starts[b], hi = starts[b + 1];
    let gl = Infinity, gu = -Infinity;
    for (let i = lo; i < hi; i++) {
      const r = (i > lo ? Math.abs(e[i - 1]) : 0) + (i + 1 < hi ? Math.abs(e[i]) : 0);
      gl = Math.min(gl, d[i] - r);
      gu = Math.max(gu, d[i] + r);
    }
    const spread = Math.max(Math.abs(gl), Math.abs(gu));
    gl -= 2 * EPS * spread * (hi - lo) + 2 * pivmin;
    gu += 2 * EPS * spread * (hi - lo) + 2 * pivmin;
    const atol = 2 * EPS * spread; // dstebz's default absolute accuracy, ulp·‖T‖
    const m = hi - lo;
    if (m === 1) { cand.push({ value: d[lo], block: b }); continue; }
    for (let t = 0; t < Math.min(k, m); t++) {
      const index = m - 1 - t; // ascending index within the block
      let a = gl, c = gu;
      for (let it = 0; it < 200; it++) {
        const x = (a + c) / 2;
        if (x === a || x === c || c - a <= 2 * EPS * Math.max(Math.abs(a), Math.abs(c)) + atol) break;
        if (sturmCount(d, e2, lo, hi, x, pivmin) > index) c = x; else a = x;
      }
      cand.push({ value: (a + c) / 2, block: b });
    }
  }
  cand.sort((x, y) => y.value - x.value);
  const chosen = cand.slice(0, k);
  const values = Float64Array.from(chosen, (c) => c.value);
  const vectors = new Float64Array(k * n);
  // Inverse iteration per block, ascending within the block (dstein).
  let converged = true;
  for (let b = 0; b + 1 < starts.length; b++) {
    const lo = starts[b], hi = starts[b + 1];
    const rows: number[] = [];
    for (let r = k - 1; r >= 0; r--) if (chosen[r].block === b) rows.push(r); // ascending values
    if (rows.length > 0 && !inverseIteration(d, e, lo, hi, rows, values, vectors, n)) converged = false;
  }
  return { values, vectors, converged };
}

/**
 * dstein on block [lo, hi) for the eigenvalues values[rows[·]] (ascending); writes rows of `vectors`.
 * Returns false if some vector did not converge.
 */
function inverseIteration(d: Float64Array, e: Float64Array, lo: number, hi: number, rows: number[], values: Float64Array, vectors: Float64Array, n: number): boolean {
  const m = hi - lo;
  if (m === 1) { vectors[rows[0] * n + lo] = 1; return true; }
  let allConverged = true;
  let onenrm = 0;
  for (let i = lo; i < hi; i++) onenrm = Math.max(onenrm, Math.abs(d[i]) + (i > lo ? Math.abs(e[i - 1]) : 0) + (i + 1 < hi ? Math.abs(e[i]) : 0));
  const ortol = 1e-3 * onenrm;
  const dtpcrt = Math.sqrt(0.1 / m);
  const pert = EPS * onenrm || SAFMIN;
  const ua = new Float64Array(m), ub = new Float64Array(m), ud = new Float64Array(m), mult = new Float64Array(m);
  const piv = new Uint8Array(m);
  const x = new Float64Array(m);
  let seed = 0x9e3779b9 ^ (lo * 7919 + m);
  const rand = () => { // xorshift32, uniform in (−1, 1)
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return ((seed >>> 0) / 4294967296) * 2 - 1;
  };
  let xjm = -Infinity;
  let gstart = 0; // first index (into rows) of the current cluster
  for (let jj = 0; jj < rows.length; jj++) {
    let xj = values[rows[jj]];
    if (jj > 0) {
      const pertol = 10 * Math.abs(EPS * xj);
      if (xj - xjm < pertol) xj = xjm + pertol;
      if (xj - xjm > ortol) gstart = jj;
    }
    // LU of T − xj·I with partial pivoting (dlagtf): U has diagonal ua, super-diagonals ub, ud.
    for (let i = 0; i < m; i++) { ua[i] = d[lo + i] - xj; ub[i] = i + 1 < m ? e[lo + i] : 0; ud[i] = 0; }
    for (let i = 0; i + 1 < m; i++) {
      const c = e[lo + i];
      if (Math.abs(ua[i]) >= Math.abs(c)) {
        const t = ua[i] === 0 ? 0 : c / ua[i];
        mult[i] = t; piv[i] = 0;
        ua[i + 1] -= t * ub[i];
      } else {
        const t = ua[i] / c;
        mult[i] = t; piv[i] = 1;
        ua[i] = c;
        const a1 = ua[i + 1];
        ua[i + 1] = ub[i] - t * a1;
        ub[i] = a1;
        if (i + 2 < m) { ud[i] = ub[i + 1]; ub[i + 1] = -t * ud[i]; }
      }
    }
    for (let i = 0; i < m; i++) if (Math.abs(ua[i]) < pert) ua[i] = ua[i] < 0 ? -pert : pert;
    for (let i = 0; i < m; i++) x[i] = rand();
    let nrmchk = 0;
    let its = 0;
    for (; its < 5; its++) {
      let xmax = 0;
      for (let i = 0; i < m; i++) xmax = Math.max(xmax, Math.abs(x[i]));
      const scl = (m * onenrm * Math.max(EPS, Math.abs(ua[m - 1]))) / xmax;
      for (let i = 0; i < m; i++) x[i] *= scl;
      // Solve P L U x = b.
      for (let i = 0; i + 1 < m; i++) {
        if (piv[i]) { const t = x[i]; x[i] = x[i + 1]; x[i + 1] = t - mult[i] * x[i]; } else x[i + 1] -= mult[i] * x[i];
      }
      x[m - 1] /= ua[m - 1];
      x[m - 2] = (x[m - 2] - ub[m - 2] * x[m - 1]) / ua[m - 2];
      for (let i = m - 3; i >= 0; i--) x[i] = (x[i] - ub[i] * x[i + 1] - ud[i] * x[i + 2]) / ua[i];
      // Modified Gram–Schmidt against the cluster's earlier vectors.
      for (let g = gstart; g < jj; g++) {
        const o = rows[g] * n + lo;
        let s = 0;
        for (let i = 0; i < m; i++) s += x[i] * vectors[o + i];
        for (let i = 0; i < m; i++) x[i] -= s * vectors[o + i];
      }
      let big = 0;
      for (let i = 0; i < m; i++) big = Math.max(big, Math.abs(x[i]));
      // Normalise (∞-norm) so repeated solves stay in range.
      for (let i = 0; i < m; i++) x[i] /= big;
      if (big < dtpcrt) continue;
      if (++nrmchk >= 3) break;
    }
    if (its === 5) allConverged = false;
    let s = 0, jmax = 0;
    for (let i = 0; i < m; i++) { s += x[i] * x[i]; if (Math.abs(x[i]) > Math.abs(x[jmax])) jmax = i; }
    const inv = (x[jmax] < 0 ? -1 : 1) / Math.sqrt(s);
    const o = rows[jj] * n + lo;
    for (let i = 0; i < m; i++) vectors[o + i] = x[i] * inv;
    xjm = xj;
  }
  return allConverged;
}
