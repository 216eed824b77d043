/**
 * Likelihood ascent (Ramesh & LeCun 2018, §4, Fig. 4): Adam on z maximising the implicit log-likelihood
 * ln Q = ln p(z) − ½ ln det M(z) (likelihood.ts), with its exact gradient or the one backpropagated through
 * Algorithm 1. The paper's finding to check: the images become aberrant while ln Q rises and M grows
 * ill-conditioned. A step of the ascent is one exact metric plus one reverse pass through the forward-mode
 * Jacobian, so a few hundred steps take minutes on the bundled models.
 */
import type { Generator } from '../model/generator';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import type { LogdetFloor } from '../state/vocabulary';
import { ASCENT_ESTIMATOR, checkEps, checkFloor, likelihoodGradient, type EstimatorSettings, type GradientMethod } from './likelihood';

export interface AscentOptions {
  steps: number;
  /** Adam step size on z. */
  lr: number;
  eps: number;
  /** Keep z for an image every this many steps (and the last). */
  every: number;
  /** Default 'clamp'. */
  floor?: LogdetFloor;
  /** Default 'exact'. With 'estimator', Algorithm 1 at `estimator` (default ASCENT_ESTIMATOR), fresh probes every step. */
  gradient?: GradientMethod;
  estimator?: EstimatorSettings;
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
  /** With the estimator's gradient: its cosine to the exact gradient (1 = same direction). */
  gradientCosine?: number;
}

export interface AscentResult {
  steps: AscentStep[];
  /** z at step 0, every `every` steps, and the last: [{step, z}]. */
  frames: { step: number; z: Float64Array }[];
  z: Float64Array;
  options: AscentOptions;
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The ascent from z0: `opts.steps` Adam steps, a record of every step and the frames' latents. */
export async function likelihoodAscent(g: Generator, z0: ArrayLike<number>, opts: AscentOptions = DEFAULT_ASCENT, ctx?: ComputeContext & { onStep?: (trajectory: AscentStep[]) => void }): Promise<AscentResult> {
  if (!(Number.isInteger(opts.steps) && opts.steps >= 1 && opts.steps <= 5000)) throw new Error(`The ascent takes 1 to 5000 steps, got ${opts.steps}.`);
  if (!(opts.lr > 0 && opts.lr <= 1)) throw new Error(`The step size must be in (0, 1], got ${opts.lr}.`);
  if (!(Number.isInteger(opts.every) && opts.every >= 1)) throw new Error(`Frames are kept every whole number ≥ 1 of steps, got ${opts.every}.`);
  checkEps(opts.eps);
  checkFloor(opts.floor);
  if (opts.gradient !== undefined && opts.gradient !== 'exact' && opts.gradient !== 'estimator') throw new Error(`The gradient method is 'exact' or 'estimator', got '${String(opts.gradient)}'.`);
  const n = z0.length;
  const z = Float64Array.from(z0);
  const m1 = new Float64Array(n), m2 = new Float64Array(n);
  const [b1, b2, adamEps] = [0.9, 0.999, 1e-8];
  const steps: AscentStep[] = [];
  const frames: { step: number; z: Float64Array }[] = [];
  for (let k = 0; k <= opts.steps; k++) {
    await checkpoint(ctx);
    const estimator = opts.estimator ?? ASCENT_ESTIMATOR;
    const at = await likelihoodGradient(g, z, { eps: opts.eps, floor: opts.floor, method: opts.gradient,
      estimator: { ...estimator, seed: estimator.seed + k } }, ctx);
    const ev = at.eigenvalues;
    steps.push({
      step: k, logLikelihood: at.logLikelihood, logPrior: at.logPrior, logdet: at.logdetExact,
      lambdaMin: ev[ev.length - 1], lambdaMax: ev[0], norm: Math.hypot(...z),
      ...(at.method === 'estimator' ? { gradientCosine: cosine(at.gradient, at.exactGradient) } : {}),
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
