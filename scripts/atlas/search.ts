/**
 * search: maximise a score of the image over the latent space with CMA-ES — in the full space, or Wang &
 * Ponce's Hessian CMA-ES in the top-k eigen-coordinates of the averaged metric — on the code the app's Search
 * panel runs (src/methods/search.ts). Objectives: `discriminator` (its realness score), `class:NAME` (the
 * probe's softmax probability of a class: "make it a square"), `factor:NAME` / `-factor:NAME` (a probe target,
 * up or down: "move it left" is -factor:x). The search starts at the seed's latent; the curves per generation
 * (best and mean score, best so far, σ, the code norm) go to the output.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { averageMetricOf } from '../../src/geometry/bases';
import { latentSearch, parseObjective, searchObjective, type SearchObjective } from '../../src/methods/search';
import type { Generator } from '../../src/model/generator';
import { loadProbe, type Probe } from '../../src/model/probe';
import { dirFiles } from '../lib/fsFiles';
import { MODELS_DIR, openModel, UsageError, writeRowPng, type Opts } from './common';

/** The bundled probe a model's manifest names (public/models/probes/<id>/), or a usage error in one sentence. */
export async function probeOf(g: Generator): Promise<Probe> {
  const id = g.manifest.probe;
  if (!id) throw new UsageError(`model ${g.manifest.id} names no probe in its manifest`);
  try {
    return await loadProbe(dirFiles(path.join(MODELS_DIR, 'probes', id)), g.outputShape, g.manifest.output.range);
  } catch (e) {
    throw new UsageError(`model ${g.manifest.id}: its probe '${id}' could not be loaded (${(e as Error).message})`);
  }
}

/** The objective of `text` on `g` with the probe it needs (the caller disposes the probe); usage errors in one sentence. */
export async function objectiveOf(g: Generator, text: string): Promise<{ objective: SearchObjective; probe: Probe | null }> {
  let needsProbe: boolean;
  try {
    needsProbe = parseObjective(text).kind !== 'discriminator';
  } catch (e) {
    throw new UsageError(`--objective: ${(e as Error).message}`);
  }
  const probe = needsProbe ? await probeOf(g) : null;
  try {
    return { objective: searchObjective(g, text, probe), probe };
  } catch (e) {
    probe?.dispose();
    throw new UsageError(`--objective ${text}: ${(e as Error).message}`);
  }
}

export async function search(opts: Opts) {
  const g = await openModel(opts);
  let probe: Probe | null = null;
  try {
    const found = await objectiveOf(g, opts.required('objective'));
    probe = found.probe;
    const objective = found.objective;
    const method = opts.choice('method', ['cmaes', 'hessian-cmaes'] as const, 'hessian-cmaes');
    const seed = opts.int('seed', 1);
    const generations = opts.int('generations', 100, [1, 10_000]);
    const sigma = opts.num('sigma', 0.2, [1e-6, 100]);
    const n = g.zDim;
    const k = method === 'hessian-cmaes' ? opts.int('k', Math.min(n, 16), [1, n]) : n;
    const samples = opts.int('average-samples', 12, [2, 256]);
    const z0 = Float64Array.from(g.samplePrior(seed, 1));
    const t0 = performance.now();
    const basis = method === 'hessian-cmaes' ? await averageMetricOf(g, 'z', 'mse', 0, samples) : undefined;
    const r = await latentSearch(g, objective, { method, start: z0, generations, sigma, seed, k, basis });
    const notes = method === 'hessian-cmaes' ? [`Top ${k} of ${n} eigen-coordinates of the averaged mse metric (${samples} prior samples), steps ∝ λ^(−1/2.5) at unit RMS.`] : [];
    const start = (await objective.score(z0, 1))[0];
    let png: string | undefined;
    if (opts.has('png')) {
      png = writeRowPng(g, tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from([...z0, ...r.best]), [2, n]), 'z')), path.resolve(opts.required('png')));
    }
    return {
      model: g.manifest.id, objective: objective.label, method, seed, generations, sigma, dimensions: r.dimensions,
      population: r.population, start, bestScore: r.bestScore,
      best: Array.from(r.best), latents: [Array.from(r.best)], bestNorm: Math.hypot(...r.best), startNorm: Math.hypot(...z0),
      curves: r.history, notes, ...(png ? { png } : {}), ms: performance.now() - t0,
    };
  } finally {
    probe?.dispose();
    g.dispose();
  }
}
