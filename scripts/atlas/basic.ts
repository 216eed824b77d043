/**
 * generate, metric, map, local-basis: one model, one latent (or batch) at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { writeGridPng } from '../lib/png';
import { computeMetric, METRIC_METHODS } from '../../src/geometry/metric';
import { localBasisOfGenerator } from '../../src/geometry/localBasis';
import { DISTANCES } from '../../src/distance';
import { latentFor, openModel, readLatents, rows, UsageError, type Opts } from './common';

export async function generate(opts: Opts) {
  const g = await openModel(opts);
  const space = opts.choice('space', ['z', 'w', 'wplus'] as const, 'z');
  let latent: tf.Tensor;
  if (opts.has('latents')) {
    const data = readLatents(opts.str('latents')!);
    const width = space === 'z' ? g.zDim : g.wDim!;
    if (space !== 'z' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no ${space} space (it is a z-space generator)`);
    if (data.some((r) => r.length !== width * (space === 'wplus' ? g.styleLayers! : 1))) {
      throw new UsageError(`--latents: each row must have ${space === 'wplus' ? `${g.styleLayers}×${width}` : width} numbers for space ${space}`);
    }
    latent = space === 'wplus' ? tf.tensor3d(data.flat(), [data.length, g.styleLayers!, width!]) : tf.tensor2d(data);
  } else {
    const seed = opts.int('seed');
    const count = opts.int('count', 1);
    if (count < 1 || count > 1024) throw new UsageError('--count must be between 1 and 1024');
    latent = latentFor(g, Array.from({ length: count }, (_, i) => seed + i), space);
  }
  const images = tf.tidy(() => g.generate(latent, space));
  const [b, h, w, c] = images.shape;
  const data = images.dataSync() as Float32Array;
  if (opts.has('png')) writeGridPng(opts.str('png')!, data, b, h, w, c, { range: g.manifest.output.range, scale: 4 });
  const result = { model: g.manifest.id, space, shape: images.shape, outputs: Array.from(data) };
  tf.dispose([latent, images]);
  g.dispose();
  return result;
}

export async function metric(opts: Opts) {
  const g = await openModel(opts);
  const seed = opts.int('seed');
  const space = opts.choice('space', ['z', 'w', 'wplus'] as const, 'z');
  const distance = opts.choice('distance', DISTANCES, 'mse');
  const method = opts.choice('method', METRIC_METHODS, 'exact');
  const k = opts.has('k') ? opts.int('k') : undefined;
  if (k !== undefined && k < 1) throw new UsageError('--k must be at least 1');
  const jvp = opts.choice('jvp', ['forward', 'double-vjp'] as const, 'forward');
  const x0 = latentFor(g, [seed], space);
  const z0 = space === 'z' ? null : latentFor(g, [seed], 'z');
  // --repeat N: after the first (cold) call, N more on the same latent; `ms` is their median, so one CLI
  // call compares fairly with a warmed-up tool, and `coldMs` keeps what the first call cost (kernel set-up,
  // JIT, memory growth). Without it `ms` and `coldMs` are the one call.
  const repeat = opts.int('repeat', 0, [0, 1000]);
  const m = await computeMetric(g, x0, { space, distance, method, k, jvp });
  const warmMs: number[] = [];
  for (let i = 0; i < repeat; i++) warmMs.push((await computeMetric(g, x0, { space, distance, method, k, jvp })).ms);
  const result = {
    model: g.manifest.id, space, distance, method, seed,
    z: Array.from((z0 ?? x0).dataSync()),
    ...(space === 'z' ? {} : { [space]: Array.from(x0.dataSync()) }),
    eigenvalues: Array.from(m.eigenvalues),
    eigenvectors: rows(m.eigenvectors, m.n),
    errorEstimate: m.errorEstimate,
    jvp: m.jvp,
    fallbacks: m.fallbacks,
    ms: repeat > 0 ? median(warmMs) : m.ms,
    coldMs: m.ms,
    ...(repeat > 0 ? { repeat, warmMs } : {}),
  };
  tf.dispose([x0, ...(z0 ? [z0] : [])]);
  g.dispose();
  return result;
}

export async function map(opts: Opts) {
  const g = await openModel(opts);
  if (!g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no mapping network (it is a z-space generator)`);
  const latents = readLatents(opts.required('latents'));
  if (latents.some((r) => r.length !== g.zDim)) throw new UsageError(`--latents: each row must have ${g.zDim} numbers (z)`);
  const w = tf.tidy(() => g.mapZ(tf.tensor2d(latents)));
  const result = { model: g.manifest.id, w: w.arraySync() };
  w.dispose();
  g.dispose();
  return result;
}

export async function localBasisCommand(opts: Opts) {
  const g = await openModel(opts);
  if (!g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no mapping network, so no Local Basis`);
  const seed = opts.int('seed');
  const t0 = performance.now();
  const lb = localBasisOfGenerator(g, g.samplePrior(seed, 1));
  const ms = performance.now() - t0;
  g.dispose();
  return {
    model: g.manifest.id, seed, z: Array.from(lb.z), w: Array.from(lb.w),
    singularValues: Array.from(lb.singularValues), wBasis: rows(lb.wDirections, lb.wDim), zBasis: rows(lb.zDirections, lb.zDim), ms,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
