/**
 * Pixel distance. φ(x) = x / ((hi − lo)·√(H·W·C)), so d² = ½‖φ(x) − φ(x₀)‖² is half the mean squared
 * difference per value, in units of the output range.
 *
 * Why this normalisation: it makes eigenvalues comparable across models. Dividing by the number of
 * values removes the resolution and channel count (a 64×64 RGB model is not "64× more curved" than a
 * 28×28 grey one), and dividing by the range removes the [−1, 1] vs [0, 1] convention. Read as: moving
 * along a unit eigenvector by t changes the image by √λ·t, root-mean-square, as a fraction of its range
 * (a uniform shift of every value by δ·(hi − lo) has d² = ½δ²).
 */
import * as tf from '@tensorflow/tfjs';
import type { AnchoredDistance, ImageFormat } from './types';

export function anchorMse(format: ImageFormat, x0: tf.Tensor4D): AnchoredDistance {
  const [h, w, c] = format.shape;
  const m = h * w * c;
  const scale = 1 / ((format.range[1] - format.range[0]) * Math.sqrt(m));
  const features = (images: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => tf.mul(images.reshape([images.shape[0], m]), scale));
  const phi0 = features(x0);
  return {
    name: 'mse',
    m,
    features,
    // φ is linear, so its tangents are φ of the image tangents.
    pushForward: (image) => ({ tangent: features(image.tangent as tf.Tensor4D), fallbacks: [] }),
    squared: (images) => tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(features(images), phi0)), 1), 0.5) as tf.Tensor1D),
    dispose: () => phi0.dispose(),
  };
}
