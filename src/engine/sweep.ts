/**
 * The atlas sweep job: how alike the geometry is from place to place. Orchestration only; the math is
 * geometry/homogeneity.ts (Wang & Ponce Eq. 6: the exact metric at `count` prior samples seed, seed+1, …
 * in the basis space, C^H on the log scale for every ordered pair) and geometry/grassmann.ts (Choi et al.
 * Fig. 8, style models only: the same study `atlas grassmann` runs, `count` pairs per curve, plotted as the
 * mean geodesic distance at grassmannKs(r)).
 *
 * A sweep is made of independent items (one metric per position, and the Grassmann study) and a merge.
 * One worker (and the CLI) runs computeSweep, which is exactly the items in order and the merge; a pool of
 * job workers runs the same item and merge functions as the registry's `sweepItem` and `sweepMerge` kinds
 * spread over its workers (splits.ts), so both give the same numbers.
 */
import { referenceOf } from '../geometry/bases';
import { grassmannKs, grassmannStudy } from '../geometry/grassmann';
import { metricHomogeneity, offDiagonal } from '../geometry/homogeneity';
import { computeMetric } from '../geometry/metric';
import { MAX_SWEEP_COUNT, MIN_SWEEP_COUNT } from '../state/vocabulary';
import type { Spectrum } from '../geometry/spectrum';
import type { Generator } from '../model/generator';
import type { JobContext } from './jobContext';
import { basisSpaceOf, checkDistance, checkInt, checkSeed, explorerSpace } from './requests';
import type { DistanceName, LatentSpace } from './types';

export interface SweepRequest {
  /** Latents: prior samples seed, seed+1, … */
  seed: number;
  count: number;
  space: LatentSpace;
  distance: DistanceName;
  /** As BasisRequest.derivatives. */
  derivatives?: 'exact' | 'fd';
}

/**
 * One independent item of a sweep, so a pool of job workers can share a sweep out (src/engine/splits.ts):
 * index < count is the exact metric at prior sample seed + index; index = count (style models) is the
 * Grassmann study, which draws its own random numbers in sequence and so stays one item.
 */
export interface SweepItemRequest {
  sweep: SweepRequest;
  index: number;
}

export interface SweepItem {
  index: number;
  /** The metric's eigenpairs (index < count). */
  eigenvalues?: Float64Array;
  eigenvectors?: Float64Array;
  /** The Grassmann curves (index = count). */
  grassmann?: Sweep['grassmann'];
}

/** Merge a sweep's items into its result; `partial` merges the metrics so far (the live histogram, no Grassmann). */
export interface SweepMergeRequest {
  sweep: SweepRequest;
  items: SweepItem[];
  partial?: boolean;
  /** Wall-clock time the items took, reported as the sweep's `ms`. */
  elapsedMs?: number;
}

export interface Sweep {
  count: number;
  /** Off-diagonal C^H on the log scale (Wang & Ponce Eq. 6), all ordered pairs, row-major; NaN entries (flat spectra) left out. */
  logCorrelations: number[];
  /** Summary of the log correlations: mean and std. */
  logCorrelationMean: number;
  logCorrelationStd: number;
  /**
   * Grassmann study (Choi Fig. 8) for style models: mean geodesic distance (Eq. 14) vs subspace dimension k,
   * curves named as in geometry/grassmann.ts GRASSMANN_CURVES: close-w, to-ganspace, random-w, to-sefa, random-O(d).
   */
  grassmann?: { ks: number[]; curves: { name: string; values: number[] }[] };
  ms: number;
}


export { MAX_SWEEP_COUNT } from '../state/vocabulary';

function checkSweep(g: Generator, req: SweepRequest) {
  if (!req || typeof req !== 'object') throw new Error('A sweep request must be an object.');
  const space = explorerSpace(g, req.space);
  const distance = checkDistance(g, req.distance);
  const count = checkInt(req.count, MIN_SWEEP_COUNT, MAX_SWEEP_COUNT, 'The number of samples');
  const seed = checkSeed(req.seed);
  return { space, distance, count, seed, basisSpace: basisSpaceOf(space) };
}

/** One item: the exact metric at position `index`, or (index = count, style models) the Grassmann study. */
export async function computeSweepItem(g: Generator, req: SweepItemRequest, ctx: JobContext): Promise<SweepItem> {
  if (!req || typeof req !== 'object') throw new Error('A sweep item request must be an object.');
  const { distance, count, seed, basisSpace } = checkSweep(g, req.sweep);
  const last = g.isStyleBased ? count : count - 1;
  const index = checkInt(req.index, 0, last, 'The sweep item');
  await ctx.checkpoint();
  if (index === count) {
    const ks = grassmannKs(Math.min(g.zDim, g.wDim!));
    const study = await grassmannStudy(g, { samples: count, seed, ks }, ctx);
    return { index, grassmann: { ks, curves: study.curves.map((c) => ({ name: c.name, values: c.geodesic.mean })) } };
  }
  const m = await computeMetric(g, referenceOf(g, g.samplePrior(seed + index, 1), basisSpace), {
    space: basisSpace, distance, method: req.sweep.derivatives ?? 'exact', signal: ctx.signal, checkpoint: ctx.checkpoint, check: false,
  });
  // Own copies: the item result's buffers are transferred out of the worker (registry.ts).
  return { index, eigenvalues: Float64Array.from(m.eigenvalues), eigenvectors: m.eigenvectors ? Float64Array.from(m.eigenvectors) : undefined };
}

/** The items' merge: C^H over the metrics (in index order) and the Grassmann curves; no tfjs, no generator needed. */
export function mergeSweep(req: SweepMergeRequest): Sweep {
  if (!req || typeof req !== 'object' || !Array.isArray(req.items)) throw new Error('A sweep merge request needs the items.');
  const count = checkInt(req.sweep?.count, MIN_SWEEP_COUNT, MAX_SWEEP_COUNT, 'The number of samples');
  const sorted = [...req.items].sort((a, b) => a.index - b.index);
  const metrics: Spectrum[] = sorted.filter((it) => it.eigenvalues).map((it) => ({ eigenvalues: it.eigenvalues!, eigenvectors: it.eigenvectors }));
  if (!req.partial && metrics.length !== count) throw new Error(`A sweep of ${count} samples got ${metrics.length} metrics to merge.`);
  const h = metricHomogeneity(metrics);
  const grassmann = req.partial ? undefined : sorted.find((it) => it.grassmann)?.grassmann;
  return {
    count: metrics.length,
    logCorrelations: offDiagonal(h.log, metrics.length),
    logCorrelationMean: h.summary.log.mean,
    logCorrelationStd: h.summary.log.sd,
    ...(grassmann ? { grassmann } : {}),
    ms: req.elapsedMs ?? 0,
  };
}

/** The whole sweep in one worker: the items in order, then the merge (what a pool does, in sequence). */
export async function computeSweep(g: Generator, req: SweepRequest, ctx: JobContext): Promise<Sweep> {
  const t0 = performance.now();
  const { count } = checkSweep(g, req);
  const items: SweepItem[] = [];
  ctx.progress('metrics', 0, count);
  for (let i = 0; i < count; i++) {
    items.push(await computeSweepItem(g, { sweep: req, index: i }, ctx));
    // The pairs among the metrics so far, for a live histogram (cheap next to one metric: n ≤ 128).
    if (items.length >= 2) {
      const h = mergeSweep({ sweep: req, items, partial: true });
      ctx.progress('metrics', i + 1, count, { logCorrelations: h.logCorrelations, logCorrelationMean: h.logCorrelationMean });
    } else ctx.progress('metrics', i + 1, count);
  }
  if (g.isStyleBased) items.push(await computeSweepItem(g, { sweep: req, index: count }, ctx));
  await ctx.checkpoint();
  return mergeSweep({ sweep: req, items, elapsedMs: performance.now() - t0 });
}
