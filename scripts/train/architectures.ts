/**
 * Network definitions of the bundled models. Only training needs them: at run time the app loads the
 * saved TF.js layers models (topology + weights), so a model's shape lives in its model.json.
 */
import * as tf from '@tensorflow/tfjs';
import {
  ConstInput, EqConv2D, EqDense, LeakyReLU2, MinibatchStd, ModConv2D, PixelNorm, SoftClip, StyleSlice, Upsample2x,
} from '../../src/model/layers';

const lrelu = (name?: string) => new LeakyReLU2({ alpha: 0.2, name });

export interface StyleSpec {
  zDim: number;
  wDim: number;
  mappingLayers: number;
  /** Channels per resolution, starting at 4×4 and doubling the side each entry. */
  channels: number[];
  outChannels: number;
}

/** Number of style inputs the synthesis network consumes: one conv at 4×4, two per later resolution, one toRGB. */
export function styleLayerCount(spec: StyleSpec): number {
  return 1 + 2 * (spec.channels.length - 1) + 1;
}

export function buildMapping(spec: StyleSpec): tf.LayersModel {
  const z = tf.input({ shape: [spec.zDim], name: 'z' });
  let h = new PixelNorm({ name: 'z_norm' }).apply(z) as tf.SymbolicTensor;
  for (let i = 0; i < spec.mappingLayers; i++) {
    h = new EqDense({ units: spec.wDim, lrMul: 0.1, name: `map_dense${i}` }).apply(h) as tf.SymbolicTensor;
    h = lrelu(`map_act${i}`).apply(h) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: z, outputs: h, name: 'mapping' });
}

/** Synthesis from w+ [L, wDim]: a learned 4×4 constant, modulated convs, nearest upsampling, toRGB, soft clip to (−1, 1). */
export function buildSynthesis(spec: StyleSpec): tf.LayersModel {
  const L = styleLayerCount(spec);
  const wplus = tf.input({ shape: [L, spec.wDim], name: 'wplus' });
  const style = (i: number) => new StyleSlice({ index: i, name: `style${i}` }).apply(wplus) as tf.SymbolicTensor;
  let s = 0;
  let x = new ConstInput({ size: 4, channels: spec.channels[0], name: 'const' }).apply(wplus) as tf.SymbolicTensor;
  const modconv = (c: number, name: string) => {
    x = new ModConv2D({ filters: c, kernelSize: 3, name }).apply([x, style(s++)]) as tf.SymbolicTensor;
    x = lrelu(`${name}_act`).apply(x) as tf.SymbolicTensor;
  };
  modconv(spec.channels[0], 'conv4');
  for (let r = 1; r < spec.channels.length; r++) {
    const res = 4 << r;
    x = new Upsample2x({ name: `up${res}` }).apply(x) as tf.SymbolicTensor;
    modconv(spec.channels[r], `conv${res}a`);
    modconv(spec.channels[r], `conv${res}b`);
  }
  x = new ModConv2D({ filters: spec.outChannels, kernelSize: 1, demodulate: false, name: 'to_rgb' })
    .apply([x, style(s++)]) as tf.SymbolicTensor;
  const out = new SoftClip({ name: 'image' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: wplus, outputs: out, name: 'synthesis' });
}

export interface DcganSpec {
  zDim: number;
  /** Side of the first feature map (4 for 32×32 outputs, 7 for 28×28). */
  baseSize: number;
  /** Channels per resolution, starting at baseSize and doubling the side each entry. */
  channels: number[];
  outChannels: number;
}

/** z-space generator: dense to a base map, then (nearest ×2, 3×3 conv, pixel norm) blocks; soft-clipped output. */
export function buildDcganGenerator(spec: DcganSpec): tf.LayersModel {
  const z = tf.input({ shape: [spec.zDim], name: 'z' });
  const c0 = spec.channels[0];
  let x = new PixelNorm({ name: 'z_norm' }).apply(z) as tf.SymbolicTensor;
  x = new EqDense({ units: spec.baseSize * spec.baseSize * c0, name: 'fc' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [spec.baseSize, spec.baseSize, c0], name: 'fc_reshape' }).apply(x) as tf.SymbolicTensor;
  x = lrelu('fc_act').apply(x) as tf.SymbolicTensor;
  x = new PixelNorm({ name: 'fc_norm' }).apply(x) as tf.SymbolicTensor;
  const block = (c: number, name: string) => {
    x = new EqConv2D({ filters: c, kernelSize: 3, name }).apply(x) as tf.SymbolicTensor;
    x = lrelu(`${name}_act`).apply(x) as tf.SymbolicTensor;
    x = new PixelNorm({ name: `${name}_norm` }).apply(x) as tf.SymbolicTensor;
  };
  block(c0, 'conv_base');
  for (let r = 1; r < spec.channels.length; r++) {
    const res = spec.baseSize << r;
    x = new Upsample2x({ name: `up${res}` }).apply(x) as tf.SymbolicTensor;
    block(spec.channels[r], `conv${res}a`);
    block(spec.channels[r], `conv${res}b`);
  }
  x = new EqConv2D({ filters: spec.outChannels, kernelSize: 1, name: 'to_rgb' }).apply(x) as tf.SymbolicTensor;
  const out = new SoftClip({ name: 'image' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: z, outputs: out, name: 'generator' });
}

/** Feature layers every bundled discriminator exposes (perceptual distance and realism use them). */
export const DISCRIMINATOR_FEATURES = ['feat_a', 'feat_b', 'feat_c', 'feat_d'];

/**
 * The convolutional trunk shared by the discriminator and the training-only encoder: a 1×1 fromRGB at
 * full resolution, then three stages of a stride-2 3×3 conv followed by a 3×3 conv, down to ~4×4.
 * (A 3×3 conv at full resolution was 4× the cost for little gain on these small images.)
 * Layers are named `prefix` + from_rgb, down1, conv1, … (activations + '_act'); `rename` replaces single
 * names, so the discriminator keeps its saved layer names and feature layers.
 */
function downsamplingTrunk(img: tf.SymbolicTensor, width: number[], prefix = '', rename: Record<string, string> = {}): tf.SymbolicTensor {
  const name = (layer: string) => rename[layer] ?? `${prefix}${layer}`;
  let x = new EqConv2D({ filters: width[0], kernelSize: 1, name: name('from_rgb') }).apply(img) as tf.SymbolicTensor;
  x = lrelu(name('from_rgb_act')).apply(x) as tf.SymbolicTensor;
  for (let i = 1; i < 4; i++) {
    x = new EqConv2D({ filters: width[i], kernelSize: 3, strides: 2, name: name(`down${i}`) }).apply(x) as tf.SymbolicTensor;
    x = lrelu(name(`down${i}_act`)).apply(x) as tf.SymbolicTensor;
    x = new EqConv2D({ filters: width[i], kernelSize: 3, name: name(`conv${i}`) }).apply(x) as tf.SymbolicTensor;
    x = lrelu(name(`conv${i}_act`)).apply(x) as tf.SymbolicTensor;
  }
  return x;
}

/**
 * ProGAN-style discriminator, sized for wasm training: the downsampling trunk, minibatch-stddev, a
 * conv and two dense layers. Four named activations are its perceptual features, from fine to coarse.
 */
export function buildDiscriminator(size: number, channels: number, width: number[]): tf.LayersModel {
  const img = tf.input({ shape: [size, size, channels], name: 'image' });
  let x = downsamplingTrunk(img, width, '', {
    from_rgb_act: DISCRIMINATOR_FEATURES[0], conv1_act: DISCRIMINATOR_FEATURES[1], conv2_act: DISCRIMINATOR_FEATURES[2],
  });
  x = new MinibatchStd({ groupSize: 4, name: 'mbstd' }).apply(x) as tf.SymbolicTensor;
  x = new EqConv2D({ filters: width[3], kernelSize: 3, name: 'final_conv' }).apply(x) as tf.SymbolicTensor;
  x = lrelu(DISCRIMINATOR_FEATURES[3]).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = new EqDense({ units: width[3], name: 'fc' }).apply(x) as tf.SymbolicTensor;
  x = lrelu('fc_act').apply(x) as tf.SymbolicTensor;
  const score = new EqDense({ units: 1, name: 'score' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: img, outputs: score, name: 'discriminator' });
}

/**
 * A small CNN probe: its 64-d `features` layer is the space for Fréchet distances; its head predicts
 * the data set's labels (shapes: 4 class logits + 8 factor targets; fashion: 10 class logits).
 */
export function buildProbe(size: number, channels: number, outputs: number): tf.LayersModel {
  const img = tf.input({ shape: [size, size, channels], name: 'image' });
  let x: tf.SymbolicTensor = img;
  // No batch norm: measured 3× slower a step on wasm here, and plain ReLU convs converge well enough.
  for (const [i, c] of [32, 64, 64].entries()) {
    x = tf.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'relu', name: `conv${i}`, kernelInitializer: tf.initializers.heNormal({ seed: 10 + i }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: c, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: `down${i}`, kernelInitializer: tf.initializers.heNormal({ seed: 20 + i }) }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 64, activation: 'relu', name: 'features', kernelInitializer: tf.initializers.heNormal({ seed: 30 }) }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: outputs, name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 31 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: img, outputs: out, name: 'probe' });
}

/**
 * Encoder x → (μ, log σ²) of a VAE-style posterior over z, used only while training (see
 * `GanBase.anchor` in recipes.ts): the discriminator's trunk without minibatch-stddev, then a dense
 * head with 2·zDim outputs. It is not shipped with the model.
 */
export function buildEncoder(size: number, channels: number, width: number[], zDim: number): tf.LayersModel {
  const img = tf.input({ shape: [size, size, channels], name: 'image' });
  let x = downsamplingTrunk(img, width, 'enc_');
  x = tf.layers.flatten({ name: 'enc_flatten' }).apply(x) as tf.SymbolicTensor;
  x = new EqDense({ units: width[3], name: 'enc_fc' }).apply(x) as tf.SymbolicTensor;
  x = lrelu('enc_fc_act').apply(x) as tf.SymbolicTensor;
  const out = new EqDense({ units: 2 * zDim, name: 'enc_posterior' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: img, outputs: out, name: 'encoder' });
}
