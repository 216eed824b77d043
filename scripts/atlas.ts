/**
 * `npm run atlas -- <command> [options]` — the command-line face of src/: same loader, same math.
 * JSON goes to stdout (or --out FILE). Bad arguments and unknown models: one line on stderr, exit 2.
 *
 *   generate --model ID (--seed S [--count C] | --latents FILE.json) [--space z|w|wplus] [--png FILE]
 *   metric   --model ID --seed S [--space z|w|wplus] [--distance mse|ssim|perceptual] [--method exact|fd|lanczos|bp] [--k K]
 *   map      --model ID --latents FILE.json            (style models: the w of each z)
 *   local-basis --model ID --seed S                    (style models: Choi et al.'s Local Basis at z)
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from './lib/tfnode';
import { dirFiles } from './lib/fsFiles';
import { writeGridPng } from './lib/png';
import { loadGenerator } from '../src/model/load';
import type { Generator, LatentSpace } from '../src/model/generator';
import { ModelLoadError } from '../src/model/errors';
import { latentIn } from '../src/engine/latent';
import { computeMetric, METRIC_METHODS } from '../src/geometry/metric';
import { localBasisOfGenerator } from '../src/geometry/localBasis';
import { DISTANCES } from '../src/distance';

const root = path.resolve(import.meta.dirname, '..');

class UsageError extends Error {}

function parseArgs(argv: string[]): { command: string; opts: Map<string, string> } {
  const [command, ...rest] = argv;
  const opts = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i];
    if (!key.startsWith('--')) throw new UsageError(`unexpected argument '${key}'`);
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${key} needs a value`);
    opts.set(key.slice(2), value);
    i++;
  }
  return { command: command ?? '', opts };
}

function intOpt(opts: Map<string, string>, name: string, fallback?: number): number {
  const raw = opts.get(name);
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isInteger(v)) throw new UsageError(`--${name} must be an integer, got '${raw}'`);
  return v;
}

function choice<T extends string>(opts: Map<string, string>, name: string, allowed: readonly T[], fallback: T): T {
  const v = (opts.get(name) ?? fallback) as T;
  if (!allowed.includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v;
}

async function openModel(opts: Map<string, string>): Promise<Generator> {
  const id = opts.get('model');
  if (!id) throw new UsageError('--model is required');
  const index = JSON.parse(fs.readFileSync(path.join(root, 'public', 'models', 'index.json'), 'utf8'));
  if (!(index.models as string[]).includes(id)) throw new UsageError(`unknown model '${id}' (bundled: ${index.models.join(', ')})`);
  return loadGenerator(dirFiles(path.join(root, 'public', 'models', id)));
}

/** The latent of `seed` in `space`: z from the prior, mapped to w (or broadcast to w+) for style models. */
function latentFor(g: Generator, seeds: number[], space: LatentSpace): tf.Tensor {
  if (space !== 'z' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no ${space} space (it is a z-space generator)`);
  return tf.tidy(() => latentIn(g, tf.concat(seeds.map((s) => tf.tensor2d(g.samplePrior(s, 1), [1, g.zDim])), 0) as tf.Tensor2D, space));
}

function readLatents(file: string): number[][] {
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

async function generate(opts: Map<string, string>) {
  const g = await openModel(opts);
  const space = choice(opts, 'space', ['z', 'w', 'wplus'] as const, 'z');
  let latent: tf.Tensor;
  if (opts.has('latents')) {
    const rows = readLatents(opts.get('latents')!);
    const width = space === 'z' ? g.zDim : g.wDim!;
    if (rows.some((r) => r.length !== width * (space === 'wplus' ? g.styleLayers! : 1))) {
      throw new UsageError(`--latents: each row must have ${space === 'wplus' ? `${g.styleLayers}×${width}` : width} numbers for space ${space}`);
    }
    latent = space === 'wplus' ? tf.tensor3d(rows.flat(), [rows.length, g.styleLayers!, width!]) : tf.tensor2d(rows);
  } else {
    const seed = intOpt(opts, 'seed');
    const count = intOpt(opts, 'count', 1);
    if (count < 1 || count > 1024) throw new UsageError('--count must be between 1 and 1024');
    latent = latentFor(g, Array.from({ length: count }, (_, i) => seed + i), space);
  }
  const images = tf.tidy(() => g.generate(latent, space));
  const [b, h, w, c] = images.shape;
  const data = images.dataSync() as Float32Array;
  if (opts.has('png')) writeGridPng(opts.get('png')!, data, b, h, w, c, { range: g.manifest.output.range, scale: 4 });
  const result = { model: g.manifest.id, space, shape: images.shape, outputs: Array.from(data) };
  tf.dispose([latent, images]);
  g.dispose();
  return result;
}

/** A row-major k×n Float64Array as k arrays. */
const rows = (a: Float64Array, n: number) => Array.from({ length: a.length / n }, (_, k) => Array.from(a.subarray(k * n, (k + 1) * n)));

async function metric(opts: Map<string, string>) {
  const g = await openModel(opts);
  const seed = intOpt(opts, 'seed');
  const space = choice(opts, 'space', ['z', 'w', 'wplus'] as const, 'z');
  const distance = choice(opts, 'distance', DISTANCES, 'mse');
  const method = choice(opts, 'method', METRIC_METHODS, 'exact');
  const k = opts.has('k') ? intOpt(opts, 'k') : undefined;
  if (k !== undefined && k < 1) throw new UsageError('--k must be at least 1');
  const x0 = latentFor(g, [seed], space);
  const z0 = space === 'z' ? null : latentFor(g, [seed], 'z');
  const m = await computeMetric(g, x0, { space, distance, method, k });
  const result = {
    model: g.manifest.id, space, distance, method, seed,
    z: Array.from((z0 ?? x0).dataSync()),
    ...(space === 'z' ? {} : { [space]: Array.from(x0.dataSync()) }),
    eigenvalues: Array.from(m.eigenvalues),
    eigenvectors: rows(m.eigenvectors, m.n),
    errorEstimate: m.errorEstimate,
    ms: m.ms,
  };
  tf.dispose([x0, ...(z0 ? [z0] : [])]);
  g.dispose();
  return result;
}

async function map(opts: Map<string, string>) {
  const g = await openModel(opts);
  if (!g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no mapping network (it is a z-space generator)`);
  const latents = readLatents(opts.get('latents') ?? (() => { throw new UsageError('--latents is required'); })());
  if (latents.some((r) => r.length !== g.zDim)) throw new UsageError(`--latents: each row must have ${g.zDim} numbers (z)`);
  const w = tf.tidy(() => g.mapZ(tf.tensor2d(latents)));
  const result = { model: g.manifest.id, w: w.arraySync() };
  w.dispose();
  g.dispose();
  return result;
}

async function localBasisCommand(opts: Map<string, string>) {
  const g = await openModel(opts);
  if (!g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no mapping network, so no Local Basis`);
  const seed = intOpt(opts, 'seed');
  const t0 = performance.now();
  const lb = localBasisOfGenerator(g, g.samplePrior(seed, 1));
  const ms = performance.now() - t0;
  g.dispose();
  return {
    model: g.manifest.id, seed, z: Array.from(lb.z), w: Array.from(lb.w),
    singularValues: Array.from(lb.singularValues), wBasis: rows(lb.wDirections, lb.wDim), zBasis: rows(lb.zDirections, lb.zDim), ms,
  };
}

const COMMANDS: Record<string, (o: Map<string, string>) => Promise<unknown>> = { generate, metric, map, 'local-basis': localBasisCommand };

async function main() {
  const { command, opts } = parseArgs(process.argv.slice(2));
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
  await useBackend('wasm');
  const out = JSON.stringify(await run(opts));
  if (opts.has('out')) fs.writeFileSync(opts.get('out')!, out + '\n');
  else process.stdout.write(out + '\n');
}

main().catch((e) => {
  if (e instanceof UsageError || e instanceof ModelLoadError) {
    console.error(`atlas: ${e.message}`);
    process.exit(2);
  }
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
