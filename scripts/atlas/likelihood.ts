/**
 * likelihood, ascent, veff: Ramesh & LeCun's implicit likelihood on one model (src/methods/likelihood.ts).
 * - likelihood: ln Q at a seed's z, with the exact log-determinant (the eigenvalues `atlas metric
 *   --distance mse` returns for the same seed) beside Algorithm 1's estimate.
 * - ascent: likelihood ascent from a seed's z, the trajectory (ln Q, ln p, ln det, λmin, λmax, ‖z‖; with
 *   --gradient estimator also the estimator gradient's cosine to the exact one) and, with --png, the images
 *   of the kept frames as a strip.
 * --floor clamp|shift: ln det M as Σ ln max(λ, ε) (the paper's reading) or ln det(M + εI) = Σ ln(λ + ε).
 * - veff: v_eff(τ) over prior samples.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { effectiveDimension } from '../../src/methods/effectiveDimension';
import { ASCENT_ESTIMATOR, DEFAULT_ESTIMATOR, likelihoodAt, LOGDET_FLOORS, type EstimatorSettings } from '../../src/methods/likelihood';
import { DEFAULT_ASCENT, likelihoodAscent } from '../../src/methods/likelihoodAscent';
import { writeGridPng } from '../lib/png';
import { openModel, UsageError, type Opts } from './common';

function zSpaceOnly(opts: Opts): void {
  if (opts.has('space') && opts.str('space') !== 'z') throw new UsageError('the likelihood is defined in Z (W has no known density); omit --space or give z');
}

function estimatorSettings(opts: Opts): EstimatorSettings {
  return {
    eps: opts.num('eps', DEFAULT_ESTIMATOR.eps),
    probes: opts.int('probes', DEFAULT_ESTIMATOR.probes, [1, 1000]),
    degree: opts.int('degree', DEFAULT_ESTIMATOR.degree, [1, 256]),
    power: opts.int('power', DEFAULT_ESTIMATOR.power, [1, 1000]),
    margin: opts.num('margin', DEFAULT_ESTIMATOR.margin, [1, 10]),
    seed: opts.int('estimator-seed', DEFAULT_ESTIMATOR.seed),
    floor: opts.choice('floor', LOGDET_FLOORS, 'clamp'),
  };
}

export async function likelihood(opts: Opts) {
  zSpaceOnly(opts);
  const g = await openModel(opts);
  try {
    const seed = opts.int('seed');
    const z = g.samplePrior(seed, 1);
    const r = await likelihoodAt(g, z, estimatorSettings(opts));
    return {
      model: g.manifest.id, seed, space: 'z', z: Array.from(z), eps: r.eps, floor: r.floor,
      logPrior: r.logPrior, logdetExact: r.logdetExact, logdetEstimate: r.logdetEstimate, logdetStdError: r.logdetStdError,
      logLikelihood: r.logLikelihood, logLikelihoodEstimate: r.logLikelihoodEstimate, relativeError: r.relativeError,
      settings: r.settings, interval: r.interval, lambdaMaxPower: r.lambdaMaxPower, polynomialError: r.polynomialError,
      matvecs: r.matvecs, eigenvalues: Array.from(r.eigenvalues), ms: r.ms,
    };
  } finally {
    g.dispose();
  }
}

export async function ascent(opts: Opts) {
  zSpaceOnly(opts);
  const g = await openModel(opts);
  try {
    const seed = opts.int('seed');
    const options = {
      steps: opts.int('steps', DEFAULT_ASCENT.steps, [1, 5000]),
      lr: opts.num('lr', DEFAULT_ASCENT.lr, [1e-6, 1]),
      eps: opts.num('eps', DEFAULT_ASCENT.eps),
      every: opts.int('every', DEFAULT_ASCENT.every, [1, 5000]),
      floor: opts.choice('floor', LOGDET_FLOORS, 'clamp'),
      gradient: opts.choice('gradient', ['exact', 'estimator'] as const, 'exact'),
      // The paper's ascent settings (5, 20, 20, 1.1) for the estimator's gradient; ε and floor are the ascent's.
      estimator: ASCENT_ESTIMATOR,
    };
    const t0 = performance.now();
    const r = await likelihoodAscent(g, g.samplePrior(seed, 1), options);
    let png: string | undefined;
    if (opts.has('png')) {
      png = path.resolve(opts.required('png'));
      const [h, w, c] = g.outputShape;
      const images = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(r.frames.flatMap((f) => Array.from(f.z))), [r.frames.length, g.zDim]), 'z'));
      writeGridPng(png, images.dataSync() as Float32Array, r.frames.length, h, w, c, { cols: r.frames.length, scale: 3, range: g.manifest.output.range });
      images.dispose();
    }
    return {
      model: g.manifest.id, seed, space: 'z', options, steps: r.steps,
      frames: r.frames.map((f) => ({ step: f.step, z: Array.from(f.z) })), z: Array.from(r.z),
      ...(png ? { png } : {}), ms: performance.now() - t0,
    };
  } finally {
    g.dispose();
  }
}

export async function veff(opts: Opts) {
  const g = await openModel(opts);
  try {
    const t0 = performance.now();
    const r = await effectiveDimension(g, {
      samples: opts.int('samples', 12, [1, 256]), alpha: opts.num('alpha', 0.6, [1e-6, 100]),
      randomDirections: opts.int('random', 16, [1, 1024]), seed: opts.int('seed', 0),
    });
    return { model: g.manifest.id, ...r, ms: performance.now() - t0 };
  } finally {
    g.dispose();
  }
}
