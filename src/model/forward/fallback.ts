/**
 * Tangents through a layer that has no forward rule, computed from the layer alone (not the network):
 *
 * 1. `double-vjp`: the layer's own reverse-mode derivatives, twice (g(u) = Jᵀu is linear in u, so
 *    ∂/∂u ⟨g(u), v⟩ = J v), on k copies of the primal. Exact, but needs tfjs gradients of the layer's
 *    gradients, which some ops lack (ResizeNearestNeighborGrad, EluGrad).
 * 2. `fd`: central differences of the layer along each tangent, the step scaled to the tangent, so only
 *    first-order evaluation is needed. Accurate to ~1e-3 relative for smooth layers (the step is 1e-3 of
 *    the input's scale), worse across kinks; reported so the caller can say so.
 *
 * tfjs 4.22 also computes some second derivatives silently wrong (ops whose gradient reads their saved
 * output: tanh, sigmoid, exp, softmax; see src/model/layers.ts). So a double-VJP result is accepted only
 * if its first direction agrees with a difference quotient along it (2 extra evaluations of the layer).
 * A layer that fails either way once is remembered and goes straight to differences afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dual, ForwardMethod } from './dual';

/** Layers whose double-VJP failed (no second-order gradient in tfjs): go straight to differences. */
const noSecondOrder = new WeakSet<tf.layers.Layer>();
/** Layers whose double-VJP agreed with differences once: not checked again. */
const checkedSecondOrder = new WeakSet<tf.layers.Layer>();

const FD_REL_STEP = 1e-3;

const apply = (layer: tf.layers.Layer, xs: tf.Tensor[]): tf.Tensor =>
  layer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor;

const replicate = (x: tf.Tensor, k: number) => tf.tile(x, [k, ...x.shape.slice(1).map(() => 1)]);

function doubleVjp(layer: tf.layers.Layer, inputs: Dual[], k: number): tf.Tensor {
  const xs = inputs.map((d) => replicate(d.primal, k));
  const moving = inputs.flatMap((d, i) => (d.tangent ? [i] : []));
  const outShape = apply(layer, inputs.map((d) => d.primal)).shape.slice(1);
  const vjpDotTangents = (u: tf.Tensor) => {
    const f = (...moved: tf.Tensor[]) => {
      const all = xs.slice();
      moving.forEach((i, j) => { all[i] = moved[j]; });
      return tf.sum(tf.mul(apply(layer, all), u));
    };
    const grads = tf.grads(f)(moving.map((i) => xs[i]));
    return tf.addN(grads.map((g, j) => tf.sum(tf.mul(g, inputs[moving[j]].tangent!))));
  };
  return tf.grad(vjpDotTangents)(tf.zeros([k, ...outShape]));
}

/** Relative disagreement between the double-VJP and a difference quotient above which the double-VJP is not trusted. */
const AGREEMENT = 1e-2;

function agreesWithDifferences(layer: tf.layers.Layer, inputs: Dual[], tangent: tf.Tensor): boolean {
  return tf.tidy(() => {
    const first = inputs.map((d) => ({ primal: d.primal, tangent: d.tangent ? d.tangent.slice(0, 1) : null }));
    const fd = differences(layer, first, 1);
    const exact = tangent.slice(0, 1);
    const err = tf.norm(tf.sub(fd, exact)).dataSync()[0];
    const size = Math.max(tf.norm(exact).dataSync()[0], tf.norm(fd).dataSync()[0]);
    return size === 0 || err <= AGREEMENT * size;
  });
}

function differences(layer: tf.layers.Layer, inputs: Dual[], k: number): tf.Tensor {
  // One step for all directions: FD_REL_STEP of the inputs' scale over the largest tangent entry.
  let scale = 1, tangentMax = 0;
  for (const d of inputs) {
    scale = Math.max(scale, tf.max(tf.abs(d.primal)).dataSync()[0]);
    if (d.tangent) tangentMax = Math.max(tangentMax, tf.max(tf.abs(d.tangent)).dataSync()[0]);
  }
  if (tangentMax === 0) return tf.zeros([k, ...apply(layer, inputs.map((d) => d.primal)).shape.slice(1)]);
  const eps = (FD_REL_STEP * scale) / tangentMax;
  const shifted = (sign: number) => inputs.map((d) => (d.tangent ? tf.add(replicate(d.primal, k), tf.mul(d.tangent, sign * eps)) : replicate(d.primal, k)));
  return tf.div(tf.sub(apply(layer, shifted(1)), apply(layer, shifted(-1))), 2 * eps);
}

/** The layer's output and tangents without a rule; `method` says how the tangents were obtained. */
export function pushThroughLayer(layer: tf.layers.Layer, inputs: Dual[], k: number): { out: Dual; method: Exclude<ForwardMethod, 'rule'> } {
  const primal = apply(layer, inputs.map((d) => d.primal));
  if (!noSecondOrder.has(layer)) {
    try {
      const tangent = doubleVjp(layer, inputs, k);
      if (checkedSecondOrder.has(layer) || agreesWithDifferences(layer, inputs, tangent)) {
        checkedSecondOrder.add(layer);
        return { out: { primal, tangent }, method: 'double-vjp' };
      }
    } catch {
      // No second-order gradient for one of the layer's ops: differences below.
    }
    noSecondOrder.add(layer);
  }
  return { out: { primal, tangent: differences(layer, inputs, k) }, method: 'fd' };
}
