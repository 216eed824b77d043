/**
 * The five kinds of direction the atlas compares, as unit rows in one latent space:
 *
 * - hessian:  eigenvectors of the metric at the position (Wang & Ponce), local;
 * - local:    Choi et al.'s Local Basis (W directions of the mapping Jacobian's SVD) at the position, local;
 * - average:  eigenvectors of the metric averaged over M positions (Wang & Ponce's "global" Hessian);
 * - ganspace: PCA of w samples (style models) or of the first layer's activations regressed to Z;
 * - sefa:     eigenvectors of AᵀA of the weights consuming the latent (all style affines for style models).
 *
 * Style models: every basis lives in W (hessian and average may also be asked for in Z); z-space models: Z.
 */
import type * as tf from '@tensorflow/tfjs';
import { computeMetric } from '../../src/geometry/metric';
import { localBasisOfGenerator } from '../../src/geometry/localBasis';
import { averageMetric } from '../../src/geometry/averageMetric';
import { ganspaceW, ganspaceZ, sefa } from '../../src/geometry/globalBases';
import type { DistanceName } from '../../src/distance';
import type { Generator } from '../../src/model/generator';
import { latentFor, latentNetwork, seedRange, UsageError } from './common';

export const BASES = ['hessian', 'local', 'average', 'ganspace', 'sefa'] as const;
export type BasisName = (typeof BASES)[number];
export const LOCAL_BASES: readonly BasisName[] = ['hessian', 'local'];

export interface Directions {
  basis: BasisName;
  space: 'z' | 'w';
  n: number;
  k: number;
  /** k×n unit rows, most important first. */
  directions: Float64Array;
  /** Eigenvalues (hessian, average: of the metric; sefa: of AᵀA), singular values (local) or PCA variances (ganspace). */
  values: number[];
  notes: string[];
}

export interface BasisContext {
  g: Generator;
  space: 'z' | 'w';
  distance: DistanceName;
  /** Directions wanted (the top k). */
  k: number;
  /** average: positions averaged and the first seed (kept apart from evaluation seeds). */
  averageSamples: number;
  averageSeed: number;
  /** ganspace: samples drawn (default 2000 w samples, or 512 first-layer activations for Z: its PCA is an eigh of min(N, D)²). */
  ganspaceSamples?: number;
}

/** The bases a model supports in a space (the default list of `score`). */
export function basesFor(g: Generator, space: 'z' | 'w'): BasisName[] {
  return BASES.filter((b) => compatibility(g, b, space) === null);
}

function compatibility(g: Generator, basis: BasisName, space: 'z' | 'w'): string | null {
  if (space === 'w' && !g.isStyleBased) return `model ${g.manifest.id} has no W space (it is a z-space generator)`;
  if (basis === 'local' && !g.isStyleBased) return `model ${g.manifest.id} has no mapping network, so no Local Basis`;
  if (g.isStyleBased && space === 'z' && (basis === 'local' || basis === 'ganspace' || basis === 'sefa')) return `basis ${basis} lives in W for the style model ${g.manifest.id}; use --space w`;
  return null;
}

export function checkBasis(g: Generator, basis: BasisName, space: 'z' | 'w'): void {
  const why = compatibility(g, basis, space);
  if (why) throw new UsageError(why);
}

/** Largest k a basis can give. */
export function maxDirections(g: Generator, basis: BasisName, space: 'z' | 'w'): number {
  const n = space === 'z' ? g.zDim : g.wDim!;
  return basis === 'local' ? Math.min(g.zDim, g.wDim!) : n;
}

/** A global basis (average, ganspace, sefa): the same at every position. */
export async function globalDirections(ctx: BasisContext, basis: 'average' | 'ganspace' | 'sefa'): Promise<Directions> {
  const { g, space, k } = ctx;
  checkBasis(g, basis, space);
  const n = space === 'z' ? g.zDim : g.wDim!;
  if (basis === 'average') {
    const seeds = seedRange(ctx.averageSeed, ctx.averageSamples);
    const metrics = [];
    for (const s of seeds) metrics.push(await metricAt(ctx, s, n));
    const avg = averageMetric(metrics.map((m) => ({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors })));
    return { basis, space, n, k, directions: avg.eigenvectors.slice(0, k * n), values: Array.from(avg.eigenvalues.subarray(0, k)), notes: [`mean of ${ctx.distance} metrics at seeds ${seeds[0]}…${seeds.at(-1)}`] };
  }
  if (basis === 'ganspace' && space === 'w') {
    const b = ganspaceW(g, { k, samples: ctx.ganspaceSamples ?? 2000 });
    return { basis, space, n, k, directions: b.directions, values: Array.from(b.values), notes: b.notes };
  }
  const network: tf.LayersModel = await latentNetwork(g);
  try {
    const b = basis === 'ganspace' ? ganspaceZ(g, network, { k, samples: ctx.ganspaceSamples ?? 512 }) : sefa(network, { k, layers: g.isStyleBased ? 'all' : 'first' });
    return { basis, space, n, k, directions: b.directions, values: Array.from(b.values), notes: b.notes };
  } finally {
    network.dispose();
  }
}

async function metricAt(ctx: BasisContext, seed: number, n: number) {
  const x0 = latentFor(ctx.g, [seed], ctx.space);
  try {
    const m = await computeMetric(ctx.g, x0, { space: ctx.space, distance: ctx.distance, method: 'exact' });
    if (m.n !== n) throw new Error(`metric has size ${m.n}, expected ${n}`);
    return m;
  } finally {
    x0.dispose();
  }
}

/** A local basis (hessian, local) at the position of `seed`. */
export async function localDirections(ctx: BasisContext, basis: 'hessian' | 'local', seed: number): Promise<Directions> {
  const { g, space, k } = ctx;
  checkBasis(g, basis, space);
  if (basis === 'hessian') {
    const n = space === 'z' ? g.zDim : g.wDim!;
    const m = await metricAt(ctx, seed, n);
    return { basis, space, n, k, directions: m.eigenvectors.slice(0, k * n), values: Array.from(m.eigenvalues), notes: [`${ctx.distance} metric at seed ${seed}`] };
  }
  const lb = localBasisOfGenerator(g, g.samplePrior(seed, 1));
  return { basis, space, n: lb.wDim, k, directions: lb.wDirections.slice(0, k * lb.wDim), values: Array.from(lb.singularValues), notes: [`Local Basis at seed ${seed}`] };
}

/** Directions of any basis at a position; global bases come from (and go into) `cache`. */
export async function directionsAt(ctx: BasisContext, basis: BasisName, seed: number, cache: Map<BasisName, Directions>): Promise<Directions> {
  if (basis === 'hessian' || basis === 'local') return localDirections(ctx, basis, seed);
  let d = cache.get(basis);
  if (!d) {
    d = await globalDirections(ctx, basis);
    cache.set(basis, d);
  }
  return d;
}
