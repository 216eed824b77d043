/**
 * The implicit likelihood of generated images (Ramesh & LeCun 2018, "Backpropagation for implicit spectral
 * densities", paper 002). A generator G pushes the latent density p(z) onto the image manifold; for an
 * injective G the density of the image x = G(z) there is
 *   ln Q(x) = ln p(z) − ½ ln det M(z),   M = JᵀJ.
 *
 * Conventions, stated once:
 * - M is the metric of the `mse` distance (src/distance/mse.ts): J is the Jacobian of φ∘G with
 *   φ(x) = x/((hi − lo)·√m), so M is exactly what `computeMetric(…, {distance: 'mse'})` and `atlas metric`
 *   return. In raw pixel units M would be c²·M with c = (hi − lo)·√m, which shifts every ln Q by the same
 *   −n·ln c: differences, gradients and ascents are unchanged, absolute values are in φ-units.
 * - The ε floor is explicit, in one of two forms (`LogdetFloor`):
 *   'clamp' (default, the paper's reading): ln det M := Σᵢ ln max(λᵢ, ε). The paper's estimator takes ε as
 *     the bottom of the spectrum ("a small, predetermined constant" µ); flooring the exact value the same way
 *     makes the two comparable. But on a generator most eigenvalues lie far below any useful ε, outside the
 *     Chebyshev interval, where the polynomial is not ln max(λ, ε): the estimator's error does not fall with
 *     the degree (docs/likelihood.md).
 *   'shift': ln det M := ln det(M + εI) = Σᵢ ln(λᵢ + ε). Now ε is a true lower bound of the operator's
 *     spectrum, Algorithm 1 runs on M + εI and converges as its degree and probes grow. The two differ by
 *     at most ln 2 per eigenvalue (none where λ ≫ ε or λ ≪ ε).
 *   ε is the user's choice.
 * - The latent space is Z (with its prior's density). W has no known density, so no likelihood there.
 *
 * Three ways to the log-determinant:
 * - exact: from the eigenvalues of the exact metric (forward-mode Jacobian, float64 eigh);
 * - estimate: the paper's Algorithm 1 (src/linalg/chebyshev.ts, with its printed n·ln(a + b) = 0 shift
 *   corrected to n·ln(µ + ν)) on products v ↦ Jᵀ(Jv) — never forming M — all probes batched per degree;
 * - gradient (likelihood ascent), two ways:
 *   exact (default): ∇ ln det M = Σᵢ f′(λᵢ) ∇λᵢ with ∇λᵢ = ∇_z ‖J(z) vᵢ‖² at fixed eigenvectors (tr(f′(M) ∂M)
 *     in M's eigenbasis; f′ = 1/λ above ε and 0 below for 'clamp', 1/(λ + ε) for 'shift'), one reverse pass
 *     through the forward-mode Jacobian. For our n ≤ 64 it is cheap and has no probe noise.
 *   estimator (the paper's way: it backpropagates through Algorithm 1): tr(p_m′(M̄) ∂M) by Hutchinson with
 *     the estimate's own probes, ∇ ≈ (1/p) Σⱼ ∇_z ⟨J uⱼ, J vⱼ⟩ with uⱼ = p_m′(M̄)vⱼ/(µ+ν)
 *     (src/linalg/chebyshev.ts, logDetGradientProbes); an ascent with it records its cosine to the exact one.
 *   Both are the slope within the current activation pattern: J of a leaky-ReLU generator is piecewise smooth,
 *   so ln Q jumps (slightly, densely) where a unit crosses its kink, and central differences agree with the
 *   gradient only at steps far below 1e-2 (tests/model/float64Reference.test.ts checks it in float64).
 * The likelihood ascent (§4) is in likelihoodAscent.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance } from '../distance';
import { applyRows, hvp, rowsPerProduct, type Linearisation } from '../geometry/hvp';
import { withLinearisation } from '../geometry/measure';
import { computeMetric } from '../geometry/metric';
import { logDetChebyshevBlock, logDetGradientProbes } from '../linalg/chebyshev';
import type { Generator } from '../model/generator';
import type { ModelManifest } from '../model/manifest';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import { Rng } from '../util/random';
import type { LogdetFloor } from '../state/vocabulary';

// How ε enters ln det M (see the module comment): Σ ln max(λ, ε), or ln det(M + εI) = Σ ln(λ + ε).
export { LOGDET_FLOORS, type LogdetFloor } from '../state/vocabulary';

/** Algorithm 1's settings: degree m, probes p, power iterations t, margin g on λ̂max, floor ε and its form. */
export interface EstimatorSettings {
  degree: number;
  probes: number;
  power: number;
  margin: number;
  eps: number;
  seed: number;
  /** Default 'clamp' (the paper's). */
  floor?: LogdetFloor;
}

/** The paper's defaults (m, p, t, g) = (10, 20, 20, 1.2) for estimating; ε is ours to choose. */
export const DEFAULT_ESTIMATOR: EstimatorSettings = { degree: 10, probes: 20, power: 20, margin: 1.2, eps: 1e-4, seed: 1, floor: 'clamp' };
/** The paper's settings for the ascent of its Fig. 4 (a): (5, 20, 20, 1.1, 1e-4). */
export const ASCENT_ESTIMATOR: EstimatorSettings = { degree: 5, probes: 20, power: 20, margin: 1.1, eps: 1e-4, seed: 1, floor: 'clamp' };

/** ln p(z) of the manifest's prior. A sphere prior has no density on Rⁿ, so no likelihood. */
export function logPrior(prior: ModelManifest['latent']['prior'], z: ArrayLike<number>): number {
  const n = z.length;
  if (prior === 'normal') {
    let sq = 0;
    for (let i = 0; i < n; i++) sq += z[i] * z[i];
    return -0.5 * sq - 0.5 * n * Math.log(2 * Math.PI);
  }
  if (prior === 'uniform') {
    for (let i = 0; i < n; i++) if (Math.abs(z[i]) > 1) return -Infinity;
    return -n * Math.log(2);
  }
  throw new Error(`The likelihood needs a density of z on Rⁿ; a '${prior}' prior has none (its latents live on a sphere).`);
}

/** ∇ ln p(z) (zero for the uniform prior inside its cube). */
function logPriorGradient(prior: ModelManifest['latent']['prior'], z: ArrayLike<number>): Float64Array {
  return prior === 'normal' ? Float64Array.from(z, (v) => -v) : new Float64Array(z.length);
}

/** The exact, floored log-determinant: Σᵢ ln max(λᵢ, ε) ('clamp') or Σᵢ ln(λᵢ + ε) ('shift'). */
export function flooredLogdet(eigenvalues: ArrayLike<number>, eps: number, floor: LogdetFloor = 'clamp'): number {
  let s = 0;
  for (let i = 0; i < eigenvalues.length; i++) s += Math.log(floor === 'shift' ? Math.max(eigenvalues[i], 0) + eps : Math.max(eigenvalues[i], eps));
  return s;
}

/** d/dλ of one eigenvalue's term of `flooredLogdet` (0 below the clamp, where the term is constant). */
function floorDerivative(lambda: number, eps: number, floor: LogdetFloor): number {
  return floor === 'shift' ? 1 / (Math.max(lambda, 0) + eps) : lambda > eps ? 1 / lambda : 0;
}

export function checkFloor(floor: unknown): LogdetFloor {
  if (floor === undefined) return 'clamp';
  if (floor !== 'clamp' && floor !== 'shift') throw new Error(`The floor is 'clamp' (Σ ln max(λ, ε)) or 'shift' (ln det(M + εI)), got '${String(floor)}'.`);
  return floor;
}

function checkSettings(s: EstimatorSettings): void {
  const wholeIn = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
  if (!wholeIn(s.degree, 256)) throw new Error(`The Chebyshev degree must be a whole number from 1 to 256, got ${s.degree}.`);
  if (!wholeIn(s.probes, 1000)) throw new Error(`The number of probes must be a whole number from 1 to 1000, got ${s.probes}.`);
  if (!wholeIn(s.power, 1000)) throw new Error(`The power iterations must be a whole number from 1 to 1000, got ${s.power}.`);
  if (!(typeof s.margin === 'number' && s.margin >= 1 && s.margin <= 10)) throw new Error(`The margin g on λmax must be in [1, 10], got ${s.margin}.`);
  checkEps(s.eps);
  checkFloor(s.floor);
}

export function checkEps(eps: unknown): void {
  if (!(typeof eps === 'number' && eps > 0 && eps < 1)) throw new Error(`The floor ε must be a number in (0, 1), got ${String(eps)}.`);
}

function requireZSpaceLikelihood(g: Generator, z: ArrayLike<number>): void {
  if (z.length !== g.zDim) throw new Error(`z has ${z.length} values; model '${g.manifest.id}' has a ${g.zDim}-d latent.`);
  logPrior(g.manifest.latent.prior, z); // throws for a prior without a density
}

export interface LikelihoodPoint {
  n: number;
  logPrior: number;
  /** Σ ln max(λᵢ, ε) (or Σ ln(λᵢ + ε), see `floor`) of the exact metric. */
  logdetExact: number;
  /** ln p − ½ logdetExact. */
  logLikelihood: number;
  eigenvalues: Float64Array;
  eps: number;
  floor: LogdetFloor;
}

export interface LikelihoodEstimate extends LikelihoodPoint {
  /** Algorithm 1's estimate of ln det M, its probe standard error, and the settings used. */
  logdetEstimate: number;
  logdetStdError: number;
  /** ln p − ½ logdetEstimate. */
  logLikelihoodEstimate: number;
  /** The paper's relative error ln ℓ̂ − ln ℓ = −½ (logdetEstimate − logdetExact). */
  relativeError: number;
  settings: EstimatorSettings;
  /** [µ, ν] = [ε, g·λ̂max] and λ̂max from t power iterations. */
  interval: [number, number];
  lambdaMaxPower: number;
  /** n·max |p_m − ln| on the interval: the polynomial's bias bound when the spectrum lies in [µ, ν]. */
  polynomialError: number;
  matvecs: number;
  ms: number;
}

/** ln Q at z with the exact log-determinant only (one exact metric). */
export async function likelihoodExact(g: Generator, z: ArrayLike<number>, eps: number, ctx?: ComputeContext, floor: LogdetFloor = 'clamp'): Promise<LikelihoodPoint> {
  requireZSpaceLikelihood(g, z);
  checkEps(eps);
  checkFloor(floor);
  const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', signal: ctx?.signal, checkpoint: ctx?.checkpoint, check: false,
    onProgress: (p) => report(ctx, `metric: ${p.phase}`, p.done, p.total) });
  return pointOf(g, z, m.eigenvalues, eps, floor);
}

function pointOf(g: Generator, z: ArrayLike<number>, eigenvalues: Float64Array, eps: number, floor: LogdetFloor): LikelihoodPoint {
  const lp = logPrior(g.manifest.latent.prior, z);
  const logdetExact = flooredLogdet(eigenvalues, eps, floor);
  return { n: z.length, logPrior: lp, logdetExact, logLikelihood: lp - 0.5 * logdetExact, eigenvalues, eps, floor };
}

/** Algorithm 1's options for these settings: the paper's exactly-t power iterations, Rademacher probes. */
function algorithm1(settings: EstimatorSettings, ctx?: ComputeContext) {
  return {
    lambdaMin: settings.eps, degree: settings.degree, probes: settings.probes, distribution: 'rademacher' as const,
    lambdaMaxMultiplier: settings.margin, seed: settings.seed, signal: ctx?.signal,
    // Exactly t iterations, as the paper's POWERMETHOD(A, t): no early stop.
    power: { maxIter: settings.power, tol: 0 },
    onProgress: (done: number, total: number) => report(ctx, 'estimator: Chebyshev recurrence', done, total),
  };
}

/** Products with the operator the estimator runs on: M, or M + εI for the 'shift' floor. */
function metricRows(lin: Linearisation, n: number, settings: EstimatorSettings) {
  const shift = checkFloor(settings.floor) === 'shift' ? settings.eps : 0;
  return async (rows: Float64Array) => {
    const y = await applyRows((v) => hvp(lin, v), rows, n, rowsPerProduct(lin));
    if (shift) for (let i = 0; i < y.length; i++) y[i] += shift * rows[i];
    return y;
  };
}

/** Algorithm 1's estimate of ln det M(z) alone (no exact metric): what the study compares across settings. */
export async function estimateLogdet(g: Generator, z: ArrayLike<number>, settings: EstimatorSettings, ctx?: ComputeContext) {
  checkSettings(settings);
  const n = z.length;
  return withLinearisation(g, z, 'z', 'mse', (lin) => logDetChebyshevBlock(metricRows(lin, n, settings), n, algorithm1(settings, ctx)));
}

/** ln Q at z, exact and by Algorithm 1 side by side. */
export async function likelihoodAt(g: Generator, z: ArrayLike<number>, settings: EstimatorSettings = DEFAULT_ESTIMATOR, ctx?: ComputeContext): Promise<LikelihoodEstimate> {
  checkSettings(settings);
  const t0 = performance.now();
  const exact = await likelihoodExact(g, z, settings.eps, ctx, settings.floor ?? 'clamp');
  const est = await estimateLogdet(g, z, settings, ctx);
  const logLikelihoodEstimate = exact.logPrior - 0.5 * est.estimate;
  return {
    ...exact, logdetEstimate: est.estimate, logdetStdError: est.stdError, logLikelihoodEstimate,
    relativeError: logLikelihoodEstimate - exact.logLikelihood, settings, interval: est.interval,
    lambdaMaxPower: est.lambdaMax, polynomialError: est.polynomialError, matvecs: est.matvecs, ms: performance.now() - t0,
  };
}

/** How the ascent gets ∇ ln det M: exactly from the eigen-decomposition, or by differentiating Algorithm 1. */
export type GradientMethod = 'exact' | 'estimator';

export interface GradientOptions {
  eps: number;
  floor?: LogdetFloor;
  /** Default 'exact'. */
  method?: GradientMethod;
  /** Algorithm 1's settings for method 'estimator' (its ε and floor are this object's). Default ASCENT_ESTIMATOR. */
  estimator?: EstimatorSettings;
}

export interface LikelihoodGradient extends LikelihoodPoint {
  /** ∇_z ln Q by `method` (ln p's gradient is exact in both). */
  gradient: Float64Array;
  method: GradientMethod;
  /** The exact gradient, always (the estimator's is compared with it). */
  exactGradient: Float64Array;
  eigenvectors: Float64Array;
}

/**
 * ∇_z Σⱼ wⱼ ⟨J(z)uⱼ, J(z)vⱼ⟩ at fixed uⱼ, vⱼ (k×n rows; v = u when omitted), J the Jacobian of φ∘G under
 * the mse distance: reverse passes through the forward-mode push of the 2k (or k) tangents, in chunks. This is
 * the one derivative both gradients need: Σ f′(λᵢ)‖J vᵢ‖² (exact) and (1/p) Σ ⟨J uⱼ, J vⱼ⟩ (estimator).
 */
async function metricFormGradient(g: Generator, z: ArrayLike<number>, k: number, weights: Float32Array, u: Float32Array, v?: Float32Array): Promise<Float64Array> {
  const push = g.pushForward?.bind(g);
  if (!push) throw new Error(`Model '${g.manifest.id}' cannot push tangents forward, which the likelihood gradient needs.`);
  const n = z.length;
  const z0 = tf.tensor2d(Float32Array.from(z), [1, n]);
  const image0 = tf.tidy(() => g.generate(z0, 'z'));
  const dist = anchorDistance('mse', g, image0);
  const pushFeatures = dist.pushForward!.bind(dist);
  // The form is a sum over pairs, so its gradient is the sum of its chunks' gradients: chunks keep the tangents
  // under the products' feature budget (200 tangents at once, Algorithm 1's 100 probe pairs, exhausted the wasm heap
  // on the 64-px faces model).
  const perChunk = Math.max(1, Math.floor(rowsPerProduct(dist) / (v ? 2 : 1)));
  const total = new Float64Array(n);
  try {
    for (let s = 0; s < k; s += perChunk) {
      const c = Math.min(perChunk, k - s);
      const uc = u.subarray(s * n, (s + c) * n), vc = v?.subarray(s * n, (s + c) * n);
      const grad = tf.tidy(() => {
        const w = tf.tensor1d(weights.subarray(s, s + c));
        const tangents = tf.tensor2d(vc ? Float32Array.from([...uc, ...vc]) : Float32Array.from(uc), [vc ? 2 * c : c, n]);
        const form = (zt: tf.Tensor) => {
          const ju = pushFeatures(push(zt, tangents, 'z').image).tangent.reshape([vc ? 2 * c : c, -1]);
          const products = vc ? tf.sum(tf.mul(ju.slice([0, 0], [c, -1]), ju.slice([c, 0], [c, -1])), 1) : tf.sum(tf.square(ju), 1);
          // (+ 0·Σz keeps z on the tape when J does not depend on it, a linear generator: the gradient is then 0.)
          return tf.add(tf.sum(tf.mul(products, w)), tf.mul(tf.sum(zt), 0));
        };
        return tf.grad(form)(z0);
      });
      const part = await grad.data();
      grad.dispose();
      for (let i = 0; i < n; i++) total[i] += part[i];
    }
    return total;
  } finally {
    dist.dispose();
    tf.dispose([z0, image0]);
  }
}

/**
 * ∇_z ln Q and the point's values. Both methods need forward mode (Generator.pushForward): the gradient
 * runs backwards through the forward-mode pass. The exact metric is computed either way (its values are
 * the ascent's record, and its gradient the estimator's yardstick).
 */
export async function likelihoodGradient(g: Generator, z: ArrayLike<number>, opts: GradientOptions, ctx?: ComputeContext): Promise<LikelihoodGradient> {
  requireZSpaceLikelihood(g, z);
  const floor = checkFloor(opts.floor);
  const method = opts.method ?? 'exact';
  if (method !== 'exact' && method !== 'estimator') throw new Error(`The gradient method is 'exact' or 'estimator', got '${String(method)}'.`);
  if (!g.pushForward) throw new Error(`Model '${g.manifest.id}' cannot push tangents forward, which the likelihood gradient needs.`);
  const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', signal: ctx?.signal, checkpoint: ctx?.checkpoint, check: false });
  await checkpoint(ctx);
  const n = z.length;
  const point = pointOf(g, z, m.eigenvalues, opts.eps, floor);
  const dPrior = logPriorGradient(g.manifest.latent.prior, z);
  const withPrior = (dLogdet: Float64Array) => dPrior.map((d, i) => d - 0.5 * dLogdet[i]);
  const weights = Float32Array.from(m.eigenvalues, (l) => floorDerivative(l, opts.eps, floor));
  const exactGradient = withPrior(await metricFormGradient(g, z, n, weights, Float32Array.from(m.eigenvectors)));
  let gradient = exactGradient;
  if (method === 'estimator') {
    const settings = { ...(opts.estimator ?? ASCENT_ESTIMATOR), eps: opts.eps, floor };
    checkSettings(settings);
    await checkpoint(ctx);
    const pairs = await withLinearisation(g, z, 'z', 'mse', (lin) => logDetGradientProbes(metricRows(lin, n, settings), n, algorithm1(settings, ctx)));
    // ∂(M + εI) = ∂M: the shift changes the probes' polynomial, not the form that is differentiated.
    gradient = withPrior(await metricFormGradient(g, z, pairs.p, new Float32Array(pairs.p).fill(1 / pairs.p),
      Float32Array.from(pairs.applied), Float32Array.from(pairs.probes)));
  }
  return { ...point, gradient, method, exactGradient, eigenvectors: m.eigenvectors };
}

export interface LikelihoodMap {
  /** Offsets along each axis (latent units), the same for both. */
  offsets: number[];
  /** ln Q (exact, floored at ε) at z + a·u + b·v: rows over b (v), columns over a (u); NaN where not computed yet. */
  logLikelihood: number[][];
  /** The two unit directions u, v through z. */
  axes: [number[], number[]];
  axesKind: 'eigen' | 'random';
}

/**
 * ln Q over a 2-D slice of Z through z (the paper's Fig. 3 contour plots, on a slice instead of its 2-d latent
 * grids): along the top two eigenvectors of M(z), or two random orthonormal directions; `grid` × `grid`
 * points within ±extent. Row by row, reporting each finished row through `onRow` (progressive display).
 */
export async function likelihoodMap(g: Generator, z: ArrayLike<number>, opts: { axes: 'eigen' | 'random'; extent: number; grid: number; eps: number; floor?: LogdetFloor; seed?: number },
  ctx?: ComputeContext & { onRow?: (partial: LikelihoodMap, rowsDone: number) => void }): Promise<LikelihoodMap> {
  requireZSpaceLikelihood(g, z);
  if (!(Number.isInteger(opts.grid) && opts.grid >= 2 && opts.grid <= 41)) throw new Error(`The map takes 2 to 41 points a side, got ${opts.grid}.`);
  if (!(opts.extent > 0 && opts.extent <= 100)) throw new Error(`The map's extent must be in (0, 100], got ${opts.extent}.`);
  checkEps(opts.eps);
  const floor = checkFloor(opts.floor);
  const n = z.length;
  let u: Float64Array, v: Float64Array;
  if (opts.axes === 'eigen') {
    const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', k: 2, signal: ctx?.signal, checkpoint: ctx?.checkpoint, check: false });
    u = m.eigenvectors.slice(0, n);
    v = m.eigenvectors.slice(n, 2 * n);
  } else {
    const rng = new Rng(opts.seed ?? 0);
    u = Float64Array.from({ length: n }, () => rng.normal());
    const nu = Math.hypot(...u);
    u = u.map((x) => x / nu);
    v = Float64Array.from({ length: n }, () => rng.normal());
    let d = 0;
    for (let i = 0; i < n; i++) d += u[i] * v[i];
    v = v.map((x, i) => x - d * u[i]);
    const nv = Math.hypot(...v);
    v = v.map((x) => x / nv);
  }
  const offsets = Array.from({ length: opts.grid }, (_, i) => -opts.extent + (2 * opts.extent * i) / (opts.grid - 1));
  const values = offsets.map(() => offsets.map(() => NaN));
  const map: LikelihoodMap = { offsets, logLikelihood: values, axes: [Array.from(u), Array.from(v)], axesKind: opts.axes };
  for (let r = 0; r < opts.grid; r++) {
    for (let c = 0; c < opts.grid; c++) {
      await checkpoint(ctx);
      const p = Float64Array.from(z, (x, i) => x + offsets[c] * u[i] + offsets[r] * v[i]);
      values[r][c] = (await likelihoodExact(g, p, opts.eps, ctx, floor)).logLikelihood;
    }
    report(ctx, 'likelihood map', r + 1, opts.grid);
    ctx?.onRow?.(map, r + 1);
  }
  return map;
}
