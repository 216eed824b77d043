/**
 * How much an image changes under a distance, predicted and measured, in the units a slider uses.
 *
 * - predicted rate of a latent direction v at x₀: √(vᵀHv) with H = JᵀMJ the metric (Wang & Ponce Eq. 3),
 *   evaluated as (Jv)ᵀM(Jv) from one Jacobian-vector product per direction (hvp.ts's jvp): k products
 *   instead of the n a full metric costs, so any basis gets rates at the price of its own size.
 * - measured change of an image x: √(2·d²(x, x₀)). For mse and perceptual, d² = ½‖φ(x) − φ(x₀)‖², so this is
 *   ‖φ(x) − φ(x₀)‖; for ssim it is the quantity whose second-order expansion is (δφ)ᵀM(δφ). Either way a
 *   latent step t along v changes the image by t·√(vᵀHv) to first order, which is what makes the
 *   montage's measured row comparable with its predicted one.
 * - measured α(v) = vᵀHv/vᵀv of random Gaussian v, each pushed through the network by a JVP: the
 *   experiment behind Wang & Ponce's "illusion of isotropy" (A.6). Sampling α from the eigenvalues instead
 *   (spectrum.ts alphaSamples on a spectrum) draws from the analytic law by construction, so comparing
 *   that with the law would test only the random numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance, type AnchoredDistance, type DistanceName } from '../distance';
import type { Generator, LatentSpace } from '../model/generator';
import { Rng } from '../util/random';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import { jvp, jvpFD, type Linearisation } from './hvp';
import { linearisation } from './linearisation';
import { DEFAULT_REL_EPS, latentShape } from './metric';

/** Directions per batched JVP: one batch holds this many copies of the network's activations. */
/** How Jacobian-vector products are taken: the layers' own second-order gradients, or central differences. */
export type Derivatives = 'exact' | 'fd';

const RATE_CHUNK = 16;


/**
 * √(vᵢᵀHvᵢ) for the k rows of `directions` (k×n, float64) at the linearisation's point. The directions
 * need not be unit vectors (the rate then scales with their length). `between` runs between chunks
 * (a cancellation checkpoint). `derivatives` 'fd' uses central differences instead of the double-VJP JVP
 * (for models without second-order gradients).
 */
export async function directionRates(lin: Linearisation, directions: Float64Array, k: number, between?: () => Promise<void>, derivatives: Derivatives = 'exact'): Promise<Float64Array> {
  const n = lin.x0.size;
  if (directions.length !== k * n) throw new Error(`directionRates: expected ${k}×${n} values, got ${directions.length}`);
  const out = new Float64Array(k);
  for (let s = 0; s < k; s += RATE_CHUNK) {
    await between?.();
    const b = Math.min(RATE_CHUNK, k - s);
    const quad = tf.tidy(() => {
      const v = tf.tensor2d(Float32Array.from(directions.subarray(s * n, (s + b) * n)), [b, n]);
      // fd: central differences, step DEFAULT_REL_EPS·max(‖x₀‖, 1), as the metric's fd.
      const jv = derivatives === 'fd' ? jvpFD(lin, v, DEFAULT_REL_EPS * Math.max(1, tf.norm(lin.x0).dataSync()[0])) : jvp(lin, v);
      return tf.sum(tf.mul(jv, lin.weight ? lin.weight(jv) : jv), 1);
    });
    try {
      const q = await quad.data();
      // vᵀHv ≥ 0 for a PSD metric; a tiny negative is float32 round-off of a (nearly) null direction.
      for (let i = 0; i < b; i++) out[s + i] = Math.sqrt(Math.max(0, q[i]));
    } finally {
      quad.dispose();
    }
  }
  return out;
}

/** √(2·d²(xᵢ, x₀)) for a batch of images [B, H, W, C] (see the module comment). */
export async function measuredChange(dist: AnchoredDistance, images: tf.Tensor4D): Promise<Float64Array> {
  const d2 = dist.squared(images);
  try {
    return Float64Array.from(await d2.data(), (v) => Math.sqrt(2 * Math.max(0, v)));
  } finally {
    d2.dispose();
  }
}

/**
 * Runs `body` with the linearisation of G under `distance` at `reference` (a latent of `space`, flat),
 * freeing the reference image and the anchored distance afterwards.
 */
export async function withLinearisation<T>(g: Generator, reference: ArrayLike<number>, space: LatentSpace, distance: DistanceName, body: (lin: Linearisation) => Promise<T>): Promise<T> {
  const x0 = tf.tensor(Float32Array.from(reference), latentShape(g, space));
  let images0: tf.Tensor4D | undefined;
  let dist: AnchoredDistance | undefined;
  try {
    images0 = tf.tidy(() => g.generate(x0, space));
    dist = anchorDistance(distance, g, images0);
    return await body(linearisation(g, dist, x0, space));
  } finally {
    dist?.dispose();
    images0?.dispose();
    x0.dispose();
  }
}

/** √(vᵀHv) of the k rows of `directions` at `reference`, by JVPs, with progress 'rates' and cancellation. */
export async function ratesAt(g: Generator, reference: ArrayLike<number>, space: 'z' | 'w', distance: DistanceName, directions: Float64Array, k: number, ctx?: ComputeContext, derivatives: Derivatives = 'exact'): Promise<Float64Array> {
  return withLinearisation(g, reference, space, distance, async (lin) => {
    let done = 0;
    report(ctx, 'rates', 0, k);
    return directionRates(lin, directions, k, async () => {
      report(ctx, 'rates', done, k);
      done = Math.min(k, done + RATE_CHUNK);
      await checkpoint(ctx);
    }, derivatives);
  });
}

/**
 * α(v) = vᵀHv/vᵀv for `count` Gaussian v (seeded), each measured through the network by a JVP at the
 * linearisation's point. Cost: `count` JVPs, i.e. count/n times an exact metric.
 */
export async function measuredAlpha(lin: Linearisation, count: number, seed: number, ctx?: ComputeContext, derivatives: Derivatives = 'exact'): Promise<Float64Array> {
  const n = lin.x0.size;
  const rng = new Rng(seed);
  const v = Float64Array.from({ length: count * n }, () => rng.normal());
  let done = 0;
  report(ctx, 'α of random directions', 0, count);
  const rates = await directionRates(lin, v, count, async () => {
    report(ctx, 'α of random directions', done, count);
    done = Math.min(count, done + RATE_CHUNK);
    await checkpoint(ctx);
  }, derivatives);
  return Float64Array.from(rates, (r, s) => {
    let vv = 0;
    for (let i = 0; i < n; i++) vv += v[s * n + i] ** 2;
    return (r * r) / vv;
  });
}
