/**
 * Loading a model folder into a Generator: read manifest.json (or, without one, a plain model.json),
 * read and check every model.json and weight shard, build the networks, check they fit together and
 * match the manifest. Any failure throws a ModelLoadError with one plain sentence and frees whatever was
 * built, so a failed load leaves no tensors behind and never disturbs a model loaded earlier.
 */
import * as tf from '@tensorflow/tfjs';
import { formatBytes, MissingFileError, ModelLoadError, reasonOf } from './errors';
import { resolveFrom, type ModelFiles } from './files';
import type { Generator } from './generator';
import { registerCustomLayers } from './layers';
import { disposeModel, LayersGenerator } from './layersGenerator';
import type { ModelManifest } from './manifest';
import {
  checkShardSizes, checkWeightsMatchModel, expectImage, expectLatentInput, expectOneInputOutput, findNonFiniteWeight, imageOutput,
  inputOf, outputOf, parseJson, sameShape, showShape, validateManifest, validateModelJson,
} from './validate';

/** Largest total size of a model's files: bundled models are a few MiB; a browser tab has little more to spare. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface LoadOptions {
  /** Limit on the total bytes of all files read (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
}

/** Reads files while counting bytes against the limit, refusing a file before reading it when its size is known. */
class BudgetedReader {
  private used = 0;
  constructor(readonly files: ModelFiles, private readonly limit: number) {}

  async text(path: string, namedBy?: string): Promise<string> {
    this.check(path, this.files.size?.(path));
    const text = await this.read(() => this.files.text(path), namedBy);
    this.count(path, new TextEncoder().encode(text).byteLength);
    return text;
  }

  async bytes(path: string, namedBy?: string): Promise<ArrayBuffer> {
    this.check(path, this.files.size?.(path));
    const data = await this.read(() => this.files.bytes(path), namedBy);
    this.count(path, data.byteLength);
    return data;
  }

  /** A missing file is reported together with the file that named it. */
  private async read<T>(get: () => Promise<T>, namedBy?: string): Promise<T> {
    try {
      return await get();
    } catch (err) {
      if (err instanceof MissingFileError && namedBy) throw new MissingFileError(err.path, err.how, `${namedBy} names ${err.path}, which ${err.how}.`);
      throw err;
    }
  }

  private check(path: string, bytes: number | undefined): void {
    if (bytes === undefined || this.used + bytes <= this.limit) return;
    const limit = formatBytes(this.limit);
    throw new ModelLoadError(bytes > this.limit
      ? `${path} is ${formatBytes(bytes)}, more than the ${limit} limit for a model's files.`
      : `${path} brings the model's files to ${formatBytes(this.used + bytes)}, more than the ${limit} limit.`);
  }

  private count(path: string, bytes: number): void {
    this.check(path, bytes);
    this.used += bytes;
  }
}

/**
 * Build a model from its topology. Construction happens synchronously inside modelFromJSON; if it fails
 * halfway, the layers built so far have already created variables, which are freed here.
 */
async function buildFromTopology(topology: object, path: string): Promise<tf.LayersModel> {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  const config = { modelTopology: topology } as Parameters<typeof tf.models.modelFromJSON>[0];
  const pending = tf.models.modelFromJSON(config);
  const created = Object.entries(tf.engine().registeredVariables).filter(([name]) => !before.has(name)).map(([, v]) => v);
  const freeCreated = () => created.forEach((v) => v.isDisposed || v.dispose());
  let model: tf.LayersModel;
  try {
    model = await pending;
  } catch (err) {
    freeCreated();
    // tfjs: "Unknown layer: Foo. This may be due to…" (also for activations, initializers, …).
    const unknown = /Unknown (\w+): (\S+?)\.?(\s|$)/.exec(reasonOf(err));
    const what = unknown && (unknown[1] === 'layer' ? `a layer type '${unknown[2]}'` : `the ${unknown[1]} '${unknown[2]}'`);
    throw new ModelLoadError(what
      ? `${path} uses ${what}, which this app does not know.`
      : `${path}: the model could not be built from its topology (${reasonOf(err)}).`);
  }
  if (!(model instanceof tf.LayersModel)) {
    freeCreated();
    throw new ModelLoadError(`${path} describes a single layer, not a model.`);
  }
  return model;
}

/** Read, check and build one TF.js layers model (model.json + shards) from a model's files. */
async function readLayersModel(reader: BudgetedReader, path: string, namedBy?: string, text?: string): Promise<tf.LayersModel> {
  const json = validateModelJson(parseJson(text ?? await reader.text(path, namedBy), path), path);
  const specs = json.weightGroups.flatMap((g) => g.weights);
  const shards: ArrayBuffer[] = [];
  for (const group of json.weightGroups) {
    const paths = group.paths.map((p) => resolveFrom(path, p));
    const sizes: number[] = [];
    for (const shardPath of paths) {
      const data = await reader.bytes(shardPath, path);
      shards.push(data);
      sizes.push(data.byteLength);
    }
    checkShardSizes(path, paths, sizes, group.weights);
  }
  const weightData = concatBuffers(shards);
  const nonFinite = findNonFiniteWeight(specs, weightData);
  if (nonFinite !== undefined) throw new ModelLoadError(`${path}: weight '${nonFinite}' contains NaN or infinite values.`);

  const model = await buildFromTopology(json.modelTopology, path);
  try {
    checkWeightsMatchModel(path, specs, model);
    const values = tf.io.decodeWeights(weightData, specs);
    try {
      const own = Object.fromEntries(specs.filter((s) => s.group !== 'optimizer').map((s) => [s.name, values[s.name]]));
      model.loadWeights(own, true);
    } finally {
      tf.dispose(Object.values(values));
    }
  } catch (err) {
    disposeModel(model);
    throw err instanceof ModelLoadError ? err : new ModelLoadError(`${path}: the weights could not be loaded into the model (${reasonOf(err)}).`);
  }
  return model;
}

function concatBuffers(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0];
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/**
 * Load one checked layers model on its own (e.g. a probe: public/models/probes/<id>/model/model.json),
 * with the same validation and plain-sentence errors as loadGenerator. The caller disposes it.
 */
export async function loadLayersModelFrom(files: ModelFiles, path: string, opts: LoadOptions = {}): Promise<tf.LayersModel> {
  registerCustomLayers();
  try {
    return await readLayersModel(new BudgetedReader(files, opts.maxBytes ?? DEFAULT_MAX_BYTES), path);
  } catch (err) {
    throw asLoadError(err, files);
  }
}

function asLoadError(err: unknown, files: ModelFiles): ModelLoadError {
  return err instanceof ModelLoadError ? err : new ModelLoadError(`The model in ${files.label} could not be loaded (${reasonOf(err)}).`);
}

/** Load a generator from manifest.json if present, else from a plain TF.js layers model.json. */
export async function loadGenerator(files: ModelFiles, opts: LoadOptions = {}): Promise<Generator> {
  registerCustomLayers();
  const reader = new BudgetedReader(files, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const built: tf.LayersModel[] = [];
  const read = async (path: string, namedBy?: string, text?: string) => {
    const model = await readLayersModel(reader, path, namedBy, text);
    built.push(model);
    return model;
  };
  try {
    const entry = await readEntry(reader);
    const json = parseJson(entry.text, entry.path);
    // Told apart by content, since a user's URL may name either file anything.
    const isModelJson = typeof json === 'object' && json !== null && 'modelTopology' in json;
    if (isModelJson) return await fromPlainModel(entry.path, await read(entry.path, undefined, entry.text), files.label);
    return await fromManifest(validateManifest(json, entry.path), entry.path, read);
  } catch (err) {
    built.forEach(disposeModel);
    throw asLoadError(err, files);
  }
}

/** The file to start from: the one the user pointed at, else manifest.json, else model.json. */
async function readEntry(reader: BudgetedReader): Promise<{ path: string; text: string }> {
  const { files } = reader;
  if (files.entry) return { path: files.entry, text: await reader.text(files.entry) };
  for (const path of ['manifest.json', 'model.json']) {
    if (files.has && !files.has(path)) continue;
    try {
      return { path, text: await reader.text(path) };
    } catch (err) {
      if (!(err instanceof MissingFileError)) throw err;
    }
  }
  throw new ModelLoadError(`${files.label} holds neither a manifest.json nor a model.json.`);
}

type ReadModel = (path: string, namedBy?: string) => Promise<tf.LayersModel>;
async function fromManifest(manifest: ModelManifest, manifestPath: string, read: ReadModel): Promise<Generator> {
  const part = async (path: string) => {
    const full = resolveFrom(manifestPath, path);
    const model = await read(full, manifestPath);
    expectOneInputOutput(model, full);
    return { model, path: full };
  };
  const parts: ConstructorParameters<typeof LayersGenerator>[0] = { manifest, assumptions: [] };
  if (manifest.generator) {
    const g = await part(manifest.generator.path);
    expectLatentInput(g.model, g.path, manifest.latent.dim, manifestPath);
    expectImage(g.model, g.path, manifest.output, manifestPath);
    parts.generator = g.model;
  } else {
    const { wDim } = manifest.mapping!;
    const { styleLayers, input } = manifest.synthesis!;
    const mapping = await part(manifest.mapping!.path);
    expectLatentInput(mapping.model, mapping.path, manifest.latent.dim, manifestPath);
    if (!sameShape(outputOf(mapping.model), [null, wDim])) {
      throw new ModelLoadError(`${mapping.path}: the mapping network outputs ${showShape(outputOf(mapping.model))}, but ${manifestPath} says mapping.wDim is ${wDim}, so [null,${wDim}] was expected.`);
    }
    const synthesis = await part(manifest.synthesis!.path);
    const expected = input === 'w+' ? [null, styleLayers, wDim] : [null, wDim];
    if (!sameShape(inputOf(synthesis.model), expected)) {
      const why = input === 'w+' ? `synthesis.styleLayers ${styleLayers} and mapping.wDim ${wDim}` : `synthesis.input 'w' and mapping.wDim ${wDim}`;
      throw new ModelLoadError(`${synthesis.path}: the synthesis network takes ${showShape(inputOf(synthesis.model))}, but ${manifestPath} (${why}) implies ${showShape(expected)}.`);
    }
    expectImage(synthesis.model, synthesis.path, manifest.output, manifestPath);
    parts.mapping = mapping.model;
    parts.synthesis = synthesis.model;
  }
  if (manifest.discriminator) {
    const d = await part(manifest.discriminator.path);
    const { height, width, channels } = manifest.output;
    if (!sameShape(inputOf(d.model), [null, height, width, channels])) {
      throw new ModelLoadError(`${d.path}: the discriminator takes ${showShape(inputOf(d.model))}, but the generator makes images of shape [null,${height},${width},${channels}].`);
    }
    if (!sameShape(outputOf(d.model), [null, 1])) {
      throw new ModelLoadError(`${d.path}: the discriminator outputs ${showShape(outputOf(d.model))}, but one score per image [null,1] was expected.`);
    }
    for (const name of manifest.discriminator.featureLayers) {
      const layer = d.model.layers.find((l) => l.name === name);
      if (!layer) throw new ModelLoadError(`${d.path}: ${manifestPath} names the feature layer '${name}', which the discriminator does not have.`);
      const shape = (layer.output as tf.SymbolicTensor).shape;
      if (shape.length !== 4) throw new ModelLoadError(`${d.path}: feature layer '${name}' outputs ${showShape(shape)}, not a feature map [batch, height, width, channels].`);
    }
    parts.discriminator = d.model;
  }
  return new LayersGenerator(parts);
}

/** A bare model.json: read what the model itself says, assume the rest, and say what was assumed. */
async function fromPlainModel(path: string, model: tf.LayersModel, label: string): Promise<Generator> {
  expectOneInputOutput(model, path);
  const input = inputOf(model);
  if (input.length !== 2 || input[1] === null) {
    throw new ModelLoadError(`${path}: without a manifest.json the model's input must be a latent vector [null, n], but it is ${showShape(input)}.`);
  }
  const [height, width, channels] = imageOutput(model, path);
  // The last layer's activation (or, for a layer without one, its class) hints at the output range.
  const last = model.outputs[0].sourceLayer;
  const activation = last.getConfig().activation;
  const ending = typeof activation === 'string' ? activation : last.getClassName();
  const range: [number, number] = ending === 'sigmoid' ? [0, 1] : [-1, 1];
  const rangeNote = ['sigmoid', 'tanh', 'SoftClip'].includes(ending)
    ? `The output range is assumed to be [${range.join(', ')}] because the model ends in ${ending}.`
    : `The output range is assumed to be [-1, 1]; the model ends in ${ending}, which does not tell.`;
  const manifest: ModelManifest = {
    id: 'user-model',
    name: label,
    description: 'A TF.js layers model loaded without a manifest.json.',
    latent: { dim: input[1], prior: 'normal' },
    generator: { path },
    output: { height, width, channels, range },
  };
  const assumptions = [
    `There is no manifest.json, so the latent dimension (${input[1]}) was read from the model and its prior is assumed to be a standard normal distribution.`,
    rangeNote,
  ];
  return new LayersGenerator({ manifest, assumptions, generator: model });
}
