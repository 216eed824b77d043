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
 * - The ε floor is explicit: ln det M := Σᵢ ln max(λᵢ, ε). Below ε the image barely moves, and the paper's
 *   estimator treats ε as the bottom of the spectrum ("the stipulated lower bound on Sp(A)"); flooring the
 *   exact value the same way makes the two comparable. ε is the user's choice.
 * - The latent space is Z (with its prior's density). W has no known density, so no likelihood there.
 *
 * Three ways to the log-determinant:
 * - exact: from the eigenvalues of the exact metric (forward-mode Jacobian, float64 eigh);
 * - estimate: the paper's Algorithm 1 (src/linalg/chebyshev.ts, with its printed n·ln(a + b) = 0 shift
 *   corrected to n·ln(µ + ν)) on products v ↦ Jᵀ(Jv) — never forming M — all probes batched per degree;
 * - gradient (likelihood ascent): exact, ∇ ln det M = Σ_{λᵢ>ε} ∇λᵢ/λᵢ with ∇λᵢ = ∇_z ‖J(z) vᵢ‖² at fixed
 *   eigenvectors (tr(M⁻¹ ∂M) in M's eigenbasis), one reverse pass through the forward-mode Jacobian. The
 *   paper differentiates its estimator instead; for our n ≤ 64 the exact gradient is cheap and has no
 *   probe noise, so the ascent follows the true ln Q (the estimator's error is reported beside it).
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance } from '../distance';
import { applyRows, hvp } from '../geometry/hvp';
import { withLinearisation } from '../geometry/measure';
import { computeMetric } from '../geometry/metric';
import { logDetChebyshevBlock } from '../linalg/chebyshev';
import type { Generator } from '../model/generator';
import type { ModelManifest } from '../model/manifest';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import { Rng } from '../util/random';

/** Algorithm 1's settings: degree m, probes p, power iterations t, margin g on λ̂max, floor ε. */
export interface EstimatorSettings {
  degree: number;
  probes: number;
  power: number;
  margin: number;
  eps: number;
  seed: number;
}

/** The paper's defaults (m, p, t, g) = (10, 20, 20, 1.2) for estimating; ε is ours to choose. */
export const DEFAULT_ESTIMATOR: EstimatorSettings = { degree: 10, probes: 20, power: 20, margin: 1.2, eps: 1e-4, seed: 1 };
/** The paper's settings for the ascent of its Fig. 4 (a): (5, 20, 20, 1.1, 1e-4). */
export const ASCENT_ESTIMATOR: EstimatorSettings = { degree: 5, probes: 20, power: 20, margin: 1.1, eps: 1e-4, seed: 1 };

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

/** Σᵢ ln max(λᵢ, ε): the exact, floored log-determinant. */
export function flooredLogdet(eigenvalues: ArrayLike<number>, eps: number): number {
  let s = 0;
  for (let i = 0; i < eigenvalues.length; i++) s += Math.log(Math.max(eigenvalues[i], eps));
  return s;
}

function checkSettings(s: EstimatorSettings): void {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  if (!positiveInt(s.degree) || s.degree > 256) throw new Error(`The Chebyshev degree must be a whole number from 1 to 256, got ${s.degree}.`);
  if (!positiveInt(s.probes) || s.probes > 1000) throw new Error(`The number of probes must be a whole number from 1 to 1000, got ${s.probes}.`);
  if (!positiveInt(s.power) || s.power > 1000) throw new Error(`The power iterations must be a whole number from 1 to 1000, got ${s.power}.`);
  if (!(s.margin >= 1 && s.margin <= 10)) throw new Error(`The margin g on λmax must be in [1, 10], got ${s.margin}.`);
  if (!(s.eps > 0 && s.eps < 1)) throw new Error(`The floor ε must be in (0, 1), got ${s.eps}.`);
}

function requireZSpaceLikelihood(g: Generator, z: ArrayLike<number>): void {
  if (z.length !== g.zDim) throw new Error(`z has ${z.length} values; model '${g.manifest.id}' has a ${g.zDim}-d latent.`);
  logPrior(g.manifest.latent.prior, z); // throws for a prior without a density
}

export interface LikelihoodPoint {
  n: number;
  logPrior: number;
  /** Σ ln max(λᵢ, ε) of the exact metric. */
  logdetExact: number;
  /** ln p − ½ logdetExact. */
  logLikelihood: number;
  eigenvalues: Float64Array;
  eps: number;
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
export async function likelihoodExact(g: Generator, z: ArrayLike<number>, eps: number, ctx?: ComputeContext): Promise<LikelihoodPoint> {
  requireZSpaceLikelihood(g, z);
  const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', signal: ctx?.signal,
    onProgress: (p) => report(ctx, `metric: ${p.phase}`, p.done, p.total) });
  const lp = logPrior(g.manifest.latent.prior, z);
  const logdetExact = flooredLogdet(m.eigenvalues, eps);
  return { n: z.length, logPrior: lp, logdetExact, logLikelihood: lp - 0.5 * logdetExact, eigenvalues: m.eigenvalues, eps };
}

/** Algorithm 1's estimate of ln det M(z) alone (no exact metric): what the study compares across settings. */
export async function estimateLogdet(g: Generator, z: ArrayLike<number>, settings: EstimatorSettings, ctx?: ComputeContext) {
  checkSettings(settings);
  const n = z.length;
  return withLinearisation(g, z, 'z', 'mse', (lin) =>
    logDetChebyshevBlock((rows) => applyRows((v) => hvp(lin, v), rows, n), n, {
      lambdaMin: settings.eps, degree: settings.degree, probes: settings.probes, distribution: 'rademacher',
      lambdaMaxMultiplier: settings.margin, seed: settings.seed, signal: ctx?.signal,
      // Exactly t iterations, as the paper's POWERMETHOD(A, t): no early stop.
      power: { maxIter: settings.power, tol: 0 },
      onProgress: (done, total) => report(ctx, 'estimator: Chebyshev recurrence', done, total),
    }));
}

/** ln Q at z, exact and by Algorithm 1 side by side. */
export async function likelihoodAt(g: Generator, z: ArrayLike<number>, settings: EstimatorSettings = DEFAULT_ESTIMATOR, ctx?: ComputeContext): Promise<LikelihoodEstimate> {
  checkSettings(settings);
  const t0 = performance.now();
  const exact = await likelihoodExact(g, z, settings.eps, ctx);
  const est = await estimateLogdet(g, z, settings, ctx);
  const logLikelihoodEstimate = exact.logPrior - 0.5 * est.estimate;
  return {
    ...exact, logdetEstimate: est.estimate, logdetStdError: est.stdError, logLikelihoodEstimate,
    relativeError: logLikelihoodEstimate - exact.logLikelihood, settings, interval: est.interval,
    lambdaMaxPower: est.lambdaMax, polynomialError: est.polynomialError, matvecs: est.matvecs, ms: performance.now() - t0,
  };
}

/**
 * ∇_z ln Q with the exact log-determinant's gradient (see the module comment), and the point's values.
 * Needs forward mode (Generator.pushForward): the gradient runs backwards through the forward-mode pass.
 */
export async function likelihoodGradient(g: Generator, z: ArrayLike<number>, eps: number, ctx?: ComputeContext): Promise<LikelihoodPoint & { gradient: Float64Array; eigenvectors: Float64Array }> {
  requireZSpaceLikelihood(g, z);
  const push = g.pushForward?.bind(g);
  if (!push) throw new Error(`Model '${g.manifest.id}' cannot push tangents forward, which the likelihood gradient needs.`);
  const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', signal: ctx?.signal });
  await checkpoint(ctx);
  const n = z.length;
  const weights = Float32Array.from(m.eigenvalues, (l) => (l > eps ? 1 / l : 0));
  const z0 = tf.tensor2d(Float32Array.from(z), [1, n]);
  const image0 = tf.tidy(() => g.generate(z0, 'z'));
  const dist = anchorDistance('mse', g, image0);
  const pushFeatures = dist.pushForward!.bind(dist);
  try {
    const grad = tf.tidy(() => {
      const v = tf.tensor2d(Float32Array.from(m.eigenvectors), [n, n]);
      const w = tf.tensor1d(weights);
      // Σᵢ wᵢ ‖J(z) vᵢ‖² at fixed vᵢ, wᵢ: its gradient is ∇ ln det M (floored).
      // (+ 0·Σz keeps z on the tape when J does not depend on it, a linear generator: the gradient is then 0.)
      const weighted = (zt: tf.Tensor) => tf.add(tf.sum(tf.mul(tf.sum(tf.square(pushFeatures(push(zt, v, 'z').image).tangent), 1), w)), tf.mul(tf.sum(zt), 0));
      return tf.grad(weighted)(z0);
    });
    const dLogdet = Float64Array.from(await grad.data());
    grad.dispose();
    const prior = g.manifest.latent.prior;
    const dPrior = logPriorGradient(prior, z);
    const lp = logPrior(prior, z);
    const logdetExact = flooredLogdet(m.eigenvalues, eps);
    return {
      n, logPrior: lp, logdetExact, logLikelihood: lp - 0.5 * logdetExact, eigenvalues: m.eigenvalues, eps,
      eigenvectors: m.eigenvectors, gradient: dPrior.map((d, i) => d - 0.5 * dLogdet[i]),
    };
  } finally {
    dist.dispose();
    tf.dispose([z0, image0]);
  }
}

export interface AscentOptions {
  steps: number;
  /** Adam step size on z. */
  lr: number;
  eps: number;
  /** Keep z for an image every this many steps (and the last). */
  every: number;
}

export const DEFAULT_ASCENT: AscentOptions = { steps: 200, lr: 0.05, eps: 1e-4, every: 20 };

export interface AscentStep {
  step: number;
  logLikelihood: number;
  logPrior: number;
  logdet: number;
  lambdaMin: number;
  lambdaMax: number;
  /** ‖z‖, to see the walk leave the typical shell (√n for a normal prior). */
  norm: number;
}

export interface AscentResult {
  steps: AscentStep[];
  /** z at step 0, every `every` steps, and the last: [{step, z}]. */
  frames: { step: number; z: Float64Array }[];
  z: Float64Array;
  options: AscentOptions;
}

/**
 * Likelihood ascent (the paper's §4, Fig. 4): Adam on z maximising ln Q with the exact gradient. The
 * paper's finding to check: the images become aberrant while ln Q rises and M grows ill-conditioned.
 */
export async function likelihoodAscent(g: Generator, z0: ArrayLike<number>, opts: AscentOptions = DEFAULT_ASCENT, ctx?: ComputeContext & { onStep?: (trajectory: AscentStep[]) => void }): Promise<AscentResult> {
  if (!(Number.isInteger(opts.steps) && opts.steps >= 1 && opts.steps <= 5000)) throw new Error(`The ascent takes 1 to 5000 steps, got ${opts.steps}.`);
  if (!(opts.lr > 0 && opts.lr <= 1)) throw new Error(`The step size must be in (0, 1], got ${opts.lr}.`);
  if (!(Number.isInteger(opts.every) && opts.every >= 1)) throw new Error(`Frames are kept every whole number ≥ 1 of steps, got ${opts.every}.`);
  const n = z0.length;
  const z = Float64Array.from(z0);
  const m1 = new Float64Array(n), m2 = new Float64Array(n);
  const [b1, b2, adamEps] = [0.9, 0.999, 1e-8];
  const steps: AscentStep[] = [];
  const frames: { step: number; z: Float64Array }[] = [];
  for (let k = 0; k <= opts.steps; k++) {
    await checkpoint(ctx);
    const at = await likelihoodGradient(g, z, opts.eps, ctx);
    const ev = at.eigenvalues;
    steps.push({
      step: k, logLikelihood: at.logLikelihood, logPrior: at.logPrior, logdet: at.logdetExact,
      lambdaMin: ev[ev.length - 1], lambdaMax: ev[0], norm: Math.hypot(...z),
    });
    if (k % opts.every === 0 || k === opts.steps) frames.push({ step: k, z: Float64Array.from(z) });
    report(ctx, 'ascent', k, opts.steps);
    ctx?.onStep?.(steps);
    if (k === opts.steps) break;
    // Adam, ascending.
    for (let i = 0; i < n; i++) {
      const gi = at.gradient[i];
      m1[i] = b1 * m1[i] + (1 - b1) * gi;
      m2[i] = b2 * m2[i] + (1 - b2) * gi * gi;
      const mh = m1[i] / (1 - b1 ** (k + 1)), vh = m2[i] / (1 - b2 ** (k + 1));
      z[i] += (opts.lr * mh) / (Math.sqrt(vh) + adamEps);
    }
  }
  return { steps, frames, z, options: opts };
}

export interface EffectiveDimension {
  taus: number[];
  /** v_eff(τ) for each τ: mean over samples of the number of eigen-directions with δ > τ. */
  veff: number[];
  /** δ(j, i) per sample j (rows) and eigenvector i (descending eigenvalue). */
  delta: number[][];
  alpha: number;
  samples: number;
  randomDirections: number;
}

/**
 * Effective dimension (the paper's §5, Fig. 6): at M prior samples zⱼ, δ(j, i) = ‖G(zⱼ + α vᵢ) − G(zⱼ)‖
 * over the mean ‖G(zⱼ + α u) − G(zⱼ)‖ of random directions u, for every eigenvector vᵢ of M(zⱼ);
 * v_eff(τ) = (1/M) Σⱼ #{i : δ(j, i) > τ}. Interpretation (the paper writes ε ~ N(0, I) without scaling):
 * u is a *unit* random direction, so that both perturbations have the same step α, as its Fig. 5 compares
 * them ("the same step size"). Pixel norms are in the model's output units.
 */
export async function effectiveDimension(g: Generator, opts: { samples?: number; alpha?: number; randomDirections?: number; seed?: number; taus?: number[] } = {}, ctx?: ComputeContext): Promise<EffectiveDimension> {
  const samples = opts.samples ?? 12, alpha = opts.alpha ?? 0.6, randomDirections = opts.randomDirections ?? 16, seed = opts.seed ?? 0;
  const taus = opts.taus ?? Array.from({ length: 41 }, (_, i) => i * 0.1);
  if (!(Number.isInteger(samples) && samples >= 1 && samples <= 256)) throw new Error(`v_eff takes 1 to 256 samples, got ${samples}.`);
  if (!(alpha > 0)) throw new Error(`The step α must be positive, got ${alpha}.`);
  const n = g.zDim;
  const zs = g.samplePrior(seed, samples);
  const rng = new Rng(seed + 7);
  const delta: number[][] = [];
  for (let j = 0; j < samples; j++) {
    await checkpoint(ctx);
    const z = zs.subarray(j * n, (j + 1) * n);
    const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', signal: ctx?.signal });
    const dirs = new Float32Array((n + randomDirections) * n);
    dirs.set(Float32Array.from(m.eigenvectors));
    for (let r = 0; r < randomDirections; r++) {
      const u = Float64Array.from({ length: n }, () => rng.normal());
      const norm = Math.hypot(...u);
      for (let i = 0; i < n; i++) dirs[(n + r) * n + i] = u[i] / norm;
    }
    const change = tf.tidy(() => {
      const z0 = tf.tensor2d(Float32Array.from(z), [1, n]);
      const moved = tf.add(z0, tf.mul(tf.tensor2d(dirs, [n + randomDirections, n]), alpha));
      const diff = tf.sub(g.generate(moved, 'z'), g.generate(z0, 'z'));
      return tf.sqrt(tf.sum(tf.square(diff.reshape([n + randomDirections, -1])), 1));
    });
    const d = await change.data();
    change.dispose();
    let baseline = 0;
    for (let r = 0; r < randomDirections; r++) baseline += d[n + r];
    baseline /= randomDirections;
    delta.push(Array.from(d.subarray(0, n), (v) => v / baseline));
    report(ctx, 'v_eff', j + 1, samples);
  }
  const veff = taus.map((tau) => delta.reduce((s, row) => s + row.filter((v) => v > tau).length, 0) / samples);
  return { taus, veff, delta, alpha, samples, randomDirections };
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
export async function likelihoodMap(g: Generator, z: ArrayLike<number>, opts: { axes: 'eigen' | 'random'; extent: number; grid: number; eps: number; seed?: number },
  ctx?: ComputeContext & { onRow?: (partial: LikelihoodMap, rowsDone: number) => void }): Promise<LikelihoodMap> {
  requireZSpaceLikelihood(g, z);
  if (!(Number.isInteger(opts.grid) && opts.grid >= 2 && opts.grid <= 41)) throw new Error(`The map takes 2 to 41 points a side, got ${opts.grid}.`);
  if (!(opts.extent > 0 && opts.extent <= 100)) throw new Error(`The map's extent must be in (0, 100], got ${opts.extent}.`);
  const n = z.length;
  let u: Float64Array, v: Float64Array;
  if (opts.axes === 'eigen') {
    const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', k: 2, signal: ctx?.signal });
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
      values[r][c] = (await likelihoodExact(g, p, opts.eps, ctx)).logLikelihood;
    }
    report(ctx, 'likelihood map', r + 1, opts.grid);
    ctx?.onRow?.(map, r + 1);
  }
  return map;
}
