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
 */
import * as tf from '@tensorflow/tfjs';
import type { AnchoredDistance } from '../distance';
import type { Linearisation } from '../geometry/hvp';
import { jvp, jvpFD } from '../geometry/hvp';
import { DEFAULT_REL_EPS } from '../geometry/metric';
import type { Generator } from '../model/generator';

/** Directions per batched JVP: one batch holds this many copies of the network's activations. */
const RATE_CHUNK = 16;

/** The map latent → features of `dist` at x₀ [1, dim] through `space`, as hvp.ts needs it. */
export function linearisation(g: Generator, dist: AnchoredDistance, x0: tf.Tensor, space: 'z' | 'w'): Linearisation {
  return { f: (x) => dist.features(g.generate(x, space)), x0, m: dist.m, weight: dist.weight };
}

/**
 * √(vᵢᵀHvᵢ) for the k rows of `directions` (k×n, float64) at the linearisation's point. The directions
 * need not be unit vectors (the rate then scales with their length). `between` runs between chunks
 * (a cancellation checkpoint). `derivatives` 'fd' uses central differences instead of the double-VJP JVP.
 */
export async function directionRates(lin: Linearisation, directions: Float64Array, k: number, between?: () => Promise<void>, derivatives: 'exact' | 'fd' = 'exact'): Promise<Float64Array> {
  const n = lin.x0.size;
  if (directions.length !== k * n) throw new Error(`directionRates: expected ${k}×${n} values, got ${directions.length}`);
  const out = new Float64Array(k);
  for (let s = 0; s < k; s += RATE_CHUNK) {
    await between?.();
    const b = Math.min(RATE_CHUNK, k - s);
    const quad = tf.tidy(() => {
      const v = tf.tensor2d(Float32Array.from(directions.subarray(s * n, (s + b) * n)), [b, n]);
      // fd: central differences, step DEFAULT_REL_EPS·max(‖x₀‖, 1) as the metric's fd (for models without second-order gradients).
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
