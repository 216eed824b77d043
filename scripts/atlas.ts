/**
 * `npm run atlas -- <command> [options]` — the command-line face of src/: same loader, same math.
 * JSON goes to stdout (or --out FILE). Bad arguments and unknown models: one line on stderr, exit 2.
 *
 *   generate --model ID (--seed S [--count C] | --latents FILE.json) [--space z|w|wplus] [--png FILE]
 *   metric   --model ID --seed S [--space z|w] [--method exact|fd]   (pixel distance; more in the geometry issue)
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
import { jacobianExact, jacobianFD, metricFromJacobian } from '../src/geometry/jacobian';
import { eigh } from '../src/linalg/eigh';

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
  return tf.tidy(() => {
    const zs = tf.concat(seeds.map((s) => tf.tensor2d(g.samplePrior(s, 1), [1, g.zDim])), 0) as tf.Tensor2D;
    if (space === 'z') return zs;
    const w = g.mapZ(zs);
    return space === 'w' ? w : g.broadcastW(w);
  });
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

async function metric(opts: Map<string, string>) {
  const g = await openModel(opts);
  const seed = intOpt(opts, 'seed');
  const space = choice(opts, 'space', ['z', 'w'] as const, 'z');
  const method = choice(opts, 'method', ['exact', 'fd'] as const, 'exact');
  const x0 = latentFor(g, [seed], space);
  const t0 = performance.now();
  const f = (x: tf.Tensor) => g.generate(x, space);
  const j = method === 'exact' ? jacobianExact(f, x0) : jacobianFD(f, x0);
  const e = eigh(metricFromJacobian(j), j.n);
  const ms = performance.now() - t0;
  const result = {
    model: g.manifest.id, space, distance: 'mse', method, seed,
    [space]: Array.from(x0.dataSync()),
    eigenvalues: Array.from(e.values),
    eigenvectors: Array.from({ length: e.n }, (_, k) => Array.from(e.vectors.subarray(k * e.n, (k + 1) * e.n))),
    ms,
  };
  x0.dispose();
  g.dispose();
  return result;
}

const COMMANDS: Record<string, (o: Map<string, string>) => Promise<unknown>> = { generate, metric };

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
