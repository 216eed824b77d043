/**
 * Pushes duals (a primal and its tangents, dual.ts) through a tf.LayersModel, layer by layer in the
 * model's own topological order, following the graph's symbolic tensors. Each layer is mapped by:
 * its own `jvp` (the custom layers of src/model/layers.ts), else a Keras rule (kerasRules.ts), else a
 * nested model recursively, else the layer-local fallback (fallback.ts), which is reported.
 *
 * The primal batch must be 1: rules broadcast the primal's derivative over the k directions, and a layer
 * that mixes the batch (minibatch stddev) is defined for an image alone.
 */
import * as tf from '@tensorflow/tfjs';
import { directionCount, hasForwardRule, type Dual, type ForwardFallback } from './dual';
import { KERAS_RULES } from './kerasRules';
import { pushThroughLayer } from './fallback';

/** The graph fields of tfjs-layers' Node and SymbolicTensor used here (not in the public declarations). */
interface GraphNode { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] }
const nodesOf = (layer: tf.layers.Layer) => (layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes;

export interface ForwardPass {
  /** One dual per requested output (default: the model's outputs). */
  outputs: Dual[];
  /** Layers that had no rule, with how their tangents were computed. */
  fallbacks: ForwardFallback[];
}

/**
 * The model's outputs (or the given symbolic tensors of its graph, e.g. a discriminator's feature layers)
 * and their tangents, for inputs given as duals (one per model input; primal batch 1).
 */
export function pushForward(model: tf.LayersModel, inputs: Dual[], outputs: tf.SymbolicTensor[] = model.outputs): ForwardPass {
  if (inputs.length !== model.inputs.length) throw new Error(`Model '${model.name}' has ${model.inputs.length} inputs, got ${inputs.length}.`);
  for (const d of inputs) {
    if (d.primal.shape[0] !== 1) throw new Error(`Forward mode takes one primal (batch 1), got a batch of ${d.primal.shape[0]}.`);
  }
  const values = new Map<number, Dual>();
  model.inputs.forEach((s, i) => values.set(s.id, inputs[i]));
  const fallbacks: ForwardFallback[] = [];
  const done = () => outputs.every((s) => values.has(s.id));
  for (const layer of model.layers) {
    if (done()) break;
    if (layer.getClassName() === 'InputLayer') continue;
    for (const node of nodesOf(layer)) {
      // A shared layer has nodes in other graphs too; take the ones wired into this one.
      if (!node.inputTensors.every((s) => values.has(s.id)) || node.outputTensors.every((s) => values.has(s.id))) continue;
      const ins = node.inputTensors.map((s) => values.get(s.id)!);
      const outs = pushLayer(layer, ins, fallbacks);
      node.outputTensors.forEach((s, i) => values.set(s.id, outs[i]));
    }
  }
  const missing = outputs.filter((s) => !values.has(s.id));
  if (missing.length > 0) throw new Error(`Forward mode could not reach ${missing.map((s) => s.name).join(', ')} of model '${model.name}'.`);
  return { outputs: outputs.map((s) => values.get(s.id)!), fallbacks };
}

function pushLayer(layer: tf.layers.Layer, inputs: Dual[], fallbacks: ForwardFallback[]): Dual[] {
  const k = directionCount(inputs);
  if (k === null) {
    // Constant inputs: a constant output, no derivative to compute.
    const out = layer.apply(inputs.length === 1 ? inputs[0].primal : inputs.map((d) => d.primal), { training: false });
    return (Array.isArray(out) ? out : [out]).map((primal) => ({ primal: primal as tf.Tensor, tangent: null }));
  }
  if (hasForwardRule(layer)) return [layer.jvp(inputs)];
  if (layer instanceof tf.LayersModel) {
    const pass = pushForward(layer, inputs);
    fallbacks.push(...pass.fallbacks);
    return pass.outputs;
  }
  const rule = Object.hasOwn(KERAS_RULES, layer.getClassName()) ? KERAS_RULES[layer.getClassName()] : undefined;
  const ruled = rule?.(layer, inputs);
  if (ruled) return [ruled];
  const { out, method } = pushThroughLayer(layer, inputs, k);
  fallbacks.push({
    layer: layer.name, className: layer.getClassName(), method,
    reason: rule !== undefined ? 'its configuration has no forward rule' : 'no forward rule for this layer class',
  });
  return [out];
}
