/**
 * The VAE term of an encoder-anchored GAN (recipes.ts, `GanBase.anchor`): an encoder q(z|x) = N(μ, σ²)
 * is trained with G, and G reconstructs each real image from a reparameterised posterior sample
 * z = μ + σ·ε. The term is a β = 1 VAE loss per pixel: `weight` · mean squared error (a Gaussian
 * likelihood with 1/(2σ_x²) = weight, up to a constant) + KL(q(z|x) ‖ N(0, I)) / (pixels per image).
 * It makes every real image reachable from some z, so G cannot drop a mode; the adversarial loss on
 * prior samples keeps those samples sharp.
 */
import * as tf from '@tensorflow/tfjs';

/** log σ² is clipped so that an early outlier cannot overflow exp(); training stays far inside ±8. */
const LOG_VAR_LIMIT = 8;

export interface AnchorTerms {
  /** weight · mse + kl: what G and the encoder minimise on top of the adversarial loss. */
  loss: tf.Scalar;
  /** Mean squared reconstruction error over pixels and batch (for progress lines). */
  squaredError: tf.Scalar;
  /** KL(q(z|x) ‖ N(0, I)) averaged over the batch and divided by the pixels per image. */
  kl: tf.Scalar;
}

/**
 * @param posterior the encoder's output [B, 2·zDim]: μ in the first zDim columns, log σ² in the rest.
 * @param noise ε ~ N(0, I) of shape [B, zDim] (passed in so that training stays seeded).
 * @param decode G from z.
 */
export function anchorTerms(posterior: tf.Tensor2D, noise: tf.Tensor2D, real: tf.Tensor4D,
  decode: (z: tf.Tensor2D) => tf.Tensor4D, weight: number): AnchorTerms {
  const [B, twoZ] = posterior.shape;
  const zDim = twoZ / 2;
  const pixels = real.shape[1] * real.shape[2] * real.shape[3];
  const mu = posterior.slice([0, 0], [B, zDim]);
  const logVar = posterior.slice([0, zDim], [B, zDim]).clipByValue(-LOG_VAR_LIMIT, LOG_VAR_LIMIT);
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)) as tf.Tensor2D;
  const squaredError = tf.squaredDifference(decode(z), real).mean() as tf.Scalar;
  const kl = tf.mul(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)).sum(1).mean(), 0.5 / pixels) as tf.Scalar;
  return { loss: tf.add(tf.mul(squaredError, weight), kl) as tf.Scalar, squaredError, kl };
}
