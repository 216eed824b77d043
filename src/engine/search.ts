/**
 * The search job (orchestration; the math is src/methods/search.ts and cmaes.ts): CMA-ES in the full Z and
 * Wang & Ponce's Hessian CMA-ES in the top-k eigen-coordinates of the averaged metric, from the same start on
 * the same objective, run side by side (the two runs take turns generation by generation), streaming each
 * run's curves and the image of its best latent so far; the UI never runs the generator.
 */
import * as tf from '@tensorflow/tfjs';
import { cachedAverageMetric } from '../geometry/bases';
import { latentSearch, parseObjective, searchObjective, SEARCH_METHODS, type SearchGeneration, type SearchMethod } from '../methods/search';
import type { Generator } from '../model/generator';
import type { Probe } from '../model/probe';
import { MAX_SEARCH_GENERATIONS, MAX_SEARCH_SIGMA } from '../state/vocabulary';
import { cacheOf } from './basis';
import type { JobContext, JobResources } from './jobContext';
import { zOf } from './latent';
import { checkInt, checkPositive, checkSeed } from './requests';
import type { LatentSpec } from './types';

/** Latent search (src/engine/search.ts): CMA-ES in Z beside Hessian CMA-ES, from the request's latent. */
export interface SearchRequest {
  /** The start (a seed, truncated or not, or a Z latent). */
  latent: LatentSpec;
  /** discriminator, class:NAME, factor:NAME or -factor:NAME (src/methods/search.ts). */
  objective: string;
  /** Default 100 (the paper's). */
  generations?: number;
  /** σ₀, default 0.2 (the paper's). */
  sigma?: number;
  /** Hessian CMA-ES's eigen-coordinates, default min(zDim, 16). */
  k?: number;
  /** Seed of CMA-ES's samples (default 1); both runs use it. */
  seed?: number;
  /** Default both, side by side. */
  methods?: SearchMethod[];
}

export interface SearchRunResult {
  method: SearchMethod;
  dimensions: number;
  population: number;
  /** Per generation: best and mean score of the population, best so far, σ, ‖mean‖ in the search space and as a latent. */
  history: SearchGeneration[];
  /** The best latent z found, its score and norm, and its image. */
  best: number[];
  bestScore: number;
  bestNorm: number;
  evaluations: number;
  rgba: Uint8ClampedArray;
}

export interface SearchResult {
  objective: string;
  /** The objective in words ("P(square)", "−x", "discriminator score"). */
  label: string;
  /** The score and norm of the start, and its image. */
  start: number;
  startNorm: number;
  startRgba: Uint8ClampedArray;
  width: number;
  height: number;
  generations: number;
  sigma: number;
  seed: number;
  runs: SearchRunResult[];
  notes: string[];
  ms: number;
}


/** Prior samples of the averaged metric (the 'average' basis's and the inversion's: they share the cache). */
const AVERAGE_SAMPLES = 12;

/** What a running search streams: per run, its curves so far and the image of its best latent. */
export interface SearchPartial {
  label: string;
  start: number;
  runs: { method: SearchMethod; dimensions: number; history: SearchGeneration[]; bestRgba: Uint8ClampedArray | null }[];
}

async function imageOf(g: Generator, z: ArrayLike<number>): Promise<Uint8ClampedArray> {
  const image = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(z), [1, g.zDim]), 'z'));
  try {
    return await g.toRGBA(image);
  } finally {
    image.dispose();
  }
}

export async function computeSearch(g: Generator, req: SearchRequest, ctx: JobContext, resources: JobResources): Promise<SearchResult> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A search request must be an object.');
  const spec = parseObjective(req.objective);
  const generations = checkInt(req.generations ?? 100, 1, MAX_SEARCH_GENERATIONS, 'The number of generations');
  const sigma = checkPositive(req.sigma ?? 0.2, MAX_SEARCH_SIGMA, 'The initial step σ');
  const k = checkInt(req.k ?? Math.min(g.zDim, 16), 1, g.zDim, 'The number of eigen-coordinates');
  const seed = checkSeed(req.seed ?? 1);
  const methods: SearchMethod[] = req.methods ?? [...SEARCH_METHODS];
  if (!Array.isArray(methods) || methods.length === 0 || methods.some((m) => !SEARCH_METHODS.includes(m))) throw new Error('The search methods are cmaes and hessian-cmaes.');
  const z0 = zOf(g, req.latent);
  let probe: Probe | null = null;
  if (spec.kind !== 'discriminator') {
    ctx.progress('loading the probe', 0, 1);
    probe = await resources.probe();
  }
  const objective = searchObjective(g, req.objective, probe);
  const notes: string[] = [];
  let basis: { eigenvalues: Float64Array; eigenvectors: Float64Array } | undefined;
  if (methods.includes('hessian-cmaes')) {
    const { avg, hit } = await cachedAverageMetric(g, 'z', 'mse', 0, AVERAGE_SAMPLES, cacheOf(g), ctx);
    basis = avg;
    notes.push(`Hessian CMA-ES: the top ${k} of ${g.zDim} eigenvectors of the mse metric averaged over ${AVERAGE_SAMPLES} prior samples${hit ? ' (kept from an earlier job)' : ''}, steps ∝ λ^(−1/2.5).`);
  }
  const start = (await objective.score(Float64Array.from(z0), 1))[0];
  const live: SearchPartial = { label: objective.label, start, runs: methods.map((method) => ({ method, dimensions: method === 'cmaes' ? g.zDim : k, history: [], bestRgba: null })) };
  const total = generations * methods.length;
  const done = () => live.runs.reduce((a, r) => a + r.history.length, 0);
  ctx.progress('search', 0, total, live);
  // The runs take turns: each awaits between generations (checkpoint, the image read-back), so both curves
  // grow together. Each run has its own random numbers, so the result does not depend on the interleaving.
  const runs = await Promise.all(methods.map((method, i) => latentSearch(g, objective, { method, start: z0, generations, sigma, seed, k, basis }, {
    signal: ctx.signal, checkpoint: ctx.checkpoint,
    onGeneration: async (history, best) => {
      const rgba = await imageOf(g, best);
      live.runs[i] = { ...live.runs[i], history: [...history], bestRgba: rgba };
      ctx.progress('search', done(), total, { ...live, runs: [...live.runs] });
    },
  })));
  const [height, width] = g.outputShape;
  const out: SearchRunResult[] = [];
  for (const r of runs) {
    out.push({
      method: r.method, dimensions: r.dimensions, population: r.population, history: r.history, best: Array.from(r.best), bestScore: r.bestScore,
      bestNorm: Math.hypot(...r.best), evaluations: r.evaluations, rgba: await imageOf(g, r.best),
    });
  }
  return {
    objective: req.objective, label: objective.label, start, startNorm: Math.hypot(...z0), startRgba: await imageOf(g, z0),
    width, height, generations, sigma, seed, runs: out, notes, ms: performance.now() - t0,
  };
}
