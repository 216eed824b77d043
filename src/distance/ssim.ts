/**
 * SSIM distance d²(x, x₀) = 1 − SSIM(x, x₀): per-channel SSIM with Gaussian windows (window.ts) on
 * images scaled to [0, 1] (so C1 = 0.01², C2 = 0.03², as in Wang et al. 2004), averaged over all
 * windows and channels.
 *
 * SSIM is not a squared-L2 distance of any small feature map, so we do not pretend it is. Instead, the
 * metric is its exact Hessian at x₀, derived in closed form (Gauss–Newton form, no approximation):
 * per window, with d = x − x₀, μ = windowed mean, l and cs SSIM's luminance and contrast-structure terms,
 *   1 − l  = (μ_x − μ₀)² / (μ_x² + μ₀² + C1) = μ(d)² / b(x)
 *   1 − cs = (σ_x² + σ₀² − 2σ_x0) / (σ_x² + σ₀² + C2) = Var(d) / c(x)
 *   1 − l·cs = (1 − l) + (1 − cs) − (1 − l)(1 − cs).
 * Both numerators are quadratics in d that vanish with their gradients at d = 0, so the product term is
 * fourth order and each ratio's Hessian is 2∇²(numerator)/denominator at x₀. With the window mean as a
 * linear map B (weights g_w summing to one), b = 2μ₀² + C1 and c = 2σ₀² + C2 fixed at x₀ and N windows,
 *   M = (2/N) Σ_w [ g_w g_wᵀ / b_w + (diag(g_w) − g_w g_wᵀ) / c_w ]
 *   M t = (2/N) [ Bᵀ(Bt / b) + Bᵀ(1/c) ⊙ t − Bᵀ(Bt / c) ].
 * M is positive semi-definite (diag(g) − ggᵀ is a weighted covariance form) and costs four blurs per
 * tangent; the alternative, a feature map of window-centred patches, would have 121× as many features.
 * The `bp` method differentiates `squared` twice and so checks this derivation (metric.test.ts).
 *
 * `squared` evaluates the (1 − l) + (1 − cs) − (1 − l)(1 − cs) form rather than 1 − l·cs: the same value,
 * but without cancelling 1 against a number within 1e-7 of it near x₀ in float32.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnchoredDistance, ImageFormat } from './types';
import { GaussianWindow } from './window';

const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

export function anchorSsim(format: ImageFormat, x0: tf.Tensor4D): AnchoredDistance {
  const [h, w, c] = format.shape;
  const m = h * w * c;
  const [lo, hi] = format.range;
  const win = new GaussianWindow(h, w);
  const toUnit = (images: tf.Tensor4D) => tf.div(tf.sub(images, lo), hi - lo) as tf.Tensor4D;
  const features = (images: tf.Tensor4D): tf.Tensor2D => tf.tidy(() => toUnit(images).reshape([images.shape[0], m]));

  // Anchor statistics, kept for the life of the anchor.
  const y = tf.tidy(() => toUnit(x0));
  const mu0 = win.mean(y);
  // Same formula as in `squared` (no clamping), so both see the same c at x₀; C2 ≫ round-off keeps c > 0.
  const var0 = tf.tidy(() => tf.sub(win.mean(tf.square(y) as tf.Tensor4D), tf.square(mu0)));
  const invB = tf.tidy(() => tf.reciprocal(tf.add(tf.mul(tf.square(mu0), 2), C1)));
  const invC = tf.tidy(() => tf.reciprocal(tf.add(tf.mul(var0, 2), C2)));
  const adjInvC = win.meanAdjoint(invC as tf.Tensor4D); // Σ_w g_w / c_w at each pixel
  const n = m; // one window per pixel and channel

  const weight = (t: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => {
    const b = t.shape[0];
    const img = t.reshape([b, h, w, c]) as tf.Tensor4D;
    const bt = win.mean(img);
    const lum = win.meanAdjoint(tf.mul(bt, invB) as tf.Tensor4D);
    const structure = tf.sub(tf.mul(adjInvC, img), win.meanAdjoint(tf.mul(bt, invC) as tf.Tensor4D));
    return tf.mul(tf.add(lum, structure), 2 / n).reshape([b, m]) as tf.Tensor2D;
  });

  const squared = (images: tf.Tensor4D): tf.Tensor1D => tf.tidy(() => {
    const x = toUnit(images);
    const d = tf.sub(x, y) as tf.Tensor4D;
    const mu = win.mean(x);
    const muD = win.mean(d);
    const varX = tf.sub(win.mean(tf.square(x) as tf.Tensor4D), tf.square(mu));
    const varD = tf.sub(win.mean(tf.square(d) as tf.Tensor4D), tf.square(muD));
    const oneMinusL = tf.div(tf.square(muD), tf.add(tf.add(tf.square(mu), tf.square(mu0)), C1));
    const oneMinusCs = tf.div(varD, tf.add(tf.add(varX, var0), C2));
    const loss = tf.sub(tf.add(oneMinusL, oneMinusCs), tf.mul(oneMinusL, oneMinusCs));
    return tf.mean(loss.reshape([images.shape[0], m]), 1) as tf.Tensor1D;
  });

  return {
    name: 'ssim',
    m,
    features,
    // φ is affine (x − lo)/(hi − lo): its tangents are the image tangents over the range.
    pushForward: (image) => ({ tangent: tf.tidy(() => tf.div(image.tangent!, hi - lo).reshape([image.tangent!.shape[0], m]) as tf.Tensor2D), fallbacks: [] }),
    weight,
    squared,
    dispose: () => {
      tf.dispose([y, mu0, var0, invB, invC, adjInvC]);
      win.dispose();
    },
  };
}

/** SSIM(x, x₀) per image [B] (1 − `squared`), for display and tests. */
export function ssim(format: ImageFormat, images: tf.Tensor4D, x0: tf.Tensor4D): tf.Tensor1D {
  const d = anchorSsim(format, x0);
  try {
    return tf.tidy(() => tf.sub(1, d.squared(images)) as tf.Tensor1D);
  } finally {
    d.dispose();
  }
}
