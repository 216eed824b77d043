/**
 * Forward-mode rules of pointwise activations: the primal y = f(x) and the slope f′(x) that multiplies
 * every tangent. Names are tfjs-layers' activation class names (`layer.activation.getClassName()`), the
 * `activation` of Dense/Conv layers and of the Activation layer. Slopes at a kink follow tfjs's own
 * gradients (relu′(0) = 0), so forward mode and reverse mode agree everywhere tfjs is defined.
 */
import * as tf from '@tensorflow/tfjs';
import { pointwise, type Dual } from './dual';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

type Slope = (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;

/**
 * `above` where x > 0, else `otherwise`. Masks come from tf.step, never tf.greater/tf.where: a slope may be
 * differentiated again (the likelihood's gradient runs backwards through the forward-mode pass), and tfjs
 * has no gradient for comparisons, while step's is zero.
 */
function below(x: tf.Tensor, above: number, otherwise: tf.Tensor): tf.Tensor {
  const mask = tf.step(x);
  return tf.add(tf.mul(mask, above), tf.mul(tf.sub(1, mask), otherwise));
}

/** f′ given the input x and the output y (whichever is cheaper and accurate). `null`: identity. */
const SLOPES: Record<string, Slope | null> = {
  linear: null,
  relu: (x) => tf.step(x),
  relu6: (x) => tf.mul(tf.step(x), tf.step(tf.sub(6, x))),
  elu: (x, y) => below(x, 1, tf.add(y, 1)),
  selu: (x) => below(x, SELU_SCALE, tf.mul(tf.exp(x), SELU_SCALE * SELU_ALPHA)),
  sigmoid: (_x, y) => tf.mul(y, tf.sub(1, y)),
  hardSigmoid: (x) => {
    const u = tf.add(tf.mul(x, 0.2), 0.5);
    return tf.mul(tf.mul(tf.step(u), tf.step(tf.sub(1, u))), 0.2);
  },
  softplus: (x) => tf.sigmoid(x),
  softsign: (x) => tf.reciprocal(tf.square(tf.add(tf.abs(x), 1))),
  tanh: (_x, y) => tf.sub(1, tf.square(y)),
  swish: (x) => {
    const s = tf.sigmoid(x);
    return tf.add(s, tf.mul(x, tf.mul(s, tf.sub(1, s))));
  },
};

/** The activation names with a forward rule. */
export const ACTIVATIONS_WITH_RULES = Object.keys(SLOPES);

/**
 * y = f(x) and ẏ = f′(x)·ẋ for the activation `name`, with `apply` computing f exactly as the layer does.
 * Undefined if the activation has no rule here (softmax, gelu, mish, …): the caller falls back.
 */
export function activationJvp(name: string, x: Dual, apply: (t: tf.Tensor) => tf.Tensor): Dual | undefined {
  if (!(name in SLOPES)) return undefined;
  const slope = SLOPES[name];
  const y = apply(x.primal);
  if (slope === null) return { primal: y, tangent: x.tangent };
  return pointwise(x.tangent, y, () => slope(x.primal, y));
}

/** Leaky ReLU with slope `alpha` below zero (tfjs's leakyRelu: x > 0 → 1, else alpha). */
export function leakyReluJvp(x: Dual, alpha: number): Dual {
  // tf.step(x, α): 1 above zero, α at and below (as tfjs's own leakyRelu gradient).
  return pointwise(x.tangent, tf.leakyRelu(x.primal, alpha), () => tf.step(x.primal, alpha));
}
