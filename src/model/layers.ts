/**
 * Custom TF.js layers used by the bundled models, registered for (de)serialisation so that a saved
 * `model.json` loads anywhere `registerCustomLayers()` has run.
 *
 * Design constraints that shape these layers:
 * - Twice differentiable in tfjs 4.22: exact second-order geometry (double-VJP Jacobians, R1 penalties)
 *   differentiates through the gradients. So: no `leakyRelu` (its gradient is not differentiable in
 *   tfjs), no `resizeNearestNeighbor` (its gradient has no gradient); nearest upsampling is written with
 *   reshape + pad + add, and leaky ReLU as a·x + (1−a)·relu(x).
 * - tfjs 4.22 gives WRONG second derivatives through ops whose gradient reads their saved output
 *   (tanh, sigmoid, exp, elu, softmax): the saved output is a clone the tape does not connect to the
 *   input (measured: d/dw of a tanh network's input gradient off by 6×; see layers.test.ts). So the
 *   output squashing is `SoftClip`, x/√(1+x²), whose gradient reads only its input.
 * - Deterministic: no noise inputs, so G is a function of its latent alone, as geometry needs.
 * - Equalised learning rate (weights stored ~N(0,1), scaled at run time by 1/√fan_in), as in
 *   ProGAN/StyleGAN: it keeps Adam's effective step comparable across layers of different width.
 * - Forward mode: every layer carries its own `jvp` rule (src/model/forward/dual.ts): its output at one
 *   primal and the tangents of k directions mapped by its derivative there, next to the `call` it
 *   differentiates. The exact metric pushes all n latent directions through the network that way.
 * - Every layer with random initial weights has its own initialiser seed: `seed` if given, else derived
 *   from the layer's name (`layerSeed(0, name)`, FNV-1a of "0/<name>"; Python's `layer_seed`). One seed
 *   per layer class made all layers of a class start from the same random stream, and the four mapping
 *   layers of the first shapes-style model stayed identical through training (issue 11).
 */
import * as tf from '@tensorflow/tfjs';
import { layerSeed } from '../util/random';
import { pointwise, type Dual } from './forward/dual';

type Shape = (number | null)[];
const first = (x: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(x) ? x[0] : x);

/** The affine of a ModConv2D draws from the layer's seed XOR this (as in training/atlas_train/layers.py). */
export const AFFINE_SEED_XOR = 0x5bd1e995;

/** The initialiser seed of a layer: the given one, else one derived from its name. */
const seedOf = (seed: number | undefined, name: string): number => seed ?? layerSeed(0, name);

/** N(0, stddev²) initialiser with a layer seed. tfjs treats seed 0 as "unseeded" (Math.random), so 0 is passed as 2³², which no 32-bit seed equals. */
const normalInit = (stddev: number, seed: number) =>
  tf.initializers.randomNormal({ mean: 0, stddev, seed: seed === 0 ? 2 ** 32 : seed });

/** The `seed` entry of a config: only when one was given (otherwise the name gives it again on reload). */
const seedConfig = (seed: number | undefined): tf.serialization.ConfigDict => (seed === undefined ? {} : { seed });

/** Leaky ReLU as a·x + (1−a)·relu(x): identical values, but differentiable twice in tfjs. */
export class LeakyReLU2 extends tf.layers.Layer {
  static className = 'LeakyReLU2';
  readonly alpha: number;
  /**
   * Output scale (default 1). StyleGAN's √2 keeps unit variance through a leaky ReLU, which a network without
   * normalisation layers (the style synthesis and mapping) needs: without it every layer shrinks the signal by
   * ~0.7 and a 64-px generator's image and W barely vary with z.
   */
  readonly gain: number;
  constructor(args: { alpha?: number; gain?: number; name?: string } = {}) {
    super(args);
    this.alpha = args.alpha ?? 0.2;
    this.gain = args.gain ?? 1;
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    const [a, b] = [this.alpha * this.gain, (1 - this.alpha) * this.gain];
    return tf.tidy(() => tf.add(tf.mul(x, a), tf.mul(tf.relu(x), b)));
  }
  /** Slope gain above zero, gain·alpha at and below (relu′(0) = 0 in tfjs): tf.step(x, α), which, unlike a comparison, has a gradient. */
  jvp([x]: Dual[]): Dual {
    return pointwise(x.tangent, this.call(x.primal), () => (this.gain === 1 ? tf.step(x.primal, this.alpha) : tf.mul(tf.step(x.primal, this.alpha), this.gain)));
  }
  getConfig() {
    return { ...super.getConfig(), alpha: this.alpha, ...(this.gain === 1 ? {} : { gain: this.gain }) };
  }
}

/**
 * Smooth clip to (−1, 1): x / √(1 + x²). Plays tanh's role at the generator output, but built from
 * ops whose gradients read their inputs, so second derivatives are right in tfjs.
 */
export class SoftClip extends tf.layers.Layer {
  static className = 'SoftClip';
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.square(x), 1))));
  }
  /** Slope (1 + x²)^(−3/2). */
  jvp([x]: Dual[]): Dual {
    return pointwise(x.tangent, this.call(x.primal), () => tf.pow(tf.rsqrt(tf.add(tf.square(x.primal), 1)), 3));
  }
}

/** Normalise each feature vector to unit root-mean-square (ProGAN pixel norm; also used on z). */
export class PixelNorm extends tf.layers.Layer {
  static className = 'PixelNorm';
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-8))));
  }
  /** y = x·r with r = (mean x² + ε)^(−½): ẏ = r·ẋ − x·r³·mean(x ⊙ ẋ), means over the last axis. */
  jvp([x]: Dual[]): Dual {
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(x.primal), -1, true), 1e-8));
    const primal = tf.mul(x.primal, r);
    if (!x.tangent) return { primal, tangent: null };
    const along = tf.mean(tf.mul(x.tangent, x.primal), -1, true);
    return { primal, tangent: tf.mul(tf.sub(x.tangent, tf.mul(primal, tf.mul(along, r))), r) };
  }
}

/** Dense layer with equalised learning rate and a learning-rate multiplier (mapping networks use < 1). */
export class EqDense extends tf.layers.Layer {
  static className = 'EqDense';
  readonly units: number;
  readonly lrMul: number;
  readonly biasInit: number;
  /** The seed given, if any; `initSeed` is the one used. */
  readonly seed?: number;
  readonly initSeed: number;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private scale = 1;
  constructor(args: { units: number; lrMul?: number; biasInit?: number; seed?: number; name?: string }) {
    super(args);
    this.units = args.units;
    this.lrMul = args.lrMul ?? 1;
    this.biasInit = args.biasInit ?? 0;
    this.seed = args.seed;
    this.initSeed = seedOf(args.seed, this.name);
  }
  build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inDim = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32',
      normalInit(1 / this.lrMul, this.initSeed));
    this.bias = this.addWeight('bias', [this.units], 'float32',
      tf.initializers.constant({ value: this.biasInit / this.lrMul }));
    this.scale = this.lrMul / Math.sqrt(inDim);
    this.built = true;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() =>
      tf.add(tf.matMul(x as tf.Tensor2D, tf.mul(this.kernel.read(), this.scale) as tf.Tensor2D),
        tf.mul(this.bias.read(), this.lrMul)));
  }
  /** Linear part: tangents times the scaled kernel. */
  jvp([x]: Dual[]): Dual {
    const kernel = tf.mul(this.kernel.read(), this.scale) as tf.Tensor2D;
    return {
      primal: tf.add(tf.matMul(x.primal as tf.Tensor2D, kernel), tf.mul(this.bias.read(), this.lrMul)),
      tangent: x.tangent ? tf.matMul(x.tangent as tf.Tensor2D, kernel) : null,
    };
  }
  getConfig() {
    return { ...super.getConfig(), units: this.units, lrMul: this.lrMul, biasInit: this.biasInit, ...seedConfig(this.seed) };
  }
}

/** Plain 2-D convolution (NHWC, 'same' padding) with equalised learning rate. */
export class EqConv2D extends tf.layers.Layer {
  static className = 'EqConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  /** The seed given, if any; `initSeed` is the one used. */
  readonly seed?: number;
  readonly initSeed: number;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private scale = 1;
  constructor(args: { filters: number; kernelSize: number; strides?: number; seed?: number; name?: string }) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.seed = args.seed;
    this.initSeed = seedOf(args.seed, this.name);
  }
  build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const cin = shape[3] as number;
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, cin, this.filters], 'float32',
      normalInit(1, this.initSeed));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.scale = 1 / Math.sqrt(k * k * cin);
    this.built = true;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const down = (v: number | null) => (v === null ? null : Math.ceil(v / this.strides));
    return [s[0], down(s[1]), down(s[2]), this.filters];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs) as tf.Tensor4D;
    return tf.tidy(() =>
      tf.add(tf.conv2d(x, tf.mul(this.kernel.read(), this.scale) as tf.Tensor4D, this.strides, 'same'),
        this.bias.read()));
  }
  /** Linear part: tangents convolved with the scaled kernel, no bias. */
  jvp([x]: Dual[]): Dual {
    const kernel = tf.mul(this.kernel.read(), this.scale) as tf.Tensor4D;
    const conv = (t: tf.Tensor) => tf.conv2d(t as tf.Tensor4D, kernel, this.strides, 'same');
    return { primal: tf.add(conv(x.primal), this.bias.read()), tangent: x.tangent ? conv(x.tangent) : null };
  }
  getConfig() {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, ...seedConfig(this.seed) };
  }
}

/**
 * StyleGAN2 modulated convolution: inputs [x, w]. The style s = A·w + 1 scales the input channels;
 * with `demodulate`, each output channel is rescaled to unit expected variance. Modulating the
 * activations (not per-sample weights) keeps it a single batched conv2d, which is fast on wasm.
 */
export class ModConv2D extends tf.layers.Layer {
  static className = 'ModConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly demodulate: boolean;
  /** The seed given, if any; `initSeed` is the one used (the kernel's; the affine's is initSeed ^ AFFINE_SEED_XOR). */
  readonly seed?: number;
  readonly initSeed: number;
  private kernel!: tf.LayerVariable;
  private affine!: tf.LayerVariable;
  private affineBias!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private scale = 1;
  private affineScale = 1;
  constructor(args: { filters: number; kernelSize: number; demodulate?: boolean; seed?: number; name?: string }) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.demodulate = args.demodulate ?? true;
    this.seed = args.seed;
    this.initSeed = seedOf(args.seed, this.name);
  }
  build(inputShape: Shape | Shape[]): void {
    const [xs, ws] = inputShape as Shape[];
    const cin = xs[3] as number;
    const wDim = ws[ws.length - 1] as number;
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, cin, this.filters], 'float32',
      normalInit(1, this.initSeed));
    this.affine = this.addWeight('affine', [wDim, cin], 'float32',
      normalInit(1, (this.initSeed ^ AFFINE_SEED_XOR) >>> 0));
    this.affineBias = this.addWeight('affine_bias', [cin], 'float32', tf.initializers.ones());
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.scale = 1 / Math.sqrt(k * k * cin);
    this.affineScale = 1 / Math.sqrt(wDim);
    this.built = true;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const xs = (inputShape as Shape[])[0];
    return [xs[0], xs[1], xs[2], this.filters];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, w] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const b = x.shape[0] as number;
      const cin = x.shape[3] as number;
      const style = tf.add(tf.matMul(w as tf.Tensor2D, tf.mul(this.affine.read(), this.affineScale) as tf.Tensor2D),
        this.affineBias.read()); // [B, cin]
      const weight = tf.mul(this.kernel.read(), this.scale) as tf.Tensor4D;
      let y = tf.conv2d(tf.mul(x, style.reshape([b, 1, 1, cin])) as tf.Tensor4D, weight, 1, 'same');
      if (this.demodulate) {
        const energy = tf.sum(tf.square(weight), [0, 1]) as tf.Tensor2D; // [cin, cout]
        const d = tf.rsqrt(tf.add(tf.matMul(tf.square(style) as tf.Tensor2D, energy), 1e-8)); // [B, cout]
        y = tf.mul(y, d.reshape([b, 1, 1, this.filters]));
      }
      return tf.add(y, this.bias.read());
    });
  }
  /**
   * Through the feature and the style path: with s = A·w + b, y = d(s) ⊙ conv(x ⊙ s, K) + bias and
   * d(s) = (s² E + ε)^(−½) (E = Σ_taps K²), the product rule gives
   *   ẏ = d ⊙ conv(ẋ ⊙ s + x ⊙ ṡ, K) + ḋ ⊙ conv(x ⊙ s, K),  ḋ = −d³ ⊙ ((s ⊙ ṡ) E),  ṡ = A·ẇ.
   * Both convolutions of tangents are one batched conv over the k directions.
   */
  jvp([x, w]: Dual[]): Dual {
    const cin = x.primal.shape[3] as number;
    const affine = tf.mul(this.affine.read(), this.affineScale) as tf.Tensor2D;
    const weight = tf.mul(this.kernel.read(), this.scale) as tf.Tensor4D;
    const conv = (t: tf.Tensor) => tf.conv2d(t as tf.Tensor4D, weight, 1, 'same');
    const channels = (t: tf.Tensor, c: number) => t.reshape([t.shape[0], 1, 1, c]);
    const style = tf.add(tf.matMul(w.primal as tf.Tensor2D, affine), this.affineBias.read()); // [1, cin]
    const styleTangent = w.tangent ? tf.matMul(w.tangent as tf.Tensor2D, affine) : null; // [k, cin]
    const pre = conv(tf.mul(x.primal, channels(style, cin)));
    const parts: tf.Tensor[] = [];
    if (x.tangent) parts.push(tf.mul(x.tangent, channels(style, cin)));
    if (styleTangent) parts.push(tf.mul(x.primal, channels(styleTangent, cin)));
    let preTangent: tf.Tensor | null = parts.length === 0 ? null : conv(parts.length === 1 ? parts[0] : tf.add(parts[0], parts[1]));
    if (!this.demodulate) return { primal: tf.add(pre, this.bias.read()), tangent: preTangent };
    const energy = tf.sum(tf.square(weight), [0, 1]) as tf.Tensor2D; // [cin, cout]
    const d = tf.rsqrt(tf.add(tf.matMul(tf.square(style) as tf.Tensor2D, energy), 1e-8)); // [1, cout]
    const primal = tf.add(tf.mul(pre, channels(d, this.filters)), this.bias.read());
    if (preTangent) preTangent = tf.mul(preTangent, channels(d, this.filters));
    if (styleTangent) {
      const dTangent = tf.mul(tf.neg(tf.pow(d, 3)), tf.matMul(tf.mul(styleTangent, style) as tf.Tensor2D, energy)); // [k, cout]
      const fromDemod = tf.mul(pre, channels(dTangent, this.filters));
      preTangent = preTangent ? tf.add(preTangent, fromDemod) : fromDemod;
    }
    return { primal, tangent: preTangent };
  }
  getConfig() {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, demodulate: this.demodulate, ...seedConfig(this.seed) };
  }
}

/** A learned constant [1, size, size, C], repeated over the batch of its (otherwise unused) input. */
export class ConstInput extends tf.layers.Layer {
  static className = 'ConstInput';
  readonly size: number;
  readonly channels: number;
  /** The seed given, if any; `initSeed` is the one used. */
  readonly seed?: number;
  readonly initSeed: number;
  private value!: tf.LayerVariable;
  constructor(args: { size: number; channels: number; seed?: number; name?: string }) {
    super(args);
    this.size = args.size;
    this.channels = args.channels;
    this.seed = args.seed;
    this.initSeed = seedOf(args.seed, this.name);
  }
  build(): void {
    this.value = this.addWeight('value', [1, this.size, this.size, this.channels], 'float32',
      normalInit(1, this.initSeed));
    this.built = true;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], this.size, this.size, this.channels];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const b = first(inputs).shape[0] as number;
    return tf.tidy(() => tf.tile(this.value.read(), [b, 1, 1, 1]));
  }
  /** A constant: no tangent. */
  jvp([x]: Dual[]): Dual {
    return { primal: this.call(x.primal), tangent: null };
  }
  getConfig() {
    return { ...super.getConfig(), size: this.size, channels: this.channels, ...seedConfig(this.seed) };
  }
}

export type UpsampleInterpolation = 'nearest' | 'bilinear';

/**
 * ×2 upsampling from slice, reshape and concat only (twice differentiable), nearest-neighbour by default or
 * bilinear with half-pixel centres and clamped edges: each output pixel is ¾ of its source and ¼ of the neighbour
 * on its side (StyleGAN2's [1, 3, 3, 1] filter; PyTorch's `interpolate(mode='bilinear', align_corners=False)`).
 * The config names the interpolation only when it is bilinear, so earlier models load unchanged.
 */
export class Upsample2x extends tf.layers.Layer {
  static className = 'Upsample2x';
  readonly interpolation: UpsampleInterpolation;
  constructor(args: { interpolation?: string; name?: string } = {}) {
    super(args);
    const mode = args.interpolation ?? 'nearest';
    if (mode !== 'nearest' && mode !== 'bilinear') {
      throw new Error(`Upsample2x: unknown interpolation '${mode}' (this app draws 'nearest' or 'bilinear')`);
    }
    this.interpolation = mode;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], (s[1] as number) * 2, (s[2] as number) * 2, s[3]];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => {
      if (this.interpolation === 'bilinear') return bilinearAlong(bilinearAlong(x as tf.Tensor4D, 1), 2);
      const [b, h, w, c] = x.shape as number[];
      const cols = tf.concat([x.reshape([b * h, w, 1, c]), x.reshape([b * h, w, 1, c])], 2).reshape([b, h, 1, w * 2 * c]);
      return tf.concat([cols, cols], 2).reshape([b, h * 2, w * 2, c]);
    });
  }
  /** Linear: tangents are upsampled the same way. */
  jvp([x]: Dual[]): Dual {
    return { primal: this.call(x.primal), tangent: x.tangent ? this.call(x.tangent) : null };
  }
  getConfig() {
    return { ...super.getConfig(), ...(this.interpolation === 'nearest' ? {} : { interpolation: this.interpolation }) };
  }
}

/** Doubles NHWC `x` along `axis` (1: rows, 2: columns) by half-pixel linear interpolation, edges clamped. */
function bilinearAlong(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis];
  const slice = (from: number, count: number) => {
    const begin = [0, 0, 0, 0];
    const size: number[] = [...x.shape];
    begin[axis] = from;
    size[axis] = count;
    return x.slice(begin, size);
  };
  const before = n > 1 ? tf.concat([slice(0, 1), slice(0, n - 1)], axis) : x; // x[i − 1], clamped at 0
  const after = n > 1 ? tf.concat([slice(1, n - 1), slice(n - 1, 1)], axis) : x; // x[i + 1], clamped at n − 1
  const even = x.mul(0.75).add(before.mul(0.25));
  const odd = x.mul(0.75).add(after.mul(0.25));
  const shape = [...x.shape];
  shape[axis] = 2 * n;
  return tf.stack([even, odd], axis + 1).reshape(shape) as tf.Tensor4D;
}

/** Picks style `index` out of w+ [B, L, D] → [B, D]. */
export class StyleSlice extends tf.layers.Layer {
  static className = 'StyleSlice';
  readonly index: number;
  constructor(args: { index: number; name?: string }) {
    super(args);
    this.index = args.index;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], s[2]];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => {
      const [b, , d] = x.shape as number[];
      return x.slice([0, this.index, 0], [b, 1, d]).reshape([b, d]);
    });
  }
  /** Linear: the same slice of the tangents. */
  jvp([x]: Dual[]): Dual {
    return { primal: this.call(x.primal), tangent: x.tangent ? this.call(x.tangent) : null };
  }
  getConfig() {
    return { ...super.getConfig(), index: this.index };
  }
}

/**
 * Minibatch standard deviation (ProGAN): appends one channel holding the average standard deviation of
 * features across groups of samples, so the discriminator can see a lack of variety (mode collapse).
 * The group is the largest divisor of the batch not above `groupSize`; a batch of one gets zeros.
 */
export class MinibatchStd extends tf.layers.Layer {
  static className = 'MinibatchStd';
  readonly groupSize: number;
  constructor(args: { groupSize?: number; name?: string } = {}) {
    super(args);
    this.groupSize = args.groupSize ?? 4;
  }
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], s[1], s[2], (s[3] as number) + 1];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape as number[];
      let g = Math.min(this.groupSize, b);
      while (b % g !== 0) g--;
      const grouped = x.reshape([g, b / g, h * w * c]);
      const centred = tf.sub(grouped, tf.mean(grouped, 0, true));
      const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [b/g, hwc]
      const perGroup = tf.mean(std, 1).reshape([1, b / g, 1, 1]); // [1, b/g, 1, 1]
      const stat = tf.tile(perGroup, [g, 1, h, w]).reshape([b, h, w, 1]);
      return tf.concat([x, stat], 3);
    });
  }
  /**
   * For one image (the primal batch of forward mode) the group is that image alone, its deviation from
   * the group mean is zero and the statistic is the constant √ε, whose derivative is zero: the appended
   * channel's tangent is zero. (Defined per image, as the perceptual distance defines its features.)
   */
  jvp([x]: Dual[]): Dual {
    const primal = this.call(x.primal);
    if (!x.tangent) return { primal, tangent: null };
    const [k, h, w] = x.tangent.shape as number[];
    return { primal, tangent: tf.concat([x.tangent, tf.zeros([k, h, w, 1])], 3) };
  }
  getConfig() {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}

export const CUSTOM_LAYERS = [LeakyReLU2, SoftClip, PixelNorm, EqDense, EqConv2D, ModConv2D, ConstInput, Upsample2x, StyleSlice, MinibatchStd];

let registered = false;
/** Make the custom layers known to `tf.loadLayersModel` (idempotent). */
export function registerCustomLayers(): void {
  if (registered) return;
  registered = true;
  for (const cls of CUSTOM_LAYERS) tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
