/**
 * The truncation trick, where it acts. Every bundled style model pixel-normalises z before its mapping
 * network, so scaling z (ψ·z) renders the same image: truncation there belongs in W, w ↦ w̄ + ψ(w − w̄),
 * with w̄ the mean of the mapping's outputs over many prior samples (StyleGAN's recipe). A z-space
 * generator has no W; there ψ·z is applied to z (zOf in latent.ts), which truncates for a generator that
 * does not normalise z and does nothing for one that does.
 *
 * For a style model, a request at ψ is served by a *view* of the generator whose mapZ is truncated: every
 * path that goes through W (rendering, edits in W and W+, bases and their rates, montages, curve walks)
 * then sees the truncated reference without knowing about ψ, and bases in Z are those of z ↦ G(w̄ + ψ(f(z) − w̄)).
 * w̄ and the views are cached per generator (WeakMaps: a model swap drops them).
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import type { Dual } from '../model/forward/dual';
import { MAX_TRUNCATION } from '../state/vocabulary';
import type { LatentSpec } from './types';

/** Prior samples averaged for w̄, and their seed (fixed, so w̄ is the same in every worker and run). */
export const W_MEAN_SAMPLES = 4096;
export const W_MEAN_SEED = 0x5eed;
const BATCH = 512;
/** Views kept per generator (one per ψ recently used). */
const MAX_VIEWS = 8;

const means = new WeakMap<Generator, Float32Array>();
const views = new WeakMap<Generator, Map<number, Generator>>();

/** w̄ = mean of mapZ(z) over W_MEAN_SAMPLES prior samples, computed once per generator. Style models only. */
export function meanW(g: Generator): Float32Array {
  const hit = means.get(g);
  if (hit) return hit;
  if (!g.isStyleBased || g.wDim === undefined) throw new Error('Only a style model has a mean w.');
  const zs = g.samplePrior(W_MEAN_SEED, W_MEAN_SAMPLES);
  const sum = new Float64Array(g.wDim);
  for (let s = 0; s < W_MEAN_SAMPLES; s += BATCH) {
    const b = Math.min(BATCH, W_MEAN_SAMPLES - s);
    const part = tf.tidy(() => tf.sum(g.mapZ(tf.tensor2d(zs.subarray(s * g.zDim, (s + b) * g.zDim), [b, g.zDim])), 0));
    try {
      const v = part.dataSync();
      for (let i = 0; i < sum.length; i++) sum[i] += v[i];
    } finally {
      part.dispose();
    }
  }
  const mean = Float32Array.from(sum, (v) => v / W_MEAN_SAMPLES);
  means.set(g, mean);
  return mean;
}

/** `g` with mapZ(z) replaced by w̄ + ψ(mapZ(z) − w̄); `g` itself for ψ = 1 or a z-space model. Never dispose the view. */
export function truncatedGenerator(g: Generator, psi: number): Generator {
  if (psi === 1 || !g.isStyleBased) return g;
  let byPsi = views.get(g);
  if (!byPsi) views.set(g, (byPsi = new Map()));
  const hit = byPsi.get(psi);
  if (hit) return hit;
  const wbar = meanW(g);
  const view: Generator = Object.create(g, {
    mapZ: {
      value: (z: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => {
        const mean = tf.tensor2d(wbar, [1, wbar.length]);
        return tf.add(mean, tf.mul(tf.sub(g.mapZ(z), mean), psi)) as tf.Tensor2D;
      }),
    },
    // Forward mode through the same map: w̄ + ψ(w − w̄), so tangents scale by ψ.
    mapZForward: {
      value: (z: Dual) => {
        const inner = g.mapZForward!(z);
        const mean = tf.tensor2d(wbar, [1, wbar.length]);
        const primal = tf.add(mean, tf.mul(tf.sub(inner.w.primal, mean), psi));
        mean.dispose();
        return { w: { primal, tangent: inner.w.tangent && tf.mul(inner.w.tangent, psi) }, fallbacks: inner.fallbacks };
      },
    },
    dispose: { value: () => undefined },
  });
  if (byPsi.size >= MAX_VIEWS) byPsi.delete(byPsi.keys().next().value!);
  byPsi.set(psi, view);
  return view;
}

/**
 * The generator and latent a request means: for a style model, the truncated view and the latent without
 * its ψ (so zOf does not also scale z); otherwise `g` and the latent as given (zOf applies ψ·z).
 */
export function atTruncation(g: Generator, latent: LatentSpec): { g: Generator; latent: LatentSpec } {
  if (!g.isStyleBased || !latent || typeof latent !== 'object' || !('seed' in latent) || latent.truncation === undefined || latent.truncation === 1) return { g, latent };
  const psi = latent.truncation;
  if (typeof psi !== 'number' || !(psi > 0 && psi <= MAX_TRUNCATION)) throw new Error(`The truncation ψ must be a number in (0, ${MAX_TRUNCATION}].`);
  return { g: truncatedGenerator(g, psi), latent: { seed: latent.seed } };
}
