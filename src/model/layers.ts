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
 * - Every layer with random initial weights has its own initialiser seed: `seed` if given, else derived
 *   from the layer's name (`layerSeed(0, name)`, FNV-1a of "0/<name>"; Python's `layer_seed`). One seed
 *   per layer class made all layers of a class start from the same random stream, and the four mapping
 *   layers of the first shapes-style model stayed identical through training (issue 11).
 */
import * as tf from '@tensorflow/tfjs';
import { layerSeed } from '../util/random';

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
  constructor(args: { alpha?: number; name?: string } = {}) {
    super(args);
    this.alpha = args.alpha ?? 0.2;
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => tf.add(tf.mul(x, this.alpha), tf.mul(tf.relu(x), 1 - this.alpha)));
  }
  getConfig() {
    return { ...super.getConfig(), alpha: this.alpha };
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
}

/** Normalise each feature vector to unit root-mean-square (ProGAN pixel norm; also used on z). */
export class PixelNorm extends tf.layers.Layer {
  static className = 'PixelNorm';
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-8))));
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
  getConfig() {
    return { ...super.getConfig(), size: this.size, channels: this.channels, ...seedConfig(this.seed) };
  }
}

/** Nearest-neighbour ×2 upsampling from reshape and concat only (twice differentiable). */
export class Upsample2x extends tf.layers.Layer {
  static className = 'Upsample2x';
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], (s[1] as number) * 2, (s[2] as number) * 2, s[3]];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = first(inputs);
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape as number[];
      const cols = tf.concat([x.reshape([b * h, w, 1, c]), x.reshape([b * h, w, 1, c])], 2).reshape([b, h, 1, w * 2 * c]);
      return tf.concat([cols, cols], 2).reshape([b, h * 2, w * 2, c]);
    });
  }
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
