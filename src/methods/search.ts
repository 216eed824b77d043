/**
 * Latent search (Wang & Ponce, paper 000 §6): maximise a score of the generated image with CMA-ES
 * (cmaes.ts) in the full latent space Z, or with Hessian CMA-ES in the top-k eigen-coordinates of the
 * averaged metric (steps ∝ λ^(−1/2.5), hessianCoordinates). One implementation for `atlas search`, the
 * app's Search panel (job kind `search`, src/engine/search.ts) and `npm run inversion-study`.
 *
 * Objectives (text, as the CLI's --objective and the panel's choice):
 * - `discriminator`: the discriminator's logit (realness; unbounded, like the paper's CNN units);
 * - `class:NAME`: the probe's softmax probability of a class ("make it a square");
 * - `factor:NAME` / `-factor:NAME`: a probe target up or down ("move it left" is -factor:x).
 * The probe (src/model/probe.ts) is the caller's to load and dispose.
 */
import * as tf from '@tensorflow/tfjs';
import { independentBatchSize } from '../distance/perceptual';
import type { Generator } from '../model/generator';
import type { Probe } from '../model/probe';
import type { CategoricalOutput, ProbeLayout } from '../model/probeLayout';
import type { ComputeContext } from '../util/jobContext';
import { cmaes, hessianCoordinates, type CmaGeneration } from './cmaes';
import { parseObjective, type ObjectiveSpec, type SearchMethod } from './objectives';

export { parseObjective, objectiveChoices, SEARCH_METHODS, type ObjectiveSpec, type SearchMethod } from './objectives';

export interface SearchObjective {
  /** For plots: "discriminator score", "P(square)", "−x". */
  label: string;
  /** Scores (higher is better) of `count` latents z, rows of `z` (count × zDim). */
  score(z: Float64Array, count: number): Promise<Float64Array>;
}

/**
 * The objective of `text` on `g` (through Z). A class or factor objective needs the model's probe; the names
 * are checked against it, and every refusal is one sentence.
 */
export function searchObjective(g: Generator, text: string, probe?: Probe | null): SearchObjective {
  const spec = parseObjective(text);
  const generate = (z: Float64Array, count: number) => g.generate(tf.tensor2d(Float32Array.from(z), [count, g.zDim]), 'z');
  const read = async (f: () => tf.Tensor) => {
    const t = tf.tidy(f);
    try {
      return Float64Array.from(await t.data());
    } finally {
      t.dispose();
    }
  };
  if (spec.kind === 'discriminator') {
    const d = g.discriminatorScore;
    if (!d) throw new Error(`Model '${g.manifest.id}' ships no discriminator, so its score cannot be searched; choose a probe objective.`);
    // Its minibatch-stddev layer mixes a batch: each image is scored as its own group (a prime batch ≥ 11,
    // zero-padded, as perceptual.ts does), so a point's score does not depend on the rest of the population.
    return {
      label: 'discriminator score',
      score: (z, count) => read(() => {
        const images = generate(z, count);
        const p = independentBatchSize(count);
        const [, h, w, c] = images.shape;
        const padded = p === count ? images : tf.concat([images, tf.zeros([p - count, h, w, c])], 0) as tf.Tensor4D;
        return d(padded).slice([0], [count]);
      }),
    };
  }
  if (!probe) throw new Error(`The objective ${text} reads the model's probe, and model '${g.manifest.id}' has none loaded.`);
  const layout = probe.manifest.layout;
  if (spec.kind === 'class') {
    const { group, index } = classColumn(layout, spec, probe.manifest.id);
    return {
      label: layout.categorical.length > 1 ? `P(${group.name} ${spec.name})` : `P(${spec.name})`,
      score: (z, count) => read(() => {
        const out = probe.apply(generate(z, count));
        return tf.softmax(out.slice([0, group.offset], [-1, group.classes.length])).slice([0, index], [-1, 1]).reshape([count]);
      }),
    };
  }
  const index = layout.targets.indexOf(spec.name);
  if (index < 0) throw new Error(`Probe '${probe.manifest.id}' reads the factors ${layout.targets.join(', ') || '(none)'}; '${spec.name}' is not among them.`);
  return {
    label: `${spec.sign < 0 ? '−' : ''}${spec.name}`,
    score: (z, count) => read(() => {
      const out = probe.apply(generate(z, count));
      return tf.mul(out.slice([0, layout.targetOffset + index], [-1, 1]), spec.sign).reshape([count]);
    }),
  };
}

/** The categorical factor and column of a class objective: `class:NAME` needs NAME to be one factor's class only. */
function classColumn(layout: ProbeLayout, spec: ObjectiveSpec, probeId: string): { group: CategoricalOutput; index: number } {
  const groups = spec.factor ? layout.categorical.filter((g) => g.name === spec.factor) : layout.categorical;
  if (spec.factor && groups.length === 0) throw new Error(`Probe '${probeId}' classifies ${layout.categorical.map((g) => g.name).join(', ') || 'nothing'}; '${spec.factor}' is not among them.`);
  const hits = groups.filter((g) => g.classes.includes(spec.name));
  const all = layout.categorical.flatMap((g) => g.classes.map((c) => (layout.categorical.length > 1 ? `${g.name}=${c}` : c)));
  if (hits.length === 0) throw new Error(`Probe '${probeId}' reads the classes ${all.join(', ') || '(none)'}; '${spec.name}' is not among them.`);
  if (hits.length > 1) throw new Error(`'${spec.name}' is a class of ${hits.map((g) => g.name).join(' and ')}; say which, e.g. class:${hits[0].name}=${spec.name}.`);
  return { group: hits[0], index: hits[0].classes.indexOf(spec.name) };
}

export interface SearchOptions {
  method: SearchMethod;
  /** The start z (the distribution's initial mean). */
  start: ArrayLike<number>;
  generations: number;
  /** σ₀ (paper: 0.2). */
  sigma: number;
  seed: number;
  /** Hessian CMA-ES: the top-k eigen-coordinates searched. */
  k?: number;
  /** Hessian CMA-ES: the averaged metric's eigenpairs in Z (descending values; rows of `eigenvectors`). */
  basis?: { eigenvalues: ArrayLike<number>; eigenvectors: Float64Array };
}

/** One generation of a run, with the latent-side numbers the paper plots. */
export interface SearchGeneration extends CmaGeneration {
  /** Best score so far. */
  bestSoFar: number;
  /** ‖z‖ of the distribution's mean, mapped to the latent (the paper's code norm). */
  latentNorm: number;
}

export interface SearchRun {
  method: SearchMethod;
  /** Dimensions searched: zDim, or k. */
  dimensions: number;
  population: number;
  history: SearchGeneration[];
  /** The best latent z found, and its score. */
  best: Float64Array;
  bestScore: number;
  /** The final mean, as a latent. */
  mean: Float64Array;
  evaluations: number;
  notes: string[];
}

/**
 * One CMA-ES run on `objective` from `opts.start`. `onGeneration` sees the history so far and the best latent
 * so far after every generation (the job streams both, the CLI passes nothing).
 */
export async function latentSearch(g: Generator, objective: SearchObjective, opts: SearchOptions,
  ctx?: ComputeContext & { onGeneration?: (history: SearchGeneration[], best: Float64Array) => void | Promise<void> }): Promise<SearchRun> {
  const n = g.zDim;
  if (opts.start.length !== n) throw new Error(`The search starts from a latent of ${n} values; got ${opts.start.length}.`);
  const z0 = Float64Array.from(opts.start);
  let k = n;
  let toLatent: (x: Float64Array, count: number) => Float64Array = (x) => x;
  let mean = z0;
  const notes: string[] = [];
  if (opts.method === 'hessian-cmaes') {
    if (!opts.basis) throw new Error('Hessian CMA-ES needs the averaged metric\'s eigenbasis.');
    k = opts.k ?? Math.min(n, 16);
    if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new Error(`Hessian CMA-ES searches 1 to ${n} eigen-coordinates, got ${opts.k}.`);
    const coords = hessianCoordinates(opts.basis.eigenvalues, opts.basis.eigenvectors, n, k, z0);
    toLatent = coords.toLatent;
    mean = new Float64Array(k);
    notes.push(`Top ${k} of ${n} eigen-coordinates of the averaged metric, steps ∝ λ^(−1/2.5) at unit RMS.`);
  } else if (opts.method !== 'cmaes') {
    throw new Error(`The search method is cmaes or hessian-cmaes, got '${String(opts.method)}'.`);
  }
  const history: SearchGeneration[] = [];
  const r = await cmaes((points, count) => objective.score(toLatent(points, count), count), { mean, sigma: opts.sigma, generations: opts.generations, seed: opts.seed }, {
    ...ctx,
    onGeneration: async (h, state) => {
      const last = h[h.length - 1];
      history.push({ ...last, bestSoFar: state.bestScore, latentNorm: Math.hypot(...toLatent(state.mean, 1)) });
      await ctx?.onGeneration?.(history, toLatent(state.best, 1));
    },
  });
  return {
    method: opts.method, dimensions: k, population: r.history.length ? r.evaluations / r.history.length : 0, history,
    best: toLatent(r.best, 1), bestScore: r.bestScore, mean: toLatent(r.mean, 1), evaluations: r.evaluations, notes,
  };
}
