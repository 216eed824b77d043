/**
 * CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016: the (µ/µ_w, λ) strategy with rank-one and
 * rank-µ covariance updates and cumulative step-size adaptation, every constant at the tutorial's default),
 * maximising a batch objective, and the Hessian variant of Wang & Ponce (paper 000 §6): the search runs in
 * the top-k eigen-coordinates of the averaged metric, with steps along eigenvector i scaled by λᵢ^(−1/2.5)
 * ("smaller steps along dimensions that change the image faster").
 *
 * The covariance is kept as C = B D² Bᵀ from a float64 eigen-decomposition each generation (N ≤ a few
 * hundred here, so that costs nothing next to the generator); the paper cites Cholesky-CMA, a cheaper
 * factorisation of the same distribution update — the sampled distribution and its adaptation are the same.
 * Population λ = 4 + ⌊3 ln N⌋ (the tutorial's default).
 */
import { eigh } from '../linalg/eigh';
import { Rng } from '../util/random';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';

/** Scores (higher is better) of `count` points, rows of `points` (count × N). */
export type BatchObjective = (points: Float64Array, count: number) => Promise<Float64Array>;

export interface CmaOptions {
  /** Start mean (length N). */
  mean: Float64Array;
  sigma: number;
  generations: number;
  /** λ; default 4 + ⌊3 ln N⌋. */
  population?: number;
  seed: number;
}

export interface CmaGeneration {
  generation: number;
  best: number;
  mean: number;
  sigma: number;
  /** ‖mean‖ of the search point (the caller maps it to a latent). */
  meanNorm: number;
}

export interface CmaResult {
  /** The best point ever evaluated, and its score. */
  best: Float64Array;
  bestScore: number;
  /** Final distribution mean. */
  mean: Float64Array;
  history: CmaGeneration[];
  evaluations: number;
}

/** The run after a generation, for callers that follow it as it goes (live plots, the latent of the mean); `mean` changes in place, copy it to keep it. */
export interface CmaState {
  mean: Float64Array;
  best: Float64Array;
  bestScore: number;
}

export async function cmaes(objective: BatchObjective, opts: CmaOptions, ctx?: ComputeContext & { onGeneration?: (h: CmaGeneration[], state: CmaState) => void | Promise<void> }): Promise<CmaResult> {
  const N = opts.mean.length;
  if (N < 1) throw new Error('CMA-ES needs at least one dimension.');
  if (!(opts.sigma > 0)) throw new Error(`CMA-ES needs a positive initial step σ, got ${opts.sigma}.`);
  if (!(Number.isInteger(opts.generations) && opts.generations >= 1 && opts.generations <= 100_000)) throw new Error(`CMA-ES runs 1 to 100000 generations, got ${opts.generations}.`);
  const lambda = opts.population ?? 4 + Math.floor(3 * Math.log(N));
  if (!(Number.isInteger(lambda) && lambda >= 2)) throw new Error(`The population must be a whole number ≥ 2, got ${lambda}.`);
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const sumW = raw.reduce((a, b) => a + b, 0);
  const w = raw.map((x) => x / sumW);
  const muEff = 1 / w.reduce((a, x) => a + x * x, 0);
  const cs = (muEff + 2) / (N + muEff + 5);
  const ds = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (N + 1)) - 1) + cs;
  const cc = (4 + muEff / N) / (N + 4 + (2 * muEff) / N);
  const c1 = 2 / ((N + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((N + 2) ** 2 + muEff));
  const chiN = Math.sqrt(N) * (1 - 1 / (4 * N) + 1 / (21 * N * N));

  const rng = new Rng(opts.seed);
  const m = Float64Array.from(opts.mean);
  let sigma = opts.sigma;
  const C = new Float64Array(N * N);
  for (let i = 0; i < N; i++) C[i * N + i] = 1;
  let B = Float64Array.from(C); // columns: eigenvectors of C
  let D = new Float64Array(N).fill(1); // √eigenvalues
  const pc = new Float64Array(N), ps = new Float64Array(N);
  let best = Float64Array.from(m), bestScore = -Infinity, evaluations = 0;
  const history: CmaGeneration[] = [];

  for (let gen = 0; gen < opts.generations; gen++) {
    await checkpoint(ctx);
    // Sample: y = B D z, x = m + σ y.
    const ys = new Float64Array(lambda * N), xs = new Float64Array(lambda * N);
    for (let k = 0; k < lambda; k++) {
      const z = Float64Array.from({ length: N }, () => rng.normal());
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += B[i * N + j] * D[j] * z[j];
        ys[k * N + i] = s;
        xs[k * N + i] = m[i] + sigma * s;
      }
    }
    const scores = await objective(xs, lambda);
    evaluations += lambda;
    if (scores.length !== lambda || Array.from(scores).some((v) => Number.isNaN(v))) throw new Error(`The objective gave ${scores.length} scores (NaN among them?) for ${lambda} points.`);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
    if (scores[order[0]] > bestScore) { bestScore = scores[order[0]]; best = xs.slice(order[0] * N, (order[0] + 1) * N); }
    // Recombination.
    const yw = new Float64Array(N);
    for (let r = 0; r < mu; r++) for (let i = 0; i < N; i++) yw[i] += w[r] * ys[order[r] * N + i];
    for (let i = 0; i < N; i++) m[i] += sigma * yw[i];
    // C^(−1/2) y_w = B D⁻¹ Bᵀ y_w.
    const bty = new Float64Array(N);
    for (let j = 0; j < N; j++) { let s = 0; for (let i = 0; i < N; i++) s += B[i * N + j] * yw[i]; bty[j] = s / D[j]; }
    const invSqrtY = new Float64Array(N);
    for (let i = 0; i < N; i++) { let s = 0; for (let j = 0; j < N; j++) s += B[i * N + j] * bty[j]; invSqrtY[i] = s; }
    const kps = Math.sqrt(cs * (2 - cs) * muEff);
    for (let i = 0; i < N; i++) ps[i] = (1 - cs) * ps[i] + kps * invSqrtY[i];
    const psNorm = Math.hypot(...ps);
    const hs = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (gen + 1))) < (1.4 + 2 / (N + 1)) * chiN ? 1 : 0;
    const kpc = hs * Math.sqrt(cc * (2 - cc) * muEff);
    for (let i = 0; i < N; i++) pc[i] = (1 - cc) * pc[i] + kpc * yw[i];
    const keep = 1 - c1 - cmu + (1 - hs) * c1 * cc * (2 - cc);
    for (let i = 0; i < N; i++) for (let j = 0; j <= i; j++) {
      let rankMu = 0;
      for (let r = 0; r < mu; r++) rankMu += w[r] * ys[order[r] * N + i] * ys[order[r] * N + j];
      const v = keep * C[i * N + j] + c1 * pc[i] * pc[j] + cmu * rankMu;
      C[i * N + j] = v;
      C[j * N + i] = v;
    }
    sigma *= Math.exp((cs / ds) * (psNorm / chiN - 1));
    const e = eigh(C, N); // rows of e.vectors are eigenvectors
    B = new Float64Array(N * N);
    D = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      D[j] = Math.sqrt(Math.max(e.values[j], 1e-300));
      for (let i = 0; i < N; i++) B[i * N + j] = e.vectors[j * N + i];
    }
    let mean = 0;
    for (const s of scores) mean += s / lambda;
    history.push({ generation: gen + 1, best: scores[order[0]], mean, sigma, meanNorm: Math.hypot(...m) });
    report(ctx, 'CMA-ES', gen + 1, opts.generations);
    await ctx?.onGeneration?.(history, { mean: m, best, bestScore });
  }
  return { best, bestScore, mean: m, history, evaluations };
}

/**
 * Wang & Ponce's Hessian CMA-ES parametrisation: latent = origin + Σᵢ sᵢ xᵢ uᵢ over the top-k eigenvectors uᵢ
 * (rows of `eigenvectors`, descending eigenvalues), sᵢ = λᵢ^(−1/2.5) normalised to unit RMS (so that σ keeps
 * its meaning as a typical step per coordinate). Returns the map from search points (count × k) to latents.
 */
export function hessianCoordinates(eigenvalues: ArrayLike<number>, eigenvectors: Float64Array, n: number, k: number, origin: ArrayLike<number>): {
  scales: Float64Array; toLatent: (points: Float64Array, count: number) => Float64Array;
} {
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new Error(`The Hessian subspace takes 1 to ${n} directions, got ${k}.`);
  const floor = Math.max(eigenvalues[0] * 1e-12, 1e-30);
  const raw = Float64Array.from({ length: k }, (_, i) => Math.max(eigenvalues[i], floor) ** (-1 / 2.5));
  const rms = Math.sqrt(raw.reduce((a, x) => a + x * x, 0) / k);
  const scales = raw.map((x) => x / rms);
  return {
    scales,
    toLatent: (points, count) => {
      const out = new Float64Array(count * n);
      for (let c = 0; c < count; c++) {
        out.set(Array.from(origin), c * n);
        for (let i = 0; i < k; i++) {
          const a = scales[i] * points[c * k + i];
          for (let j = 0; j < n; j++) out[c * n + j] += a * eigenvectors[i * n + j];
        }
      }
      return out;
    },
  };
}
