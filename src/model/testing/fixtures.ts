/**
 * Tiny models for loader tests, built with tfjs and serialised in memory into the files a model folder
 * holds ({path → contents}), so each failure case is a corrupted copy of a known-good folder.
 */
import * as tf from '@tensorflow/tfjs';
import { ConstInput, EqConv2D, EqDense, LeakyReLU2, MinibatchStd, ModConv2D, PixelNorm, StyleSlice, Upsample2x } from '../layers';
import type { ModelManifest } from '../manifest';

export type FileMap = Record<string, string | ArrayBuffer>;

export const SHARD = 'group1-shard1of1.bin';
export const FEATURE_LAYERS = ['feat_a', 'feat_b'];
export const SIZE = 8;
export const Z_DIM = 4;
export const W_DIM = 6;
export const STYLE_LAYERS = 3;

type Sym = tf.SymbolicTensor;

/** Save a model as a model.json object and one weight shard, as tfjs' own save handlers would. */
export async function serialise(model: tf.LayersModel): Promise<{ json: Record<string, unknown>; shard: ArrayBuffer }> {
  let result: { json: Record<string, unknown>; shard: ArrayBuffer } | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData;
    result = {
      json: { format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs }] },
      shard: Array.isArray(data) ? (await new Blob(data).arrayBuffer()) : data!,
    };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return result!;
}

/** Serialise `model` into `dir` of a file map, then free it. */
async function addModel(files: FileMap, dir: string, model: tf.LayersModel): Promise<void> {
  const { json, shard } = await serialise(model);
  const prefix = dir ? `${dir}/` : '';
  files[`${prefix}model.json`] = JSON.stringify(json);
  files[`${prefix}${SHARD}`] = shard;
  model.dispose();
}

/** z [zDim] → dense → [size, size, channels] image through `activation`: the simplest generator. */
export function denseGenerator(opts: { zDim?: number; size?: number; channels?: number; activation?: 'tanh' | 'sigmoid' | 'linear' } = {}): tf.LayersModel {
  const { zDim = Z_DIM, size = SIZE, channels = 3, activation = 'tanh' } = opts;
  const z = tf.input({ shape: [zDim], name: 'z' });
  let x = tf.layers.dense({ units: size * size * channels, name: 'fc', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(z) as Sym;
  x = tf.layers.reshape({ targetShape: [size, size, channels], name: 'to_image' }).apply(x) as Sym;
  x = tf.layers.activation({ activation, name: 'image' }).apply(x) as Sym;
  return tf.model({ inputs: z, outputs: x, name: 'generator' });
}

/**
 * z → dense → 4×4 → tf.layers.upSampling2d → 8×8 image (linear output): a user's generator with a layer
 * that has a gradient but no second-order gradient in TF.js (ResizeNearestNeighborGrad has none). It does
 * not normalise z.
 */
export function upsamplingGenerator(opts: { zDim?: number; channels?: number } = {}): tf.LayersModel {
  const { zDim = Z_DIM, channels = 3 } = opts;
  const half = SIZE / 2;
  const z = tf.input({ shape: [zDim], name: 'z' });
  let x = tf.layers.dense({ units: half * half * channels, name: 'fc', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(z) as Sym;
  x = tf.layers.reshape({ targetShape: [half, half, channels], name: 'to_grid' }).apply(x) as Sym;
  x = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(x) as Sym;
  return tf.model({ inputs: z, outputs: x, name: 'generator' });
}

/** The two shapes of a user's plain Keras generator that forward mode must handle (issue 12's bar). */
export type ForeignGenerator = 'upsampling-bn-sigmoid' | 'transpose-elu';

/**
 * A user's TF.js generator built from standard Keras layers only, 8×8 RGB:
 * - 'upsampling-bn-sigmoid': dense → 4×4 → UpSampling2D → Conv2D → BatchNormalization (inference, with
 *   non-trivial moving statistics) → sigmoid, output in [0, 1];
 * - 'transpose-elu': dense → 2×2 → Conv2DTranspose (stride 2) → ELU → Conv2DTranspose (stride 2) → tanh.
 * Neither has second derivatives in TF.js (ResizeNearestNeighborGrad, EluGrad); both are smooth, so
 * finite differences are an accurate oracle for their Jacobians.
 */
export function foreignGenerator(kind: ForeignGenerator, zDim = Z_DIM): tf.LayersModel {
  const z = tf.input({ shape: [zDim], name: 'z' });
  let x: Sym;
  if (kind === 'upsampling-bn-sigmoid') {
    x = tf.layers.dense({ units: 4 * 4 * 6, name: 'fc', kernelInitializer: tf.initializers.glorotNormal({ seed: 31 }) }).apply(z) as Sym;
    x = tf.layers.reshape({ targetShape: [4, 4, 6], name: 'to_grid' }).apply(x) as Sym;
    x = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(x) as Sym;
    x = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv', kernelInitializer: tf.initializers.glorotNormal({ seed: 32 }) }).apply(x) as Sym;
    const bn = tf.layers.batchNormalization({ name: 'bn' });
    x = bn.apply(x) as Sym;
    x = tf.layers.activation({ activation: 'sigmoid', name: 'image' }).apply(x) as Sym;
    const [gamma, beta, mean, variance] = bn.getWeights();
    bn.setWeights([tf.add(gamma, 0.5), tf.add(beta, 0.1), tf.add(mean, -0.2), tf.mul(variance, 0.3)]);
  } else {
    x = tf.layers.dense({ units: 2 * 2 * 8, name: 'fc', kernelInitializer: tf.initializers.glorotNormal({ seed: 33 }) }).apply(z) as Sym;
    x = tf.layers.reshape({ targetShape: [2, 2, 8], name: 'to_grid' }).apply(x) as Sym;
    x = tf.layers.conv2dTranspose({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', name: 'deconv4', kernelInitializer: tf.initializers.glorotNormal({ seed: 34 }) }).apply(x) as Sym;
    x = tf.layers.elu({ name: 'elu' }).apply(x) as Sym;
    x = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', name: 'image', kernelInitializer: tf.initializers.glorotNormal({ seed: 35 }) }).apply(x) as Sym;
  }
  return tf.model({ inputs: z, outputs: x, name: 'generator' });
}

/** z → w through the custom layers (pixel norm, equalised dense, leaky ReLU). */
export function styleMapping(zDim = Z_DIM, wDim = W_DIM): tf.LayersModel {
  const z = tf.input({ shape: [zDim], name: 'z' });
  let h = new PixelNorm({ name: 'z_norm' }).apply(z) as Sym;
  h = new EqDense({ units: wDim, lrMul: 0.1, name: 'map_dense0' }).apply(h) as Sym;
  h = new LeakyReLU2({ name: 'map_act0' }).apply(h) as Sym;
  return tf.model({ inputs: z, outputs: h, name: 'mapping' });
}

/** w+ [styleLayers, wDim] (or one w) → 8×8 image: constant, two modulated convs around an upsampling, toRGB. */
export function styleSynthesis(opts: { wDim?: number; styleLayers?: number; input?: 'w' | 'w+'; channels?: number } = {}): tf.LayersModel {
  const { wDim = W_DIM, styleLayers = STYLE_LAYERS, input = 'w+', channels = 3 } = opts;
  const latent = tf.input({ shape: input === 'w+' ? [styleLayers, wDim] : [wDim], name: 'wplus' });
  let s = 0;
  const style = () => {
    const i = s++;
    return input === 'w+' ? new StyleSlice({ index: i, name: `style${i}` }).apply(latent) as Sym : latent;
  };
  let x = new ConstInput({ size: SIZE / 2, channels: 8, name: 'const' }).apply(latent) as Sym;
  x = new ModConv2D({ filters: 8, kernelSize: 3, name: 'conv4' }).apply([x, style()]) as Sym;
  x = new LeakyReLU2({ name: 'conv4_act' }).apply(x) as Sym;
  x = new Upsample2x({ name: 'up8' }).apply(x) as Sym;
  x = new ModConv2D({ filters: 8, kernelSize: 3, name: 'conv8' }).apply([x, style()]) as Sym;
  x = new LeakyReLU2({ name: 'conv8_act' }).apply(x) as Sym;
  x = new ModConv2D({ filters: channels, kernelSize: 1, demodulate: false, name: 'to_rgb' }).apply([x, style()]) as Sym;
  x = tf.layers.activation({ activation: 'tanh', name: 'image' }).apply(x) as Sym;
  return tf.model({ inputs: latent, outputs: x, name: 'synthesis' });
}

/** Image → score [1], with two named feature maps (the FEATURE_LAYERS); `minibatchStd` adds ProGAN's layer after them (it mixes a batch). */
export function discriminator(channels = 3, minibatchStd = false): tf.LayersModel {
  const img = tf.input({ shape: [SIZE, SIZE, channels], name: 'image' });
  let x = new EqConv2D({ filters: 4, kernelSize: 3, name: 'conv0' }).apply(img) as Sym;
  x = new LeakyReLU2({ name: FEATURE_LAYERS[0] }).apply(x) as Sym;
  x = new EqConv2D({ filters: 4, kernelSize: 3, strides: 2, name: 'down0' }).apply(x) as Sym;
  x = new LeakyReLU2({ name: FEATURE_LAYERS[1] }).apply(x) as Sym;
  if (minibatchStd) x = new MinibatchStd({ groupSize: 4, name: 'mbstd' }).apply(x) as Sym;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as Sym;
  x = new EqDense({ units: 1, name: 'score' }).apply(x) as Sym;
  return tf.model({ inputs: img, outputs: x, name: 'discriminator' });
}

export function manifestFor(kind: 'z' | 'style', overrides: Partial<ModelManifest> = {}): ModelManifest {
  const common = {
    id: `tiny-${kind}`,
    name: `Tiny ${kind} model`,
    description: 'A test fixture.',
    latent: { dim: Z_DIM, prior: 'normal' as const },
    discriminator: { path: 'discriminator/model.json', featureLayers: FEATURE_LAYERS },
    output: { height: SIZE, width: SIZE, channels: 3, range: [-1, 1] as [number, number] },
  };
  const nets = kind === 'z'
    ? { generator: { path: 'generator/model.json' } }
    : { mapping: { path: 'mapping/model.json', wDim: W_DIM }, synthesis: { path: 'synthesis/model.json', styleLayers: STYLE_LAYERS, input: 'w+' as const } };
  return { ...common, ...nets, ...overrides };
}

/** A complete z-space model folder: manifest, dense generator, discriminator. */
export async function zModelFolder(): Promise<FileMap> {
  const files: FileMap = { 'manifest.json': JSON.stringify(manifestFor('z')) };
  await addModel(files, 'generator', denseGenerator());
  await addModel(files, 'discriminator', discriminator());
  return files;
}

/** A complete style model folder (mapping + synthesis + discriminator), synthesis taking w+ or one w. */
export async function styleModelFolder(input: 'w' | 'w+' = 'w+'): Promise<FileMap> {
  const manifest = manifestFor('style', {
    synthesis: { path: 'synthesis/model.json', styleLayers: STYLE_LAYERS, input },
  });
  const files: FileMap = { 'manifest.json': JSON.stringify(manifest) };
  await addModel(files, 'mapping', styleMapping());
  await addModel(files, 'synthesis', styleSynthesis({ input }));
  await addModel(files, 'discriminator', discriminator());
  return files;
}

/** A z-space model folder whose generator upsamples with tf.layers.upSampling2d (no second-order gradient). */
export async function upsamplingModelFolder(): Promise<FileMap> {
  const files: FileMap = { 'manifest.json': JSON.stringify(manifestFor('z', { id: 'tiny-upsampling', name: 'Tiny upsampling model' })) };
  await addModel(files, 'generator', upsamplingGenerator());
  await addModel(files, 'discriminator', discriminator());
  return files;
}

/** A z-space model folder around a foreignGenerator: manifest (no discriminator) and generator. */
export async function foreignModelFolder(kind: ForeignGenerator): Promise<FileMap> {
  const manifest = manifestFor('z', {
    id: `tiny-${kind}`, name: `Tiny Keras generator (${kind})`,
    output: { height: SIZE, width: SIZE, channels: 3, range: kind === 'upsampling-bn-sigmoid' ? [0, 1] : [-1, 1] },
  });
  delete manifest.discriminator;
  const files: FileMap = { 'manifest.json': JSON.stringify(manifest) };
  await addModel(files, 'generator', foreignGenerator(kind));
  return files;
}

/** A bare model.json + shard at the folder root, no manifest. */
export async function plainModelFolder(opts: Parameters<typeof denseGenerator>[0] = {}): Promise<FileMap> {
  const files: FileMap = {};
  await addModel(files, '', denseGenerator(opts));
  return files;
}

/** A file map as the files a user picks or drops in folder `folder` (the engine's PickedFile shape). */
export function pickedFiles(files: FileMap, folder = 'tiny'): { path: string; file: Blob }[] {
  return Object.entries(files).map(([path, content]) => ({ path: `${folder}/${path}`, file: new Blob([content]) }));
}

/** Serialise any model into a copy of `files` under `dir` (to swap a network for a wrong one). */
export async function withModel(files: FileMap, dir: string, model: tf.LayersModel): Promise<FileMap> {
  const copy = { ...files };
  await addModel(copy, dir, model);
  return copy;
}

/** A copy of `files` with the JSON file at `path` edited in place by `edit`. */
export function editJson(files: FileMap, path: string, edit: (json: Record<string, unknown>) => void): FileMap {
  const json = JSON.parse(files[path] as string);
  edit(json);
  return { ...files, [path]: JSON.stringify(json) };
}

/** The weight specs of a model.json object (all groups). */
export function weightSpecs(modelJson: Record<string, unknown>): tf.io.WeightsManifestEntry[] {
  return (modelJson.weightsManifest as tf.io.WeightsManifestConfig).flatMap((g) => g.weights);
}

/**
 * A probe folder (public/models/probes/<id>/ layout: manifest.json + model/): SIZE×SIZE×3 images → flatten →
 * dense, outputs two class logits ('dark', 'light') then one target ('t'). A linear map of the pixels, so a
 * test can compute its outputs independently from the kernel (`probeKernel`).
 */
export async function probeFolder(): Promise<FileMap> {
  const files: FileMap = {
    'manifest.json': JSON.stringify({
      id: 'tiny-probe', name: 'Tiny probe', input: { height: SIZE, width: SIZE, channels: 3, range: [-1, 1] },
      outputs: { classes: ['dark', 'light'], targets: ['t'] },
    }),
  };
  const img = tf.input({ shape: [SIZE, SIZE, 3], name: 'image' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(img) as Sym;
  x = tf.layers.dense({ units: 3, name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }), biasInitializer: 'zeros' }).apply(x) as Sym;
  await addModel(files, 'model', tf.model({ inputs: img, outputs: x, name: 'probe' }));
  return files;
}

/** The probe fixture's dense kernel [SIZE·SIZE·3, 3] and bias, read from its saved weights (for independent checks). */
export function probeKernel(files: FileMap): { kernel: Float32Array; bias: Float32Array } {
  const specs = weightSpecs(JSON.parse(files['model/model.json'] as string));
  const data = files[`model/${SHARD}`] as ArrayBuffer;
  let offset = 0;
  const out: Record<string, Float32Array> = {};
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    out[s.name] = new Float32Array(data.slice(offset, offset + size * 4));
    offset += size * 4;
  }
  const kernel = Object.entries(out).find(([name]) => /kernel/.test(name))![1];
  const bias = Object.entries(out).find(([name]) => /bias/.test(name))![1];
  return { kernel, bias };
}
