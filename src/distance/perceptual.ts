/**
 * Perceptual distance, LPIPS-style (Zhang et al. 2018, without learned channel weights) on the model's
 * own discriminator features: per layer, unit-normalise the channel vector at every position, take
 * squared differences, average over positions, sum over layers. As a feature map,
 *   φ(x) = concat_l [ ŷ_l(x) / √(H_l·W_l) ],  ŷ = y / √(Σ_c y² + ε),
 * so d² = ½‖φ(x) − φ(x₀)‖² = ½·LPIPS(x, x₀) and the metric is JᵀJ exactly.
 *
 * ε = 1e-10 (LPIPS' own floor on the norm, 1e-10, would underflow once squared in float32 arithmetic
 * near dead positions; a floor of 1e-5 on the norm changes nothing where features are alive).
 *
 * Batch independence: ProGAN's minibatch-stddev layer (MinibatchStd, in the bundled discriminators)
 * mixes statistics across the batch in groups of the largest divisor of B not above its group size.
 * The Jacobians put perturbed copies of one image in a batch, so that mixing would leak between
 * columns. The feature of an image is defined as what the discriminator computes for it alone
 * (group of one), and a batch of prime size p > 8 has only groups of one; so batches are padded with
 * blank images to such a size and the padding is dropped. A discriminator that mixes the batch in
 * another way would still be wrong — perceptual.test.ts checks batch against one-by-one features.
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import type { AnchoredDistance } from './types';
import type { Dual, ForwardFallback } from '../model/forward/dual';

const EPS = 1e-10;
/** Padded batches are prime and larger than this (covers minibatch-stddev group sizes up to 8). */
const MIN_PRIME = 11;

function isPrime(p: number): boolean {
  if (p < 2) return false;
  for (let d = 2; d * d <= p; d++) if (p % d === 0) return false;
  return true;
}

/** The batch size to run the discriminator at: 1 stays 1; otherwise the first prime ≥ max(b, 11). */
export function independentBatchSize(b: number): number {
  if (b <= 1) return b;
  let p = Math.max(b, MIN_PRIME);
  while (!isPrime(p)) p++;
  return p;
}

type FeatureFn = NonNullable<Generator['discriminatorFeatures']>;

/** Normalised, scaled, flattened and concatenated discriminator features of images [B, H, W, C] → [B, m]. */
export function perceptualFeatures(discriminatorFeatures: FeatureFn, images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, height, width, channels] = images.shape;
    const p = independentBatchSize(b);
    const input = p === b ? images : tf.concat([images, tf.zeros([p - b, height, width, channels])], 0) as tf.Tensor4D;
    const maps = discriminatorFeatures(input);
    if (maps.length === 0) throw new Error('The discriminator names no feature layers, so there is no perceptual distance.');
    const parts = maps.map((y) => {
      const [, h, w, c] = y.shape;
      const own = p === b ? y : tf.slice(y, [0, 0, 0, 0], [b, h, w, c]);
      const unit = tf.mul(own, tf.rsqrt(tf.add(tf.sum(tf.square(own), 3, true), EPS)));
      return tf.mul(unit, 1 / Math.sqrt(h * w)).reshape([b, h * w * c]);
    });
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
}

/**
 * Forward mode of `perceptualFeatures` for one image and k directions: the discriminator's feature maps
 * pushed forward (src/model/forward), then the unit normalisation's derivative per position,
 *   û = y·r, r = (Σ_c y² + ε)^(−½):  dû = r·ẏ − y·r³·Σ_c(y ⊙ ẏ),
 * scaled and flattened as the features are. A single image needs no padding: it is its own group.
 */
export function perceptualTangents(forward: NonNullable<Generator['discriminatorFeaturesForward']>, image: Dual): { tangent: tf.Tensor2D; fallbacks: ForwardFallback[] } {
  let fallbacks: ForwardFallback[] = [];
  const tangent = tf.tidy(() => {
    const pass = forward(image);
    fallbacks = pass.fallbacks;
    const features = pass.features;
    if (features.length === 0) throw new Error('The discriminator names no feature layers, so there is no perceptual distance.');
    const k = image.tangent!.shape[0];
    const parts = features.map(({ primal: y, tangent }) => {
      const [, h, w, c] = y.shape as number[];
      if (!tangent) return tf.zeros([k, h * w * c]);
      const r = tf.rsqrt(tf.add(tf.sum(tf.square(y), 3, true), EPS));
      const along = tf.sum(tf.mul(y, tangent), 3, true);
      const unit = tf.mul(tf.sub(tangent, tf.mul(y, tf.mul(along, tf.square(r)))), r);
      return tf.mul(unit, 1 / Math.sqrt(h * w)).reshape([k, h * w * c]);
    });
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
  return { tangent, fallbacks };
}

export function anchorPerceptual(generator: Generator, x0: tf.Tensor4D): AnchoredDistance {
  const fn = generator.discriminatorFeatures?.bind(generator);
  if (!fn) throw new Error(`Model '${generator.manifest.id}' ships no discriminator, so it has no perceptual distance; use 'mse' or 'ssim'.`);
  const features = (images: tf.Tensor4D) => perceptualFeatures(fn, images);
  const phi0 = features(x0);
  const forward = generator.discriminatorFeaturesForward?.bind(generator);
  return {
    name: 'perceptual',
    m: phi0.shape[1],
    features,
    ...(forward ? { pushForward: (image: Dual) => perceptualTangents(forward, image) } : {}),
    squared: (images) => tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(features(images), phi0)), 1), 0.5) as tf.Tensor1D),
    dispose: () => phi0.dispose(),
  };
}
