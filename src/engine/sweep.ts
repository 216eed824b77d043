/**
 * The atlas sweep job: how alike the geometry is from place to place. Orchestration only; the math is
 * geometry/homogeneity.ts (Wang & Ponce Eq. 6: the exact metric at `count` prior samples seed, seed+1, …
 * in the basis space, C^H on the log scale for every ordered pair) and geometry/grassmann.ts (Choi et al.
 * Fig. 8, style models only: the same study `atlas grassmann` runs, `count` pairs per curve, plotted as the
 * mean geodesic distance at grassmannKs(r)).
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
import type { Sweep, SweepRequest } from './types';

export { MAX_SWEEP_COUNT } from '../state/vocabulary';

export async function computeSweep(g: Generator, req: SweepRequest, ctx: JobContext): Promise<Sweep> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A sweep request must be an object.');
  const space = explorerSpace(g, req.space);
  const distance = checkDistance(g, req.distance);
  const count = checkInt(req.count, MIN_SWEEP_COUNT, MAX_SWEEP_COUNT, 'The number of samples');
  const seed = checkSeed(req.seed);
  const basisSpace = basisSpaceOf(space);

  const metrics: Spectrum[] = [];
  ctx.progress('metrics', 0, count);
  for (let i = 0; i < count; i++) {
    await ctx.checkpoint();
    const m = await computeMetric(g, referenceOf(g, g.samplePrior(seed + i, 1), basisSpace), { space: basisSpace, distance, method: req.derivatives ?? 'exact', signal: ctx.signal });
    metrics.push({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
    // The pairs among the metrics so far, for a live histogram (cheap next to one metric: n ≤ 128).
    if (metrics.length >= 2) {
      const h = metricHomogeneity(metrics);
      ctx.progress('metrics', i + 1, count, { logCorrelations: offDiagonal(h.log, metrics.length), logCorrelationMean: h.summary.log.mean });
    } else ctx.progress('metrics', i + 1, count);
  }
  await ctx.checkpoint();
  const h = metricHomogeneity(metrics);
  let grassmann: Sweep['grassmann'];
  if (g.isStyleBased) {
    const ks = grassmannKs(Math.min(g.zDim, g.wDim!));
    const study = await grassmannStudy(g, { samples: count, seed, ks }, ctx);
    grassmann = { ks, curves: study.curves.map((c) => ({ name: c.name, values: c.geodesic.mean })) };
  }
  return {
    count, logCorrelations: offDiagonal(h.log, count),
    logCorrelationMean: h.summary.log.mean,
    logCorrelationStd: h.summary.log.sd,
    ...(grassmann ? { grassmann } : {}),
    ms: performance.now() - t0,
  };
}
