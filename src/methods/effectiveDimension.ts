/**
 * Effective dimension v_eff(τ) of a generator (Ramesh & LeCun 2018, paper 002 §5, Fig. 6): how many
 * eigen-directions of the pixel metric change the image more than a random direction of the same step does.
 * It needs the metric's eigenvectors only, not the likelihood, so it lives beside likelihood.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { computeMetric } from '../geometry/metric';
import type { Generator } from '../model/generator';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import { Rng } from '../util/random';

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
    const m = await computeMetric(g, z, { space: 'z', distance: 'mse', method: 'exact', signal: ctx?.signal, check: false });
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
