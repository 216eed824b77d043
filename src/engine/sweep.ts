/**
 * A sweep over prior samples: how alike the geometry is from place to place.
 *
 * - Homogeneity (Wang & Ponce Eq. 6, geometry/homogeneity): the exact metric at `count` samples (seed,
 *   seed+1, …) in the basis space, and C^H on the log scale for every ordered pair.
 * - Grassmann study (Choi et al. §4, Fig. 8), style models only: the geodesic distance (Eq. 14) on Gr(k, W)
 *   between top-k subspaces, against k, for: Local Bases at two random w ("Random w"); Local Bases at
 *   z and z′ with ‖z − z′‖ = 0.1 ("Close w", Eq. 15); two random subspaces, each the first k columns of a
 *   Haar-random orthogonal matrix ("Random O(d)", the baseline of no structure at all); and the Local Basis
 *   against the global GANSpace and SeFa bases (the same ones the basis job computes in W). Each curve is
 *   the mean over its pairs.
 */
import { localBasisOfGenerator } from '../geometry/localBasis';
import { computeMetric } from '../geometry/metric';
import { metricHomogeneity } from '../geometry/homogeneity';
import { orthonormalise } from '../linalg/orthonormalise';
import { grassmannGeodesicDistance } from '../linalg/principalAngles';
import type { Generator } from '../model/generator';
import { MAX_SWEEP_COUNT, MIN_SWEEP_COUNT } from '../state/vocabulary';
import { Rng } from '../util/random';
import { ganspaceBasis, sefaBasis } from './basis';
import type { JobContext } from './jobContext';
import { basisSpaceOf, checkDistance, checkInt, checkSeed, explorerSpace, referenceOf } from './requests';
import type { Spectrum } from '../geometry/spectrum';
import type { Sweep, SweepRequest } from './types';

export { MAX_SWEEP_COUNT } from '../state/vocabulary';
/** ‖z − z′‖ of Choi et al.'s "Close w" pairs (Eq. 15). */
export const CLOSE_DISTANCE = 0.1;
/** Pairs per Grassmann curve at most (random-w pairs grow as count²; principal angles cost per pair and k). */
const MAX_PAIRS = 100;

export async function computeSweep(g: Generator, req: SweepRequest, ctx: JobContext): Promise<Sweep> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A sweep request must be an object.');
  const space = explorerSpace(g, req.space);
  const distance = checkDistance(g, req.distance);
  const count = checkInt(req.count, MIN_SWEEP_COUNT, MAX_SWEEP_COUNT, 'The number of samples');
  const seed = checkSeed(req.seed);
  const basisSpace = basisSpaceOf(space);
  const zs = Array.from({ length: count }, (_, i) => g.samplePrior(seed + i, 1));

  const metrics: Spectrum[] = [];
  ctx.progress('metrics', 0, count);
  for (let i = 0; i < count; i++) {
    await ctx.checkpoint();
    const m = await computeMetric(g, referenceOf(g, zs[i], basisSpace), { space: basisSpace, distance, method: req.derivatives ?? 'exact', signal: ctx.signal });
    metrics.push({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
    // The pairs among the metrics so far, for a live histogram (cheap next to one metric: n ≤ 128).
    if (metrics.length >= 2) {
      const h = metricHomogeneity(metrics);
      ctx.progress('metrics', i + 1, count, { logCorrelations: offDiagonalLog(metrics, h), logCorrelationMean: h.summary.log.mean });
    } else ctx.progress('metrics', i + 1, count);
  }
  await ctx.checkpoint();
  const h = metricHomogeneity(metrics);
  const logCorrelations = offDiagonalLog(metrics, h);
  const grassmann = g.isStyleBased ? await grassmannStudy(g, zs, seed, ctx) : undefined;
  return {
    count, logCorrelations,
    logCorrelationMean: h.summary.log.mean,
    logCorrelationStd: h.summary.log.sd,
    ...(grassmann ? { grassmann } : {}),
    ms: performance.now() - t0,
  };
}

/** log C^H of every ordered pair i ≠ j (NaN entries, from degenerate spectra, left out). */
function offDiagonalLog(metrics: Spectrum[], h = metricHomogeneity(metrics)): number[] {
  const count = metrics.length;
  const out: number[] = [];
  for (let i = 0; i < count; i++) for (let j = 0; j < count; j++) {
    const c = h.log[i * count + j];
    if (i !== j && Number.isFinite(c)) out.push(c);
  }
  return out;
}

/** Subspace dimensions to plot: every k up to 8, then roughly geometric, always ending at r. */
export function grassmannKs(r: number): number[] {
  const ks = new Set<number>();
  for (let k = 1; k <= Math.min(8, r); k++) ks.add(k);
  for (let k = 8; k < r; k = Math.round(k * 1.5)) ks.add(k);
  ks.add(r);
  return [...ks].sort((a, b) => a - b);
}

async function grassmannStudy(g: Generator, zs: Float32Array[], seed: number, ctx: JobContext): Promise<NonNullable<Sweep['grassmann']>> {
  const n = g.wDim!;
  const rng = new Rng(seed);
  const total = 2 * zs.length + 2;
  let done = 0;
  const step = async () => { ctx.progress('grassmann', ++done, total); await ctx.checkpoint(); };
  ctx.progress('grassmann', 0, total);

  const local: Float64Array[] = [];
  let r = Infinity;
  for (const z of zs) {
    const lb = localBasisOfGenerator(g, z);
    local.push(lb.wDirections);
    r = Math.min(r, lb.r);
    await step();
  }
  const close: [Float64Array, Float64Array][] = [];
  for (let i = 0; i < zs.length; i++) {
    const u = Float64Array.from({ length: g.zDim }, () => rng.normal());
    const norm = Math.hypot(...u);
    const near = Float64Array.from(zs[i], (v, t) => v + (CLOSE_DISTANCE * u[t]) / norm);
    close.push([local[i], localBasisOfGenerator(g, near).wDirections]);
    await step();
  }
  const haar = () => orthonormalise(Float64Array.from({ length: r * n }, () => rng.normal()), r, n).q;
  const randomPairs: [Float64Array, Float64Array][] = zs.map(() => [haar(), haar()]);
  const ganspace = ganspaceBasis(g, 'w', r, seed).directions;
  await step();
  const sefa = sefaBasis(g, 'w', r).directions;
  await step();

  const pairs: [number, number][] = [];
  for (let i = 0; i < zs.length; i++) for (let j = i + 1; j < zs.length; j++) pairs.push([i, j]);
  rng.shuffle(pairs);
  const farPairs = pairs.slice(0, MAX_PAIRS).map(([i, j]): [Float64Array, Float64Array] => [local[i], local[j]]);

  const ks = grassmannKs(r);
  const mean = (list: [Float64Array, Float64Array][], k: number) =>
    list.reduce((s, [a, b]) => s + grassmannGeodesicDistance(a.subarray(0, k * n), b.subarray(0, k * n), k, n), 0) / list.length;
  const curves = [
    { name: 'Random w', list: farPairs },
    { name: `Close w (‖z − z′‖ = ${CLOSE_DISTANCE})`, list: close.slice(0, MAX_PAIRS) },
    { name: 'Random O(d)', list: randomPairs.slice(0, MAX_PAIRS) },
    { name: 'To GANSpace', list: local.slice(0, MAX_PAIRS).map((l): [Float64Array, Float64Array] => [l, ganspace]) },
    { name: 'To SeFa', list: local.slice(0, MAX_PAIRS).map((l): [Float64Array, Float64Array] => [l, sefa]) },
  ];
  const values = curves.map(() => [] as number[]);
  for (const k of ks) {
    await ctx.checkpoint();
    curves.forEach((c, i) => values[i].push(mean(c.list, k)));
  }
  return { ks, curves: curves.map((c, i) => ({ name: c.name, values: values[i] })) };
}
