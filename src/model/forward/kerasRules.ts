/**
 * Forward-mode rules of the standard Keras layers a TF.js generator is made of. A rule returns the
 * layer's output for the primal and the tangents mapped by the layer's derivative at that primal, or
 * undefined when the layer's configuration is one it does not cover (channels-first data, an activation
 * without a rule): the interpreter then falls back (fallback.ts) and says so.
 *
 * - Affine layers (Dense, Conv2D, Conv2DTranspose) map tangents by their linear part (no bias), then
 *   their activation's slope at the pre-activation.
 * - Linear layers without weights (Reshape, Flatten, UpSampling2D, padding, cropping, average pooling,
 *   Permute, RepeatVector) map tangents by calling themselves on them: exact, since they are linear.
 * - Inference-time identities (Dropout and noise layers) pass tangents through.
 * - BatchNormalization in inference is affine per channel: tangents scale by γ/√(σ² + ε).
 * - Merges: Add/Subtract/Average are linear; Concatenate joins tangents (zeros for constant inputs);
 *   Multiply by the product rule.
 */
import * as tf from '@tensorflow/tfjs';
import { activationJvp, leakyReluJvp } from './activations';
import { directionCount, pointwise, tangentOrZeros, type Dual } from './dual';

/** The tfjs-layers fields the rules read (public in JavaScript, not in the TypeScript declarations). */
interface LayerFields {
  kernel?: tf.LayerVariable;
  bias?: tf.LayerVariable | null;
  activation?: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
  strides?: number[];
  padding?: 'same' | 'valid';
  dataFormat?: string;
  dilationRate?: number | number[];
  filters?: number;
  kernelSize?: number[];
  alpha?: number;
  maxValue?: number | null;
  axis?: number;
  epsilon?: number;
  gamma?: tf.LayerVariable | null;
  movingVariance?: tf.LayerVariable;
}

export type KerasRule = (layer: tf.layers.Layer, inputs: Dual[]) => Dual | undefined;

const fields = (layer: tf.layers.Layer) => layer as unknown as LayerFields;
const applyLayer = (layer: tf.layers.Layer, x: tf.Tensor | tf.Tensor[]) => layer.apply(x, { training: false }) as tf.Tensor;

/** An affine layer: pre = linear(x) + bias, y = activation(pre). */
function affine(layer: tf.layers.Layer, x: Dual, linear: (t: tf.Tensor) => tf.Tensor): Dual | undefined {
  const f = fields(layer);
  const bias = f.bias ? f.bias.read() : null;
  const pre: Dual = {
    primal: bias ? tf.add(linear(x.primal), bias) : linear(x.primal),
    tangent: x.tangent ? linear(x.tangent) : null,
  };
  const act = f.activation;
  if (!act) return pre;
  return activationJvp(act.getClassName(), pre, (t) => act.apply(t));
}

const dense: KerasRule = (layer, [x]) => {
  const kernel = fields(layer).kernel!.read() as tf.Tensor2D;
  const [inDim, units] = kernel.shape;
  return affine(layer, x, (t) => tf.matMul(t.reshape([-1, inDim]), kernel).reshape([...t.shape.slice(0, -1), units]));
};

const conv2d: KerasRule = (layer, [x]) => {
  const f = fields(layer);
  if (f.dataFormat !== 'channelsLast') return undefined;
  const kernel = f.kernel!.read() as tf.Tensor4D;
  const dilation = (typeof f.dilationRate === 'number' ? [f.dilationRate, f.dilationRate] : f.dilationRate) as [number, number];
  return affine(layer, x, (t) => tf.conv2d(t as tf.Tensor4D, kernel, f.strides as [number, number], f.padding!, 'NHWC', dilation));
};

/** Output length of a transposed convolution (tfjs-layers' deconvLength). */
function deconvLength(size: number, stride: number, kernel: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? size * stride : size * stride + Math.max(kernel - stride, 0);
}

const conv2dTranspose: KerasRule = (layer, [x]) => {
  const f = fields(layer);
  if (f.dataFormat !== 'channelsLast') return undefined;
  const kernel = f.kernel!.read() as tf.Tensor4D;
  const [sh, sw] = f.strides as [number, number];
  const [kh, kw] = f.kernelSize as [number, number];
  const [, h, w] = x.primal.shape as number[];
  const out = [deconvLength(h, sh, kh, f.padding!), deconvLength(w, sw, kw, f.padding!), f.filters!];
  return affine(layer, x, (t) => tf.conv2dTranspose(t as tf.Tensor4D, kernel, [t.shape[0], ...out] as [number, number, number, number], [sh, sw], f.padding!));
};

const batchNormalization: KerasRule = (layer, [x]) => {
  const f = fields(layer);
  const rank = x.primal.rank;
  const axis = f.axis! >= 0 ? f.axis! : f.axis! + rank;
  const shape = x.primal.shape.map((d, i) => (i === axis ? d : 1));
  const primal = applyLayer(layer, x.primal);
  if (!x.tangent) return { primal, tangent: null };
  let scale = tf.rsqrt(tf.add(f.movingVariance!.read(), f.epsilon!));
  if (f.gamma) scale = tf.mul(scale, f.gamma.read());
  return { primal, tangent: tf.mul(x.tangent, scale.reshape(shape)) };
};

/** Linear layers without weights: tangents go through the layer itself. */
const linearLayer: KerasRule = (layer, [x]) => ({
  primal: applyLayer(layer, x.primal),
  tangent: x.tangent ? applyLayer(layer, x.tangent) : null,
});

/** Identities at inference (dropout, noise). */
const inferenceIdentity: KerasRule = (_layer, [x]) => x;

const activation: KerasRule = (layer, [x]) => {
  const act = fields(layer).activation!;
  return activationJvp(act.getClassName(), x, (t) => act.apply(t));
};

const relu: KerasRule = (layer, [x]) => {
  const max = fields(layer).maxValue;
  const primal = applyLayer(layer, x.primal);
  // Masks by tf.step (differentiable: zero gradient), not comparisons (see activations.ts).
  return pointwise(x.tangent, primal, () => (max == null ? tf.step(x.primal) : tf.mul(tf.step(x.primal), tf.step(tf.sub(max, x.primal)))));
};

/** Sum of the inputs' tangents (skipping constants), each scaled by `weight`. */
function linearMerge(weight: (count: number) => number[]): KerasRule {
  return (layer, inputs) => {
    const primal = applyLayer(layer, inputs.map((d) => d.primal));
    const w = weight(inputs.length);
    const parts = inputs.flatMap((d, i) => (d.tangent ? [w[i] === 1 ? d.tangent : tf.mul(d.tangent, w[i])] : []));
    return { primal, tangent: parts.length === 0 ? null : parts.length === 1 ? parts[0] : tf.addN(parts) };
  };
}

const concatenate: KerasRule = (layer, inputs) => {
  const primal = applyLayer(layer, inputs.map((d) => d.primal));
  const k = directionCount(inputs);
  if (k === null) return { primal, tangent: null };
  return { primal, tangent: applyLayer(layer, inputs.map((d) => tangentOrZeros(d, k))) };
};

const multiply: KerasRule = (layer, inputs) => {
  const primal = applyLayer(layer, inputs.map((d) => d.primal));
  // d(Π xᵢ) = Σᵢ ẋᵢ Π_{j≠i} xⱼ
  const parts = inputs.flatMap((d, i) => {
    if (!d.tangent) return [];
    let term = d.tangent;
    inputs.forEach((o, j) => { if (j !== i) term = tf.mul(term, o.primal); });
    return [term];
  });
  return { primal, tangent: parts.length === 0 ? null : tf.addN(parts) };
};

export const KERAS_RULES: Record<string, KerasRule> = {
  Dense: dense,
  Conv2D: conv2d,
  Conv2DTranspose: conv2dTranspose,
  BatchNormalization: batchNormalization,
  Reshape: linearLayer,
  Flatten: linearLayer,
  UpSampling2D: linearLayer,
  ZeroPadding2D: linearLayer,
  Cropping2D: linearLayer,
  AveragePooling2D: linearLayer,
  GlobalAveragePooling2D: linearLayer,
  Permute: linearLayer,
  RepeatVector: linearLayer,
  Dropout: inferenceIdentity,
  SpatialDropout1D: inferenceIdentity,
  GaussianNoise: inferenceIdentity,
  GaussianDropout: inferenceIdentity,
  AlphaDropout: inferenceIdentity,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: (layer, [x]) => leakyReluJvp(x, fields(layer).alpha!),
  ELU: (layer, [x]) => activationJvp('elu', x, (t) => applyLayer(layer, t)),
  Add: linearMerge((n) => Array(n).fill(1)),
  Subtract: linearMerge(() => [1, -1]),
  Average: linearMerge((n) => Array(n).fill(1 / n)),
  Concatenate: concatenate,
  Multiply: multiply,
};
