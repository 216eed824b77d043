/**
 * The likelihood jobs (orchestration; the math is src/methods/likelihood.ts and likelihoodAscent.ts): ln Q at a latent with the
 * estimator beside the exact value, likelihood ascent with its trajectory streamed as it runs and its
 * frames rendered here (the UI never runs the generator), and the model's effective dimension v_eff(τ).
 */
import * as tf from '@tensorflow/tfjs';
import { effectiveDimension } from '../methods/effectiveDimension';
import {
  DEFAULT_ESTIMATOR, likelihoodAt, likelihoodMap, type EstimatorSettings, type GradientMethod, type LikelihoodMap, type LogdetFloor,
} from '../methods/likelihood';
import { DEFAULT_ASCENT, likelihoodAscent, type AscentStep } from '../methods/likelihoodAscent';
import type { Generator } from '../model/generator';
import { MAX_ASCENT_STEPS } from '../state/vocabulary';
import type { JobContext } from './jobContext';
import { zOf } from './latent';
import { checkInt, checkPositive } from './requests';
import { MAX_VEFF_SAMPLES } from '../state/vocabulary';
import type { LatentSpec } from './types';

/** ln Q at the current latent, exact and by Algorithm 1 (defaults: the paper's (m, p, t, g) and ε = 1e-4). */
export interface LikelihoodRequest {
  latent: LatentSpec;
  eps?: number;
  /** How ε enters ln det M: 'clamp' Σ ln max(λ, ε) (default), 'shift' ln det(M + εI). */
  floor?: LogdetFloor;
  degree?: number;
  probes?: number;
  power?: number;
  margin?: number;
}

export interface Likelihood {
  n: number;
  eps: number;
  floor: LogdetFloor;
  logPrior: number;
  logdetExact: number;
  logdetEstimate: number;
  logdetStdError: number;
  logLikelihood: number;
  logLikelihoodEstimate: number;
  /** ln ℓ̂ − ln ℓ, the paper's relative error. */
  relativeError: number;
  /** Exact metric eigenvalues, descending. */
  eigenvalues: number[];
  settings: EstimatorSettings;
  interval: [number, number];
  polynomialError: number;
  ms: number;
}

/** Likelihood ascent from the current latent (exact gradient, Adam). */
export interface AscentRequest {
  latent: LatentSpec;
  steps: number;
  lr: number;
  eps?: number;
  floor?: LogdetFloor;
  /** ∇ ln det M exactly (default) or by differentiating Algorithm 1 at the paper's ascent settings (5, 20, 20, 1.1). */
  gradient?: GradientMethod;
  /** Render a frame every this many steps (and the last). */
  every: number;
}

/** One step of the ascent (src/methods/likelihoodAscent.ts AscentStep): ln Q, ln p, ln det, λmin, λmax, ‖z‖. */
export type AscentStepSummary = AscentStep;

export interface Ascent {
  steps: AscentStepSummary[];
  width: number;
  height: number;
  /** The steps of the rendered frames, and their RGBA, frame after frame. */
  frameSteps: number[];
  framesRgba: Uint8ClampedArray;
  /** The final z, to carry on from. */
  z: number[];
  ms: number;
}

/** ln Q over a 2-D slice of Z through the current latent (top two eigenvectors, or two random directions). */
export interface LikelihoodMapRequest {
  latent: LatentSpec;
  axes: 'eigen' | 'random';
  extent: number;
  grid: number;
  eps?: number;
  floor?: LogdetFloor;
}

export type LikelihoodMapResult = LikelihoodMap & { ms: number };

/** Effective dimension v_eff(τ) of the model over prior samples (Ramesh & LeCun §5). */
export interface VeffRequest {
  /** Prior samples seed, seed+1, … */
  seed: number;
  samples: number;
  alpha?: number;
}

export interface Veff {
  taus: number[];
  veff: number[];
  alpha: number;
  samples: number;
  zDim: number;
  ms: number;
}


const FRAME_BATCH = 8;

/** The request's estimator settings over the defaults; the method validates them (one set of rules and messages). */
function settingsOf(req: LikelihoodRequest): EstimatorSettings {
  const given = Object.fromEntries((['eps', 'floor', 'degree', 'probes', 'power', 'margin'] as const)
    .filter((k) => req[k] !== undefined).map((k) => [k, req[k]]));
  return { ...DEFAULT_ESTIMATOR, ...given, seed: DEFAULT_ESTIMATOR.seed };
}

export async function computeLikelihood(g: Generator, req: LikelihoodRequest, ctx: JobContext): Promise<Likelihood> {
  if (!req || typeof req !== 'object') throw new Error('A likelihood request must be an object.');
  const r = await likelihoodAt(g, zOf(g, req.latent), settingsOf(req), ctx);
  return {
    n: r.n, eps: r.eps, floor: r.floor, logPrior: r.logPrior, logdetExact: r.logdetExact, logdetEstimate: r.logdetEstimate,
    logdetStdError: r.logdetStdError, logLikelihood: r.logLikelihood, logLikelihoodEstimate: r.logLikelihoodEstimate,
    relativeError: r.relativeError, eigenvalues: Array.from(r.eigenvalues), settings: r.settings, interval: r.interval,
    polynomialError: r.polynomialError, ms: r.ms,
  };
}

export async function computeAscent(g: Generator, req: AscentRequest, ctx: JobContext): Promise<Ascent> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('An ascent request must be an object.');
  const steps = checkInt(req.steps, 1, MAX_ASCENT_STEPS, 'The number of ascent steps');
  const lr = checkPositive(req.lr, 1, 'The step size');
  const every = checkInt(req.every, 1, MAX_ASCENT_STEPS, 'The frame interval');
  const r = await likelihoodAscent(g, zOf(g, req.latent), { steps, lr, every, eps: req.eps ?? DEFAULT_ASCENT.eps, floor: req.floor, gradient: req.gradient }, {
    signal: ctx.signal, checkpoint: ctx.checkpoint,
    progress: (phase, done, total) => ctx.progress(phase, done, total),
    onStep: (trajectory) => ctx.progress('ascent', trajectory.length - 1, steps, { steps: trajectory }),
  });
  const [height, width] = g.outputShape;
  const frame = width * height * 4;
  const framesRgba = new Uint8ClampedArray(r.frames.length * frame);
  for (let s = 0; s < r.frames.length; s += FRAME_BATCH) {
    await ctx.checkpoint();
    const part = r.frames.slice(s, s + FRAME_BATCH);
    const images = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(part.flatMap((f) => Array.from(f.z))), [part.length, g.zDim]), 'z'));
    try {
      framesRgba.set(await g.toRGBA(images), s * frame);
    } finally {
      images.dispose();
    }
  }
  return { steps: r.steps, width, height, frameSteps: r.frames.map((f) => f.step), framesRgba, z: Array.from(r.z), ms: performance.now() - t0 };
}

export async function computeVeff(g: Generator, req: VeffRequest, ctx: JobContext): Promise<Veff> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A v_eff request must be an object.');
  const samples = checkInt(req.samples, 1, MAX_VEFF_SAMPLES, 'The number of samples');
  const seed = checkInt(req.seed, 0, 0xffffffff, 'The seed');
  const alpha = req.alpha === undefined ? 0.6 : checkPositive(req.alpha, 100, 'The step α');
  const r = await effectiveDimension(g, { samples, alpha, seed }, ctx);
  return { taus: r.taus, veff: r.veff, alpha: r.alpha, samples: r.samples, zDim: g.zDim, ms: performance.now() - t0 };
}

export async function computeLikelihoodMap(g: Generator, req: LikelihoodMapRequest, ctx: JobContext): Promise<LikelihoodMapResult> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A likelihood map request must be an object.');
  if (req.axes !== 'eigen' && req.axes !== 'random') throw new Error("The map's axes are 'eigen' or 'random'.");
  const grid = checkInt(req.grid, 2, 41, 'The number of points a side');
  const extent = checkPositive(req.extent, 100, "The map's extent");
  const map = await likelihoodMap(g, zOf(g, req.latent), { axes: req.axes, extent, grid, eps: req.eps ?? DEFAULT_ESTIMATOR.eps, floor: req.floor }, {
    signal: ctx.signal, checkpoint: ctx.checkpoint,
    progress: (phase, done, total) => ctx.progress(phase, done, total),
    // A copy of the rows: the method keeps filling its own arrays after this report.
    onRow: (partial, rowsDone) => ctx.progress('likelihood map', rowsDone, grid, { ...partial, logLikelihood: partial.logLikelihood.map((row) => [...row]) }),
  });
  return { ...map, ms: performance.now() - t0 };
}
