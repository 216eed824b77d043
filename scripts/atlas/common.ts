/**
 * What every atlas command shares: argument parsing with one-line usage errors, opening a bundled model
 * (or one on disk) through the validating loader, seeds → latents, and small array helpers.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { snapshotFiles } from '../lib/fsFiles';
import { writeGridPng } from '../lib/png';
import { loadGenerator } from '../../src/model/load';
import type { ModelFiles } from '../../src/model/files';
import type { Generator, LatentSpace } from '../../src/model/generator';
import { latentIn } from '../../src/engine/latent';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const MODELS_DIR = path.join(ROOT, 'public', 'models');

/** Bad arguments: reported as one line on stderr with exit code 2. */
export class UsageError extends Error {}

/** Options that take no value (present = true). */
const FLAGS = new Set(['spherical', 'help']);

/** Parsed `--key value` options of one command, with typed, checked readers. */
export class Opts {
  constructor(readonly map: Map<string, string>) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  required(name: string): string {
    const v = this.map.get(name);
    if (v === undefined) throw new UsageError(`--${name} is required`);
    return v;
  }

  flag(name: string): boolean {
    return this.map.has(name);
  }

  int(name: string, fallback?: number, range?: [number, number]): number {
    return this.numeric(name, 'an integer', (v) => Number.isInteger(v), fallback, range);
  }

  num(name: string, fallback?: number, range?: [number, number]): number {
    return this.numeric(name, 'a number', (v, raw) => raw.trim() !== '' && Number.isFinite(v), fallback, range);
  }

  /** One numeric option: required unless it has a fallback, then `valid`, then the range, each with its own message. */
  private numeric(name: string, what: string, valid: (v: number, raw: string) => boolean, fallback?: number, range?: [number, number]): number {
    const raw = this.map.get(name);
    if (raw === undefined) {
      if (fallback === undefined) throw new UsageError(`--${name} is required`);
      return fallback;
    }
    const v = Number(raw);
    if (!valid(v, raw)) throw new UsageError(`--${name} must be ${what}, got '${raw}'`);
    if (range && (v < range[0] || v > range[1])) throw new UsageError(`--${name} must be between ${range[0]} and ${range[1]}, got ${v}`);
    return v;
  }

  choice<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = (this.map.get(name) ?? fallback) as T | undefined;
    if (v === undefined) throw new UsageError(`--${name} is required (one of ${allowed.join(', ')})`);
    if (!allowed.includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
    return v;
  }

  /** A comma-separated list of choices. */
  list<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
    const raw = this.map.get(name);
    if (raw === undefined) return [...fallback];
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean) as T[];
    if (items.length === 0) throw new UsageError(`--${name} needs at least one of ${allowed.join(', ')}`);
    for (const v of items) if (!allowed.includes(v)) throw new UsageError(`--${name}: '${v}' is not one of ${allowed.join(', ')}`);
    return [...new Set(items)];
  }
}

/** `command --key value … --flag`, checking keys against the command's `allowed` options (plus --out). */
export function parseArgs(argv: string[], allowedFor: (command: string) => readonly string[] | undefined): { command: string; opts: Opts } {
  const [command = '', ...rest] = argv;
  const allowed = allowedFor(command);
  const map = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i];
    if (!key.startsWith('--')) throw new UsageError(`unexpected argument '${key}'`);
    const name = key.slice(2);
    if (allowed && name !== 'out' && name !== 'help' && !allowed.includes(name)) {
      throw new UsageError(`${command} does not take ${key} (options: ${[...allowed, 'out'].map((o) => `--${o}`).join(' ')})`);
    }
    if (map.has(name)) throw new UsageError(`${key} given twice`);
    if (FLAGS.has(name)) {
      map.set(name, 'true');
      continue;
    }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${key} needs a value`);
    map.set(name, value);
    i++;
  }
  return { command, opts: new Opts(map) };
}

/** Ids of the bundled models (public/models/index.json). */
export function bundledModels(): string[] {
  const index = JSON.parse(fs.readFileSync(path.join(MODELS_DIR, 'index.json'), 'utf8'));
  return index.models as string[];
}

export function modelDir(id: string): string {
  return path.join(MODELS_DIR, id);
}

/** The weights hash of each open generator (see snapshotFiles). */
const hashes = new WeakMap<Generator, string>();

/**
 * A model from an in-memory snapshot of its folder: a training run may publish new weights there at any
 * time, and the generator and weightsHash must agree. `entry` names the file the user pointed at (a
 * model.json or manifest.json), as the app's URL loader does.
 */
async function openFolder(dir: string, entry?: string): Promise<Generator> {
  const files = snapshotFiles(dir);
  const g = await loadGenerator(entry ? { ...files, entry } : files);
  hashes.set(g, files.hash);
  return g;
}

/** A model from files already in memory (e.g. scripts/lib/shuffledFiles.ts), its weights named by `hash`. */
export async function openModelFiles(files: ModelFiles & { hash: string }): Promise<Generator> {
  const g = await loadGenerator(files);
  hashes.set(g, files.hash);
  return g;
}

/** A bundled model by id. */
export async function openModelId(id: string): Promise<Generator> {
  const models = bundledModels();
  if (!models.includes(id)) throw new UsageError(`unknown model '${id}' (bundled: ${models.join(', ')})`);
  return openFolder(modelDir(id));
}

/**
 * --model: a bundled id, or a path to a model folder (with or without manifest.json) or to its
 * model.json / manifest.json — what the app accepts as a URL or as dropped files.
 */
export async function openModelSpec(spec: string): Promise<Generator> {
  const looksLikePath = spec.includes('/') || spec.includes(path.sep) || spec.endsWith('.json') || spec.startsWith('.');
  if (!looksLikePath || !fs.existsSync(spec)) {
    if (looksLikePath) throw new UsageError(`--model ${spec}: no such file or folder`);
    return openModelId(spec);
  }
  const stat = fs.statSync(spec);
  if (stat.isDirectory()) return openFolder(spec);
  if (!spec.endsWith('.json')) throw new UsageError(`--model ${spec}: expected a model folder, a model.json or a manifest.json`);
  return openFolder(path.dirname(spec), path.basename(spec));
}

/**
 * The weightsHash shipped now under public/models/<id> when it differs from `measured` (a study's recorded hash,
 * or undefined when it recorded none): the model was retrained since. Null when they agree or <id> is not bundled.
 */
export function retrainedSince(id: string, measured: string | undefined): string | null {
  const dir = modelDir(id);
  const now = fs.existsSync(dir) ? snapshotFiles(dir).hash : null;
  return now !== null && now !== measured ? now : null;
}

/** sha256 (10 hex digits) of the weight shards an open model was loaded from. */
export function weightsHash(g: Generator): string {
  return hashes.get(g) ?? 'unknown';
}

export async function openModel(opts: Opts): Promise<Generator> {
  return openModelSpec(opts.required('model'));
}

/** The latent of each seed in `space`: z from the prior, mapped to w (or broadcast to w+) for style models. */
export function latentFor(g: Generator, seeds: number[], space: LatentSpace): tf.Tensor {
  if (space !== 'z' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no ${space} space (it is a z-space generator)`);
  return tf.tidy(() => latentIn(g, tf.concat(seeds.map((s) => tf.tensor2d(g.samplePrior(s, 1), [1, g.zDim])), 0) as tf.Tensor2D, space));
}

/** The same as plain numbers (one seed). */
export function latentValues(g: Generator, seed: number, space: LatentSpace): Float64Array {
  const t = latentFor(g, [seed], space);
  const v = Float64Array.from(t.dataSync());
  t.dispose();
  return v;
}

export function readLatents(file: string): number[][] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--latents ${file}: ${(e as Error).message}`);
  }
  const latents = (json as { latents?: unknown }).latents;
  if (!Array.isArray(latents) || latents.length === 0 || !latents.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new UsageError(`--latents ${file}: expected {"latents": number[][]} with finite numbers`);
  }
  return latents as number[][];
}

/** A row-major k×n Float64Array as k arrays. */
export const rows = (a: Float64Array, n: number): number[][] => Array.from({ length: a.length / n }, (_, k) => Array.from(a.subarray(k * n, (k + 1) * n)));

/** Seeds start, start+1, … (count of them). */
export const seedRange = (start: number, count: number): number[] => Array.from({ length: count }, (_, i) => start + i);

/** Mean and population standard deviation of finite values (NaN when none). */
export function meanSd(xs: ArrayLike<number>): { mean: number; sd: number } {
  const v = Array.from(xs).filter(Number.isFinite);
  if (v.length === 0) return { mean: NaN, sd: NaN };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
}

/** Default space of the directions a basis lives in: W for style models, Z otherwise. */
export function defaultSpace(g: Generator): 'z' | 'w' {
  return g.isStyleBased ? 'w' : 'z';
}

/** Images [B, H, W, C] of the model side by side in one PNG row (a before / after pair), freed afterwards. */
export function writeRowPng(g: Generator, images: tf.Tensor4D, file: string): string {
  const [b, h, w, c] = images.shape;
  try {
    writeGridPng(file, images.dataSync() as Float32Array, b, h, w, c, { cols: b, scale: 4, range: g.manifest.output.range });
  } finally {
    images.dispose();
  }
  return file;
}
