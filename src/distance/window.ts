/**
 * Gaussian local means for SSIM: one window centred on every pixel (σ = 1.5, 11×11, as Wang et al.
 * 2004), truncated at the border and renormalised so its weights sum to one everywhere.
 *
 * Why "same"-size renormalised windows instead of the usual valid-only windows: our images are 28–64 px,
 * and valid 11×11 windows would ignore a 5-pixel frame — a third of a 32×32 image. Renormalising keeps
 * every window a proper weighted average, which the SSIM algebra (Var = E[d²] − E[d]²) relies on.
 *
 * Built from two 1-D conv2d passes on channel planes: conv2d is twice differentiable in tfjs and has
 * fast kernels on every backend (depthwise convolutions lack gradient kernels on wasm).
 */
import * as tf from '@tensorflow/tfjs';

export class GaussianWindow {
  readonly height: number;
  readonly width: number;
  private readonly kh: tf.Tensor4D;
  private readonly kw: tf.Tensor4D;
  /** Total weight of the truncated window at each pixel [1, H, W, 1]. */
  private readonly mass: tf.Tensor4D;

  constructor(height: number, width: number, sigma = 1.5, radius = 5) {
    this.height = height;
    this.width = width;
    const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const total = taps.reduce((a, b) => a + b, 0);
    const g = taps.map((t) => t / total);
    this.kh = tf.tensor4d(g, [g.length, 1, 1, 1]);
    this.kw = tf.tensor4d(g, [1, g.length, 1, 1]);
    this.mass = tf.tidy(() => this.convolve(tf.ones([1, height, width, 1])));
  }

  /** Weighted local mean of every channel: [B, H, W, C] → [B, H, W, C]. */
  mean(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.onPlanes(x, (p) => tf.div(this.convolve(p), this.mass) as tf.Tensor4D));
  }

  /**
   * The adjoint of `mean` (⟨mean(x), y⟩ = ⟨x, meanAdjoint(y)⟩). A symmetric kernel with zero padding is
   * a symmetric matrix, so the adjoint is the same convolution applied after the renormalisation.
   */
  meanAdjoint(y: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.onPlanes(y, (p) => this.convolve(tf.div(p, this.mass) as tf.Tensor4D)));
  }

  dispose(): void {
    tf.dispose([this.kh, this.kw, this.mass]);
  }

  private convolve(planes: tf.Tensor4D): tf.Tensor4D {
    return tf.conv2d(tf.conv2d(planes, this.kh, 1, 'same'), this.kw, 1, 'same');
  }

  /** Apply `f` to every channel as a separate single-channel image ([B·C, H, W, 1]). */
  private onPlanes(x: tf.Tensor4D, f: (planes: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    if (c === 1) return f(x);
    const planes = tf.transpose(x, [0, 3, 1, 2]).reshape([b * c, h, w, 1]) as tf.Tensor4D;
    return tf.transpose(f(planes).reshape([b, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
  }
}
