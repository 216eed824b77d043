/**
 * search: maximise a score of the image over the latent space with CMA-ES (src/methods/cmaes.ts) — in the
 * full space, or Wang & Ponce's Hessian CMA-ES in the top-k eigen-coordinates of the averaged metric.
 * Objectives: `discriminator` (its realness score), `class:NAME` (the probe's softmax probability of a
 * class: "make it a square"), `factor:NAME` / `-factor:NAME` (a probe target, up or down: "move it left"
 * is -factor:x). The search starts at the seed's latent; the curves per generation go to the output.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { averageMetricOf } from '../../src/geometry/bases';
import { cmaes, hessianCoordinates } from '../../src/methods/cmaes';
import type { Generator } from '../../src/model/generator';
import { loadLayersModelFromDir } from '../lib/modelio';
import { MODELS_DIR, openModel, UsageError, writeRowPng, type Opts } from './common';

/** The values of a tensor computed in a tidy scope, as float64. */
function read(f: () => tf.Tensor): Float64Array {
  const t = tf.tidy(f);
  try {
    return Float64Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

/** The objective as a batch function of z rows (count × n): higher is better. */
export async function objectiveOf(g: Generator, spec: string): Promise<{ score: (z: Float64Array, count: number) => Float64Array; dispose: () => void; label: string }> {
  const generate = (z: Float64Array, count: number) => g.generate(tf.tensor2d(Float32Array.from(z), [count, g.zDim]), 'z');
  if (spec === 'discriminator') {
    if (!g.discriminatorScore) throw new UsageError(`--objective discriminator: model ${g.manifest.id} has no discriminator`);
    return { label: 'discriminator score', dispose: () => undefined, score: (z, count) => read(() => g.discriminatorScore!(generate(z, count))) };
  }
  const m = /^(-?)(class|factor):([\w-]+)$/.exec(spec);
  if (!m) throw new UsageError(`--objective ${spec}: expected discriminator, class:NAME, factor:NAME or -factor:NAME`);
  const [, minus, kind, name] = m;
  if (kind === 'class' && minus) throw new UsageError('--objective: a class probability is maximised; no minus sign');
  const id = g.manifest.probe;
  const dir = id ? path.join(MODELS_DIR, 'probes', id) : '';
  if (!id || !fs.existsSync(path.join(dir, 'manifest.json'))) throw new UsageError(`--objective ${spec}: model ${g.manifest.id} has no probe`);
  const outputs = (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { outputs?: { classes?: string[]; targets?: string[] } }).outputs ?? {};
  const classes = outputs.classes ?? [], targets = outputs.targets ?? [];
  const names = kind === 'class' ? classes : targets;
  const index = names.indexOf(name);
  if (index < 0) throw new UsageError(`--objective ${spec}: probe ${id} reads ${kind === 'class' ? 'classes' : 'factors'} ${names.join(', ') || '(none)'}`);
  const probe = await loadLayersModelFromDir(path.join(dir, 'model'));
  const sign = minus ? -1 : 1;
  return {
    label: kind === 'class' ? `P(${name})` : `${minus ? '−' : ''}${name}`,
    dispose: () => probe.dispose(),
    score: (z, count) => read(() => {
      const out = probe.apply(generate(z, count), { training: false }) as tf.Tensor2D;
      return kind === 'class'
        ? tf.softmax(out.slice([0, 0], [-1, classes.length])).slice([0, index], [-1, 1])
        : tf.mul(out.slice([0, classes.length + index], [-1, 1]), sign);
    }),
  };
}

export async function search(opts: Opts) {
  const g = await openModel(opts);
  const objective = await objectiveOf(g, opts.required('objective'));
  try {
    const method = opts.choice('method', ['cmaes', 'hessian-cmaes'] as const, 'hessian-cmaes');
    const seed = opts.int('seed', 1);
    const generations = opts.int('generations', 100, [1, 10_000]);
    const sigma = opts.num('sigma', 0.2, [1e-6, 100]);
    const z0 = Float64Array.from(g.samplePrior(seed, 1));
    const n = g.zDim;
    const t0 = performance.now();
    let toLatent = (x: Float64Array) => x;
    let mean = z0;
    let k = n;
    const notes: string[] = [];
    if (method === 'hessian-cmaes') {
      k = opts.int('k', Math.min(n, 16), [1, n]);
      const avg = await averageMetricOf(g, 'z', 'mse', 0, opts.int('average-samples', 12, [2, 256]));
      const coords = hessianCoordinates(avg.eigenvalues, avg.eigenvectors, n, k, z0);
      toLatent = (x) => coords.toLatent(x, x.length / k);
      mean = new Float64Array(k);
      notes.push(`Top ${k} of ${n} eigen-coordinates of the averaged mse metric (12 prior samples), steps ∝ λ^(−1/2.5) at unit RMS.`);
    }
    const r = await cmaes(async (points, count) => objective.score(toLatent(points), count), { mean, sigma, generations, seed });
    const start = objective.score(z0, 1)[0];
    const bestZ = toLatent(r.best);
    let png: string | undefined;
    if (opts.has('png')) {
      png = writeRowPng(g, tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from([...z0, ...bestZ]), [2, n]), 'z')), path.resolve(opts.required('png')));
    }
    return {
      model: g.manifest.id, objective: objective.label, method, seed, generations, sigma, dimensions: k,
      population: r.history.length ? r.evaluations / r.history.length : 0, start, bestScore: r.bestScore,
      best: Array.from(bestZ), latents: [Array.from(bestZ)], bestNorm: Math.hypot(...bestZ), startNorm: Math.hypot(...z0),
      curves: r.history, notes, ...(png ? { png } : {}), ms: performance.now() - t0,
    };
  } finally {
    objective.dispose();
    g.dispose();
  }
}
