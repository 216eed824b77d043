/**
 * Forward-mode differentiation through a network, the way the exact metric needs it: one point and many
 * directions. A `Dual` is a value at one latent (`primal`, batch 1) and its directional derivatives along
 * k directions (`tangent`, batch k, same item shape). `tangent: null` means zero along every direction
 * (the value does not depend on the latent, e.g. StyleGAN's learned constant), which rules use to skip work.
 *
 * Why forward mode: J is n directions wide and m = H·W·C tall with n ≪ m, so pushing the n directions
 * through the network once (each layer maps its tangents linearly) gives all of J at about the cost of a
 * batch-n forward pass. Reverse mode needs m backward passes, and the double-VJP trick that emulates
 * forward mode with reverse mode costs three passes and second derivatives of every op.
 */
import * as tf from '@tensorflow/tfjs';

export interface Dual {
  /** [1, ...s]. */
  primal: tf.Tensor;
  /** [k, ...s], or null for a tangent that is zero along every direction. */
  tangent: tf.Tensor | null;
}

/** How a layer's tangents were computed: its own rule, or a fallback (see fallback.ts). */
export type ForwardMethod = 'rule' | 'double-vjp' | 'fd';

/** A layer that was not pushed forward by a rule, and why: the caller reports it with its results. */
export interface ForwardFallback {
  layer: string;
  className: string;
  method: Exclude<ForwardMethod, 'rule'>;
  reason: string;
}

/** A layer class that carries its own forward-mode rule (the custom layers of src/model/layers.ts). */
export interface ForwardRuleLayer {
  /** Primal as `call` computes it, and the tangents mapped by the layer's derivative at that primal. */
  jvp(inputs: Dual[]): Dual;
}

export function hasForwardRule(layer: object): layer is ForwardRuleLayer {
  return typeof (layer as Partial<ForwardRuleLayer>).jvp === 'function';
}

/** The tangent, or explicit zeros of the primal's item shape for k directions. */
export function tangentOrZeros(d: Dual, k: number): tf.Tensor {
  return d.tangent ?? tf.zeros([k, ...d.primal.shape.slice(1)]);
}

/** The number of directions among some duals (null if every tangent is zero). */
export function directionCount(duals: Dual[]): number | null {
  for (const d of duals) if (d.tangent) return d.tangent.shape[0];
  return null;
}

/** ẏ = f′(x) ⊙ ẋ for a pointwise f, with f′ [1, ...] (at the primal) broadcast over the k directions. */
export function pointwise(tangent: tf.Tensor | null, value: tf.Tensor, slope: () => tf.Tensor): Dual {
  return { primal: value, tangent: tangent ? tf.mul(tangent, slope()) : null };
}
