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

/**
 * x0 may be given as a function that renders it (and hands the tensor over): φ is linear, so the Jacobian,
 * its forward push and M = I never look at the anchor, and only `squared` (bp's d²) needs φ(x₀). Deferring
 * it saves the metric one forward pass of the anchor image (a seventh of a 32-d model's exact metric).
 */
export function anchorMse(format: ImageFormat, x0: tf.Tensor4D | (() => tf.Tensor4D)): AnchoredDistance {
  const [h, w, c] = format.shape;
  const m = h * w * c;
  const scale = 1 / ((format.range[1] - format.range[0]) * Math.sqrt(m));
  const features = (images: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => tf.mul(images.reshape([images.shape[0], m]), scale));
  let phi0: tf.Tensor2D | null = typeof x0 === 'function' ? null : features(x0);
  const anchor = (): tf.Tensor2D => {
    if (phi0 === null) {
      const images = (x0 as () => tf.Tensor4D)();
      phi0 = tf.keep(features(images));
      images.dispose();
    }
    return phi0;
  };
  return {
    name: 'mse',
    m,
    features,
    // φ is linear, so its tangents are φ of the image tangents.
    pushForward: (image) => ({ tangent: features(image.tangent as tf.Tensor4D), fallbacks: [] }),
    squared: (images) => {
      const phi = anchor();
      return tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(features(images), phi)), 1), 0.5) as tf.Tensor1D);
    },
    dispose: () => phi0?.dispose(),
  };
}
