/**
 * Homogeneity of the metric across the latent space (Wang & Ponce §"Global Metric Structure",
 * Eq. 5–6, appendix A.7 and Tab. 4): does a metric Hⱼ at one position act on the eigenframe Uᵢ of
 * another position the way it acts on its own?
 *
 *   Λᵢⱼ = diag(UᵢᵀHⱼUᵢ)                                   (Eq. 5)  — (Λᵢⱼ)ₖ = uᵢₖᵀ Hⱼ uᵢₖ
 *   C^H_ij = corr(Λᵢⱼ, Λⱼ),  C^Hlog_ij = corr(log Λᵢⱼ, log Λⱼ)   (Eq. 6)
 *
 * with Λⱼ = Λⱼⱼ the eigenvalues of Hⱼ, eigenpairs in descending order, vectors paired BY RANK k. This is
 * what the paper's Eq. 6 says and what the authors' code computes (GAN-Geometry,
 * core/hessian_analysis_tools.py `compute_hess_corr`: corrcoef(log10 vHv_ij, log10 eva_j)).
 * `pairing: 'source'` instead correlates Λᵢⱼ with Λᵢᵢ (the eigenvalues of Hᵢ): "does Hⱼ scale each of
 * Hᵢ's eigenvectors the way Hᵢ does?" — pairing each vector with its own eigenvalue rather than with the
 * same-rank eigenvalue of Hⱼ. Both are 1 for identical metrics and ≈ 0 for unrelated eigenframes.
 *
 * Caveat (A.7): the statistic mixes homogeneity with anisotropy — a flat spectrum gives no variation to
 * correlate (NaN for H = I), a flatter one smaller C^H. Log scale: the spectra span many decades, so the
 * linear correlation is dominated by the top few eigenvalues. Eigenpairs whose eigenvalue is below
 * LOG_FLOOR·λ₁ of its own metric — in the vectors' metric Hᵢ or the reference one — are left out of the log
 * correlation: they are round-off zeros, not geometry. A generator that pixel-normalises z has an exact
 * null direction (radial, G(cz) = G(z)) whose computed eigenvalue is ≈ 1e-15·λ₁ and positive; its log sits
 * some 10 decades below the rest, and it turned the correlation into "is this the null rank?" (capping log
 * C^H in Z at ~0.3–0.57 whatever the geometry). We drop eigenpairs by this relative floor — the one the
 * spectrum's α spread already uses — rather than projecting onto the sphere's tangent space, because the
 * floor needs no knowledge of how the model treats z and also drops any other exact null direction.
 * Entries ≤ 0 are dropped as before (the authors mask them the same way); the linear scale keeps all pairs
 * (a round-off zero does not move a linear correlation).
 */
import { metricEigen, metricMatrix, type MetricInput } from './spectrum';
import { quadraticForm } from '../linalg/dense';

/** Λᵢⱼ: (Λ)ₖ = uₖᵀ H uₖ for the rows uₖ of `vectors` (k×n) and a dense n×n H. */
export function actionOnVectors(vectors: Float64Array, k: number, h: Float64Array, n: number): Float64Array {
  const out = new Float64Array(k);
  for (let r = 0; r < k; r++) out[r] = quadraticForm(h, vectors.subarray(r * n, (r + 1) * n), n);
  return out;
}

/** Pearson correlation; NaN when either side has no variance (A.7: H = I). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`pearson: lengths differ (${n} vs ${y.length})`);
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  // A constant vector has variance that is pure round-off: treat tiny relative spread as none.
  const flat = (s: number, m: number) => !(s > 1e-24 * n * Math.max(m * m, Number.MIN_VALUE));
  if (flat(sxx, mx) || flat(syy, my)) return NaN;
  return Math.min(1, Math.max(-1, sxy / Math.sqrt(sxx * syy)));
}

/** Relative eigenvalue floor of the log-scale statistic (see the module comment); as spectrum's α spread. */
export const LOG_FLOOR = 1e-10;

/**
 * Pearson correlation of log x and log y over the pairs where both are > 0 and `keep` (if given) is true;
 * `used` counts those pairs.
 */
export function logPearson(x: ArrayLike<number>, y: ArrayLike<number>, keep?: (i: number) => boolean): { r: number; used: number } {
  const lx: number[] = [], ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && (keep?.(i) ?? true)) { lx.push(Math.log(x[i])); ly.push(Math.log(y[i])); }
  }
  return { r: lx.length >= 2 ? pearson(lx, ly) : NaN, used: lx.length };
}

export interface CorrelationSummary {
  /** Over the finite off-diagonal entries (i ≠ j, both orders: C^H is not symmetric). */
  mean: number;
  /** Population standard deviation (ddof 0, numpy's default, as in Tab. 4). */
  sd: number;
  median: number;
  /** Off-diagonal entries that were finite (NaN ones are skipped, like the authors' nanmean). */
  count: number;
}

export interface Homogeneity {
  /** Number of positions P. */
  positions: number;
  n: number;
  pairing: 'target' | 'source';
  /** P×P row-major, entry (i, j) = C^H_ij (linear scale). Diagonal = 1 (or NaN for a flat spectrum). */
  linear: Float64Array;
  /** P×P, C^Hlog_ij. */
  log: Float64Array;
  summary: { linear: CorrelationSummary; log: CorrelationSummary };
  /** Total (i, j, k) entries left out of the log correlations: a value ≤ 0, or an eigenvalue below LOG_FLOOR·λ₁. */
  logDropped: number;
}

export function summarise(c: Float64Array, p: number): CorrelationSummary {
  const v: number[] = [];
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) if (i !== j && Number.isFinite(c[i * p + j])) v.push(c[i * p + j]);
  if (v.length === 0) return { mean: NaN, sd: NaN, median: NaN, count: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  v.sort((a, b) => a - b);
  const h = v.length >> 1;
  const median = v.length % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
  return { mean, sd, median, count: v.length };
}

/**
 * C^H and C^Hlog between every ordered pair of the P metrics (P ≥ 2), with summaries over i ≠ j.
 * Cost: one eigen-decomposition per metric given densely, then P² products of n×n by n vectors (P²n³).
 */
export function metricHomogeneity(metrics: MetricInput[], opts: { pairing?: 'target' | 'source' } = {}): Homogeneity {
  const p = metrics.length;
  if (p < 2) throw new Error(`metricHomogeneity: need at least 2 metrics, got ${p}`);
  const pairing = opts.pairing ?? 'target';
  const eig = metrics.map(metricEigen);
  const n = eig[0].n;
  if (eig.some((e) => e.n !== n)) throw new Error('metricHomogeneity: metrics have different sizes');
  const dense = metrics.map(metricMatrix);
  const linear = new Float64Array(p * p);
  const log = new Float64Array(p * p);
  let logDropped = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      // Λᵢⱼ for i = j is Uᵢ's own eigenvalues (up to round-off), so compute it like the others: the
      // diagonal then shows the statistic's self-consistency (1) rather than being set by fiat.
      const lij = actionOnVectors(eig[i].vectors, n, dense[j], n);
      const ref = pairing === 'target' ? eig[j].values : eig[i].values;
      linear[i * p + j] = pearson(lij, ref);
      const own = eig[i].values, other = eig[j].values;
      const l = logPearson(lij, ref, (k) => own[k] > LOG_FLOOR * own[0] && other[k] > LOG_FLOOR * other[0]);
      log[i * p + j] = l.r;
      logDropped += n - l.used;
    }
  }
  return { positions: p, n, pairing, linear, log, summary: { linear: summarise(linear, p), log: summarise(log, p) }, logDropped };
}

/** The finite off-diagonal entries (i ≠ j, row-major) of a P×P statistic such as Homogeneity.log. */
export function offDiagonal(c: Float64Array, p: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) if (i !== j && Number.isFinite(c[i * p + j])) out.push(c[i * p + j]);
  return out;
}
