/**
 * An image distance as the geometry engine needs it: anchored at a reference image x₀, and written in
 * Gauss–Newton form so that its metric (the Hessian of d²(x, x₀) at x = x₀, Wang & Ponce 2021 Eq. 1)
 * pulled back through a generator is H = Jᵀ M J with J = ∂φ(G(z))/∂z.
 *
 * - `mse` and `perceptual` are squared-L2 distances of a feature map, d² = ½‖φ(x) − φ(x₀)‖², so M = I
 *   and H = JᵀJ exactly (paper Eq. 3).
 * - `ssim` is not a squared-L2 distance; 1 − SSIM has zero value and zero gradient at x₀, and its
 *   Hessian there is a fixed positive semi-definite operator M on image tangents (see ssim.ts), applied
 *   with two Gaussian blurs. φ is then the (range-scaled) image and H = JᵀMJ, still exact.
 *
 * Every distance also gives d² itself (`squared`), twice differentiable, so that the `bp` baseline can
 * differentiate it twice and check the Gauss–Newton form independently.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dual, ForwardFallback } from '../model/forward/dual';

import type { DistanceName } from '../state/vocabulary';

export type { DistanceName };
export { DISTANCES } from '../state/vocabulary';

export interface AnchoredDistance {
  readonly name: DistanceName;
  /** Feature dimension m. */
  readonly m: number;
  /**
   * φ: images [B, H, W, C] → features [B, m]. Batch items never influence each other (the batched
   * Jacobians put one perturbed copy of the image per batch item).
   */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * Forward mode: the tangents of φ [k, m] for an image dual (primal [1, H, W, C], tangent [k, H, W, C]),
   * and the layers that had no forward rule (perceptual). Absent if the distance cannot push forward.
   */
  pushForward?(image: Dual): { tangent: tf.Tensor2D; fallbacks: ForwardFallback[] };
  /**
   * M: feature tangents [B, m] → [B, m], symmetric positive semi-definite, so that the metric is JᵀMJ.
   * Absent means M = I.
   */
  readonly weight?: (tangents: tf.Tensor2D) => tf.Tensor2D;
  /** d²(x, x₀) per image [B], twice differentiable; its Hessian in φ-coordinates at x₀ is M (or I). */
  squared(images: tf.Tensor4D): tf.Tensor1D;
  /** Free the tensors held for the anchor (φ(x₀), window statistics). */
  dispose(): void;
}

/** The output geometry a distance needs from a model. */
export interface ImageFormat {
  /** [height, width, channels]. */
  shape: [number, number, number];
  /** [lo, hi]: the manifest's output range. */
  range: [number, number];
}
