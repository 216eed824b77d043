/**
 * The factors job: which factor of the data each slider's direction moves most, read by the model's probe
 * (the sliders' labels, e.g. "3 · λ 0.02 · smile 71 %"). For each direction v at the basis's reference x₀,
 * the probe's targets' rates along v per unit of RMS image change are grouped into factors (shapes: x, y,
 * scale, …; faces: roll, smile, …; any other probe: one factor per target) and the largest factor's share of
 * the total squared rate is reported (src/geometry/factorScore.ts, the same numbers `atlas score` averages).
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance } from '../distance';
import { dominantFactor, factorGroupsOf } from '../geometry/factorGroups';
import { directionalRates, factorRates } from '../geometry/factorScore';
import type { Generator } from '../model/generator';
import { MAX_DIRECTIONS } from './edit';
import type { JobContext, JobResources } from './jobContext';
import type { FactorsRequest, FactorsResult } from './types';

export async function computeFactors(g: Generator, req: FactorsRequest, ctx: JobContext, resources: JobResources): Promise<FactorsResult> {
  const t0 = performance.now();
  const space = req.basisSpace;
  if (space !== 'z' && space !== 'w') throw new Error('The basis space of a factors request must be z or w.');
  if (space === 'w' && !g.isStyleBased) throw new Error('This model has no W space.');
  const n = space === 'z' ? g.zDim : g.wDim!;
  const finite = (row: unknown): row is number[] => Array.isArray(row) && row.length === n && row.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!finite(req.reference)) throw new Error(`The reference must be ${n} finite numbers (a latent in ${space.toUpperCase()}).`);
  if (!Array.isArray(req.directions) || req.directions.length === 0 || req.directions.length > MAX_DIRECTIONS || !req.directions.every(finite)) {
    throw new Error(`The directions must be 1 to ${MAX_DIRECTIONS} rows of ${n} finite numbers.`);
  }
  ctx.progress('loading the probe', 0, 2);
  const probe = await resources.probe();
  const { layout } = probe.manifest;
  const groups = factorGroupsOf(layout.targets);
  if (!groups) throw new Error(`The probe '${probe.manifest.id}' only classifies; it reads no factor a direction could move.`);
  await ctx.checkpoint();
  ctx.progress('reading the factors along each direction', 1, 2);
  const x0 = tf.tensor2d(Float32Array.from(req.reference), [1, n]);
  const images0 = tf.tidy(() => g.generate(x0, space));
  const distance = anchorDistance('mse', g, images0);
  try {
    const T = layout.targets.length;
    const maps = {
      render: (x: tf.Tensor) => g.generate(x, space),
      imageFeatures: (img: tf.Tensor) => distance.features(img as tf.Tensor4D),
      readout: (img: tf.Tensor) => probe.apply(img as tf.Tensor4D).slice([0, layout.targetOffset], [-1, T]),
    };
    const rates = directionalRates(maps, x0, Float64Array.from(req.directions.flat()), { method: req.derivatives ?? 'exact' });
    const perFactor = factorRates(rates, layout.targets, groups);
    const F = groups.length;
    const rows = req.directions.map((_, i) => Array.from(perFactor.subarray(i * F, (i + 1) * F)));
    const factors = groups.map((f) => f.name);
    return { probe: probe.manifest.id, factors, rates: rows, labels: rows.map((r) => dominantFactor(r, factors)), ms: performance.now() - t0 };
  } finally {
    distance.dispose();
    tf.dispose([x0, images0]);
  }
}
