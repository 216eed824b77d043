/**
 * Pure checks used by the loader: of the files before tfjs sees them (the manifest, a layers model.json,
 * its weights manifest against the shard bytes, the weight values), and of a built model's weights,
 * inputs and outputs against what a generator needs and the manifest says. Each throws a ModelLoadError
 * whose message names the file and the first problem in one sentence; none allocates a tensor, so a
 * failure here cannot leak memory.
 */
import type * as tf from '@tensorflow/tfjs';
import { ModelLoadError, reasonOf } from './errors';
import { PRIORS, type ModelManifest, type Prior } from './manifest';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));
export const showShape = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'null' : d)).join(',')}]`;

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError(`${path} is not valid JSON (${reasonOf(err)}).`);
  }
}

/** Reads fields of one JSON object, failing with "<file>: <field> <problem>." */
class Fields {
  constructor(private readonly file: string, private readonly obj: Json, private readonly prefix = '') {}

  fail(key: string, problem: string): never {
    throw new ModelLoadError(`${this.file}: ${this.prefix}${key} ${problem}.`);
  }
  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }
  object(key: string): Fields {
    const v = this.obj[key];
    if (!isObject(v)) this.fail(key, v === undefined ? 'is missing' : 'must be an object');
    return new Fields(this.file, v, `${this.prefix}${key}.`);
  }
  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if ((v === undefined || v === '') && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, v === undefined ? 'is missing' : `must be a non-empty string, not ${show(v)}`);
    return v;
  }
  positiveInt(key: string): number {
    const v = this.obj[key];
    if (!Number.isInteger(v) || (v as number) <= 0) this.fail(key, v === undefined ? 'is missing' : `must be a positive whole number, not ${show(v)}`);
    return v as number;
  }
  oneOf<T extends string | number>(key: string, allowed: readonly T[]): T {
    const v = this.obj[key];
    if (!allowed.includes(v as T)) this.fail(key, v === undefined ? 'is missing' : `${show(v)} is not one of ${allowed.join(', ')}`);
    return v as T;
  }
  strings(key: string): string[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(key, v === undefined ? 'is missing' : 'must be a list of strings');
    return [...v];
  }
  range(key: string): [number, number] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite) || !(v[0] < v[1])) {
      this.fail(key, v === undefined ? 'is missing' : `must be [low, high] with low < high, not ${show(v)}`);
    }
    return [v[0], v[1]];
  }
}

/** Validate and normalise a manifest (DESIGN §4). Unknown extra fields are kept out of the result. */
export function validateManifest(json: unknown, file = 'manifest.json'): ModelManifest {
  if (!isObject(json)) throw new ModelLoadError(`${file} must hold a JSON object, not ${Array.isArray(json) ? 'a list' : show(json)}.`);
  const m = new Fields(file, json);
  const id = m.string('id');
  const latent = m.object('latent');
  const output = m.object('output');
  const manifest: ModelManifest = {
    id,
    name: m.string('name', id),
    description: m.string('description', ''),
    latent: { dim: latent.positiveInt('dim'), prior: latent.oneOf<Prior>('prior', PRIORS) },
    output: {
      height: output.positiveInt('height'),
      width: output.positiveInt('width'),
      channels: output.oneOf('channels', [1, 3]),
      range: output.range('range'),
    },
  };
  const style = m.has('mapping') || m.has('synthesis');
  if (m.has('generator') && style) {
    throw new ModelLoadError(`${file} names both a generator and a mapping/synthesis pair; a model has one or the other.`);
  }
  if (m.has('generator')) {
    manifest.generator = { path: m.object('generator').string('path') };
  } else if (style) {
    const mapping = m.object('mapping');
    const synthesis = m.object('synthesis');
    manifest.mapping = { path: mapping.string('path'), wDim: mapping.positiveInt('wDim') };
    manifest.synthesis = {
      path: synthesis.string('path'),
      styleLayers: synthesis.positiveInt('styleLayers'),
      input: synthesis.oneOf<'w' | 'w+'>('input', ['w', 'w+']),
    };
  } else {
    throw new ModelLoadError(`${file} names no network: it needs either "generator", or "mapping" and "synthesis".`);
  }
  if (m.has('discriminator')) {
    const d = m.object('discriminator');
    manifest.discriminator = { path: d.string('path'), featureLayers: d.has('featureLayers') ? d.strings('featureLayers') : [] };
  }
  if (m.has('factors')) manifest.factors = m.strings('factors');
  if (m.has('probe')) manifest.probe = m.string('probe');
  if (isObject(json.training)) manifest.training = json.training;
  return manifest;
}

/** The parts of a TF.js layers model.json the loader uses; weight paths still relative to model.json. */
export interface LayersModelJson {
  modelTopology: Json;
  weightGroups: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

const QUANTISED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** Bytes one weight occupies in its shard (float32, or its quantised storage type). */
export function weightByteLength(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return count * (spec.quantization ? QUANTISED_BYTES[spec.quantization.dtype] : 4);
}

/** Check the structure of a layers-format model.json, and that every weight is a float32 of a valid shape. */
export function validateModelJson(json: unknown, file: string): LayersModelJson {
  if (!isObject(json)) throw new ModelLoadError(`${file} must hold a JSON object describing a TF.js layers model.`);
  if (json.format === 'graph-model' || (isObject(json.modelTopology) && 'node' in json.modelTopology)) {
    throw new ModelLoadError(`${file} is a TF.js graph model; only layers models (saved from tf.LayersModel or Keras) can be loaded.`);
  }
  if (!isObject(json.modelTopology)) throw new ModelLoadError(`${file} has no modelTopology, so it is not a TF.js layers model.`);
  if (!Array.isArray(json.weightsManifest)) throw new ModelLoadError(`${file} has no weightsManifest listing its weight files.`);
  const seen = new Set<string>();
  const weightGroups = json.weightsManifest.map((group: unknown, g) => {
    const where = `${file}: weight group ${g + 1}`;
    if (!isObject(group) || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new ModelLoadError(`${where} must list "paths" (file names) and "weights".`);
    }
    const weights = group.weights.map((w: unknown, i) => checkWeightSpec(w, `${where}, weight ${i + 1}`, file));
    for (const w of weights) {
      if (seen.has(w.name)) throw new ModelLoadError(`${file}: weight '${w.name}' is listed twice.`);
      seen.add(w.name);
    }
    return { paths: group.paths as string[], weights };
  });
  return { modelTopology: json.modelTopology, weightGroups };
}

function checkWeightSpec(w: unknown, where: string, file: string): tf.io.WeightsManifestEntry {
  if (!isObject(w) || typeof w.name !== 'string') throw new ModelLoadError(`${where} has no name.`);
  const name = w.name;
  if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelLoadError(`${file}: weight '${name}' has an invalid shape ${show(w.shape)}.`);
  }
  if (w.dtype !== 'float32') {
    throw new ModelLoadError(`${file}: weight '${name}' is stored as ${show(w.dtype)}, but only float32 weights can be used.`);
  }
  const q = w.quantization;
  if (q !== undefined && !(isObject(q) && typeof q.dtype === 'string' && q.dtype in QUANTISED_BYTES)) {
    throw new ModelLoadError(`${file}: weight '${name}' uses an unknown quantisation ${show(q)}.`);
  }
  return w as unknown as tf.io.WeightsManifestEntry;
}

/** The shards of one weight group must hold exactly the bytes its weights need. */
export function checkShardSizes(file: string, shardPaths: string[], shardBytes: number[], weights: tf.io.WeightsManifestEntry[]): void {
  const need = weights.reduce((sum, w) => sum + weightByteLength(w), 0);
  const have = shardBytes.reduce((a, b) => a + b, 0);
  if (need === have) return;
  const holds = shardPaths.length === 1 ? `${shardPaths[0]} holds` : `The shards ${shardPaths.join(', ')} hold`;
  const count = weights.length === 1 ? `the weight '${weights[0].name}'` : `the ${weights.length} weights`;
  throw new ModelLoadError(`${holds} ${have} bytes, but ${count} listed for it in ${file} need ${need}.`);
}

/** Name of the first weight holding NaN or ±Infinity, scanning the raw shard bytes in manifest order. */
export function findNonFiniteWeight(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): string | undefined {
  let offset = 0;
  for (const spec of specs) {
    const bytes = weightByteLength(spec);
    const q = spec.quantization;
    if (!q) {
      // Float32Array views need 4-byte alignment; copy the rare misaligned weight (after uint8 ones).
      const values = offset % 4 === 0 ? new Float32Array(data, offset, bytes / 4) : new Float32Array(data.slice(offset, offset + bytes));
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return spec.name;
    } else if (q.dtype === 'float16') {
      const halves = new DataView(data, offset, bytes);
      for (let i = 0; i < bytes; i += 2) if ((halves.getUint16(i, true) & 0x7c00) === 0x7c00) return spec.name;
    } else if (!Number.isFinite(q.scale ?? 1) || !Number.isFinite(q.min ?? 0)) {
      return spec.name;
    }
    offset += bytes;
  }
  return undefined;
}

/** Every weight the built model has must be listed with the same shape, and nothing else may be listed. */
export function checkWeightsMatchModel(file: string, specs: tf.io.WeightsManifestEntry[], model: tf.LayersModel): void {
  const byName = new Map(specs.filter((s) => s.group !== 'optimizer').map((s) => [s.name, s]));
  for (const w of model.weights) {
    const spec = byName.get(w.originalName);
    if (!spec) throw new ModelLoadError(`${file}: the model needs a weight '${w.originalName}' that its weights manifest does not list.`);
    if (showShape(spec.shape) !== showShape(w.shape)) {
      throw new ModelLoadError(`${file}: weight '${w.originalName}' has shape ${showShape(spec.shape)} but the model expects ${showShape(w.shape)}.`);
    }
    byName.delete(w.originalName);
  }
  const extra = [...byName.keys()][0];
  if (extra !== undefined) throw new ModelLoadError(`${file}: the weights manifest lists '${extra}', which is not a weight of the model.`);
}

// Checks of a built model's inputs and outputs.

type Shape = (number | null)[];

export const inputOf = (m: tf.LayersModel): Shape => m.inputs[0].shape;
export const outputOf = (m: tf.LayersModel): Shape => m.outputs[0].shape;
export const sameShape = (a: Shape, b: Shape) => showShape(a) === showShape(b);

export function expectOneInputOutput(model: tf.LayersModel, path: string): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ModelLoadError(`${path}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs, but one of each is needed.`);
  }
}

/** The model's output must be an image batch [null, H, W, C] with C ∈ {1, 3}. */
export function imageOutput(model: tf.LayersModel, path: string): [number, number, number] {
  const s = outputOf(model);
  if (s.length !== 4 || s.slice(1).some((d) => d === null)) {
    throw new ModelLoadError(`${path}: the model's output has shape ${showShape(s)}, which is not an image [batch, height, width, channels].`);
  }
  const [, h, w, c] = s as number[];
  if (c !== 1 && c !== 3) throw new ModelLoadError(`${path}: the model's output has ${c} channels, but an image needs 1 (grey) or 3 (RGB).`);
  return [h, w, c];
}

export function expectImage(model: tf.LayersModel, path: string, out: ModelManifest['output'], manifestPath: string): void {
  const [h, w, c] = imageOutput(model, path);
  if (h !== out.height || w !== out.width || c !== out.channels) {
    throw new ModelLoadError(`${path}: the model makes ${h}×${w}×${c} images, but ${manifestPath} says ${out.height}×${out.width}×${out.channels}.`);
  }
}

export function expectLatentInput(model: tf.LayersModel, path: string, dim: number, manifestPath: string): void {
  const s = inputOf(model);
  if (s.length !== 2) throw new ModelLoadError(`${path}: the model's input has shape ${showShape(s)}, but a latent vector [null,${dim}] was expected.`);
  if (s[1] !== dim) throw new ModelLoadError(`${path}: the model takes a latent vector of ${s[1]} values, but ${manifestPath} says latent.dim is ${dim}.`);
}
