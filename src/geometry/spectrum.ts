/**
 * Statistics of a metric's spectrum (Wang & Ponce, "The geometry of deep generative image models and
 * its applications", ICLR 2021): anisotropy (Tab. 2), the "illusion of isotropy" α(v) (Eq. 9–15,
 * appendix A.6), and a histogram helper for Fig. 2D / Fig. 6.
 *
 * Metrics arrive as plain numbers (`MetricInput`): a dense n×n row-major Float64Array, or its
 * eigen-decomposition with eigenvectors as rows (the layout of linalg/eigh). The other geometry files
 * (homogeneity, averageMetric) normalise their inputs through `metricEigen` / `metricMatrix` here.
 */
import { quadraticForm } from '../linalg/dense';
import { eigh } from '../linalg/eigh';
import { Rng } from '../util/random';

/** Eigenvalues, optionally with unit eigenvectors as rows (row k belongs to eigenvalues[k]). */
export interface Spectrum {
  eigenvalues: ArrayLike<number>;
  eigenvectors?: Float64Array;
}
/** A metric H: dense n×n row-major, or its spectrum. */
export type MetricInput = Float64Array | Spectrum;

/** Side n of a metric. */
export function metricSize(h: MetricInput): number {
  if (h instanceof Float64Array) {
    const n = Math.round(Math.sqrt(h.length));
    if (n * n !== h.length || n === 0) throw new Error(`metric: ${h.length} entries is not a non-empty square matrix`);
    return n;
  }
  return h.eigenvalues.length;
}

/**
 * Eigen-decomposition in DESCENDING order (the order every statistic here pairs by). A given spectrum
 * is re-sorted with its vectors, so a caller holding numpy-style ascending output needs no care.
 */
export function metricEigen(h: MetricInput): { values: Float64Array; vectors: Float64Array; n: number } {
  const n = metricSize(h);
  if (h instanceof Float64Array) {
    const e = eigh(h, n);
    return { values: e.values, vectors: e.vectors, n };
  }
  if (!h.eigenvectors) throw new Error('metric: eigenvectors are needed here, only eigenvalues were given');
  if (h.eigenvectors.length !== n * n) throw new Error(`metric: expected ${n}×${n} eigenvectors, got ${h.eigenvectors.length} entries`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => h.eigenvalues[b] - h.eigenvalues[a]);
  const values = Float64Array.from(order, (i) => h.eigenvalues[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => vectors.set(h.eigenvectors!.subarray(src * n, (src + 1) * n), k * n));
  return { values, vectors, n };
}

/** Dense H (a copy), rebuilt as Σ λ_k u_k u_kᵀ when a spectrum is given. */
export function metricMatrix(h: MetricInput): Float64Array {
  if (h instanceof Float64Array) return Float64Array.from(h);
  const { values, vectors, n } = metricEigen(h);
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const u = vectors.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < n; i++) {
      const s = values[k] * u[i];
      if (s === 0) continue;
      for (let j = 0; j < n; j++) a[i * n + j] += s * u[j];
    }
  }
  return a;
}

/** Eigenvalues (descending) of a metric without needing vectors. */
export function metricEigenvalues(h: MetricInput): Float64Array {
  if (h instanceof Float64Array) return eigh(h, metricSize(h)).values;
  return Float64Array.from(h.eigenvalues).sort().reverse();
}

// ── Anisotropy (Tab. 2) ───────────────────────────────────────────────────────────────────────────

/** The fractions of Tab. 2 (columns dim.99 … dim.99999). */
export const ANISOTROPY_FRACTIONS = [0.99, 0.999, 0.9999, 0.99999] as const;

/**
 * Smallest k such that the top-k eigenvalues hold `fraction` of their sum (A.4: "the number of eigenvalues
 * needed such that their sum will account for a [fraction] of the total"). H = JᵀJ is PSD, so negative
 * eigenvalues are round-off: they are clamped to 0 (neither counted in the total nor able to lower the
 * running sum). A relative slack of 1e-12 on the comparison keeps exact cases exact (e.g. n equal
 * eigenvalues and fraction (n−1)/n, whose products round the wrong way in binary).
 */
export function dimsForFraction(eigenvalues: ArrayLike<number>, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`dimsForFraction: fraction must be in (0, 1], got ${fraction}`);
  const lam = Float64Array.from(eigenvalues, (l) => Math.max(0, l)).sort().reverse();
  let total = 0;
  for (const l of lam) total += l;
  if (!(total > 0)) return 0;
  const target = fraction * total * (1 - 1e-12);
  let acc = 0;
  for (let k = 0; k < lam.length; k++) {
    acc += lam[k];
    if (acc >= target) return k + 1;
  }
  return lam.length;
}

/** dims for each fraction (default: Tab. 2's four columns). */
export function anisotropyDims(eigenvalues: ArrayLike<number>, fractions: readonly number[] = ANISOTROPY_FRACTIONS): { fraction: number; dims: number }[] {
  return fractions.map((fraction) => ({ fraction, dims: dimsForFraction(eigenvalues, fraction) }));
}

// ── The illusion of isotropy: α(v) = vᵀHv / vᵀv (Eq. 9) ──────────────────────────────────────────

/**
 * The law of α(v) for v ~ N(0, I) (appendix A.6). With w = Uᵀv ~ N(0, I), α = Σ cᵢλᵢ where
 * cᵢ = wᵢ²/Σwⱼ² ~ Dirichlet(½, …, ½) (Eq. 10–12). Dirichlet moments with α₀ = n/2:
 *   E[cᵢ] = 1/n,  Var[cᵢ] = 2(n−1)/(n²(n+2)),  Cov[cᵢ, cⱼ] = −2/(n²(n+2)),
 * hence (Eq. 13–14)
 *   E[α]   = Σλᵢ / n,
 *   Var[α] = 2Σλᵢ²/(n(n+2)) − 2(Σλᵢ)²/(n²(n+2)) = 2/(n+2) · (Σλᵢ²/n − (Σλᵢ/n)²) = 2/(n+2) · Var[λ],
 * with Var[λ] the POPULATION variance (1/n) of the eigenvalues (Eq. 15). We re-derived this and it agrees
 * with the paper; the main text's "2/(n+2) times smaller" means Var[α] = 2/(n+2)·Var[λ].
 */
export interface AlphaLaw {
  n: number;
  mean: number;
  variance: number;
  /** Population variance of the eigenvalues (Eq. 15). */
  eigenvalueVariance: number;
}

export function alphaLaw(eigenvalues: ArrayLike<number>): AlphaLaw {
  const n = eigenvalues.length;
  if (n === 0) throw new Error('alphaLaw: empty spectrum');
  let s1 = 0;
  for (let i = 0; i < n; i++) s1 += eigenvalues[i];
  const mean = s1 / n;
  // Σλ²/n − mean² cancels badly for a spectrum dominated by one huge value; the two-pass form doesn't.
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (eigenvalues[i] - mean) ** 2;
  const eigenvalueVariance = ss / n;
  return { n, mean, variance: (2 / (n + 2)) * eigenvalueVariance, eigenvalueVariance };
}

/**
 * `count` samples of α(v) for Gaussian v (seeded). Given a dense H this evaluates vᵀHv/vᵀv literally
 * (O(n²) per sample) — the honest experiment; given a spectrum it uses Eq. 10, α = Σλᵢwᵢ²/Σwᵢ² with
 * w ~ N(0, I), which has exactly the same distribution at O(n) per sample.
 */
export function alphaSamples(h: MetricInput, count: number, seed = 0): Float64Array {
  const rng = new Rng(seed);
  const n = metricSize(h);
  const out = new Float64Array(count);
  const v = new Float64Array(n);
  if (h instanceof Float64Array) {
    for (let s = 0; s < count; s++) {
      let vv = 0;
      for (let i = 0; i < n; i++) { v[i] = rng.normal(); vv += v[i] * v[i]; }
      out[s] = quadraticForm(h, v, n) / vv;
    }
  } else {
    const lam = h.eigenvalues;
    for (let s = 0; s < count; s++) {
      let num = 0, den = 0;
      for (let i = 0; i < n; i++) { const w2 = rng.normal() ** 2; num += lam[i] * w2; den += w2; }
      out[s] = num / den;
    }
  }
  return out;
}

export interface AlphaStatistics {
  samples: Float64Array;
  sampleMean: number;
  /** Unbiased (N−1) sample variance. */
  sampleVariance: number;
  /** Standard error of the sample mean, √(s²/N). */
  meanStdError: number;
  /** Large-sample standard error of the sample variance, √((m₄ − s⁴)/N) with m₄ the 4th central moment. */
  varianceStdError: number;
  /** The analytic law from the eigenvalues (Eq. 13–15). */
  law: AlphaLaw;
}

/**
 * α(v) samples with their moments and the analytic law, so a caller can show both (and their agreement).
 * The samples come from `h` itself (see alphaSamples); to test the law against the network rather than
 * against the random numbers, measure them by JVPs (measure.ts measuredAlpha) and use alphaStatisticsOf.
 */
export function alphaStatistics(h: MetricInput, opts: { count?: number; seed?: number } = {}): AlphaStatistics {
  const count = opts.count ?? 10_000;
  if (!(count >= 2)) throw new Error(`alphaStatistics: need at least 2 samples, got ${count}`);
  return alphaStatisticsOf(alphaSamples(h, count, opts.seed ?? 0), metricEigenvalues(h));
}

/** Moments of given α samples (e.g. measured through the network) beside the law of `eigenvalues`. */
export function alphaStatisticsOf(samples: Float64Array, eigenvalues: ArrayLike<number>): AlphaStatistics {
  const count = samples.length;
  if (!(count >= 2)) throw new Error(`alphaStatistics: need at least 2 samples, got ${count}`);
  let mean = 0;
  for (const a of samples) mean += a;
  mean /= count;
  let m2 = 0, m4 = 0;
  for (const a of samples) { const d = (a - mean) ** 2; m2 += d; m4 += d * d; }
  const sampleVariance = m2 / (count - 1);
  const pop2 = m2 / count;
  m4 /= count;
  return {
    samples,
    sampleMean: mean,
    sampleVariance,
    meanStdError: Math.sqrt(sampleVariance / count),
    varianceStdError: Math.sqrt(Math.max(0, m4 - pop2 * pop2) / count),
    law: alphaLaw(eigenvalues),
  };
}

/** What the explorer shows of a spectrum: the eigenvalues, anisotropy (Tab. 2) and α(v) beside its law. */
export interface SpectrumSummary {
  /** All n eigenvalues, descending. */
  eigenvalues: number[];
  anisotropy: { fraction: number; dims: number }[];
  alpha: { samples: number[]; sampleMean: number; sampleStd: number; analyticMean: number; analyticStd: number };
}

/** The summary of descending `eigenvalues` with α samples measured elsewhere (measure.ts measuredAlpha). */
export function spectrumSummary(eigenvalues: Float64Array, alpha: Float64Array): SpectrumSummary {
  const stats = alphaStatisticsOf(alpha, eigenvalues);
  return {
    eigenvalues: Array.from(eigenvalues),
    anisotropy: anisotropyDims(eigenvalues),
    alpha: {
      samples: Array.from(stats.samples),
      sampleMean: stats.sampleMean,
      sampleStd: Math.sqrt(stats.sampleVariance),
      analyticMean: stats.law.mean,
      analyticStd: Math.sqrt(stats.law.variance),
    },
  };
}

// ── Histogram (Fig. 2D, Fig. 6: eigenvalues vs α of random directions, on a log axis) ─────────────

export interface Histogram {
  /** bins + 1 edges in value units (geometric spacing when `log`). */
  edges: Float64Array;
  counts: Uint32Array;
  log: boolean;
  /** Values below the first / above the last edge (only with an explicit range). */
  below: number;
  above: number;
  /** Non-finite values, and values ≤ 0 on a log axis: not binned. */
  dropped: number;
}

/**
 * Equal-width bins over `range` (default: the data's min…max), in log10 space when `log` — the spectra
 * span 5–10 decades, so only a log axis shows both the eigenvalues and the tight α cloud. Pass the same
 * range for two histograms to compare them bin by bin. The last bin includes its right edge.
 */
export function histogram(values: ArrayLike<number>, opts: { bins?: number; range?: [number, number]; log?: boolean } = {}): Histogram {
  const bins = opts.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a positive integer, got ${bins}`);
  const log = opts.log ?? false;
  const t = (x: number) => (log ? Math.log10(x) : x);
  const usable: number[] = [];
  let dropped = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x) || (log && x <= 0)) dropped++;
    else usable.push(t(x));
  }
  let lo: number, hi: number;
  if (opts.range) [lo, hi] = [t(opts.range[0]), t(opts.range[1])];
  else {
    lo = Infinity; hi = -Infinity;
    for (const x of usable) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    if (usable.length === 0) { lo = 0; hi = 1; }
  }
  if (!(hi >= lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`histogram: bad range [${opts.range}]`);
  if (hi === lo) { lo -= 0.5; hi += 0.5; } // all values equal: one centred unit-wide window
  const width = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => {
    const e = i === bins ? hi : lo + i * width;
    return log ? 10 ** e : e;
  });
  const counts = new Uint32Array(bins);
  let below = 0, above = 0;
  for (const x of usable) {
    if (x < lo) below++;
    else if (x > hi) above++;
    else counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  }
  return { edges, counts, log, below, above, dropped };
}
