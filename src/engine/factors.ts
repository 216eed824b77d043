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
import { directionalRates, factorRates, responseForward } from '../geometry/factorScore';
import type { Generator } from '../model/generator';
import { probeTargets } from '../model/probe';
import { MAX_DIRECTIONS } from './edit';
import type { JobContext, JobResources } from './jobContext';

/** Which factor each direction of a basis moves most, read by the model's probe (the sliders' labels). */
export interface FactorsRequest {
  /** The basis's space and reference (Basis.basisSpace, Basis.reference). */
  basisSpace: 'z' | 'w';
  reference: number[];
  /** The basis's directions (rows), most important first. */
  directions: number[][];
  derivatives?: 'exact' | 'fd';
}

export interface FactorsResult {
  probe: string;
  /** The factors the probe reads (shapes: x, y, scale, …; faces: roll, width, …). */
  factors: string[];
  /**
   * Per direction, per factor: the factor's rate along the direction in fractions of its range per unit of RMS
   * image change (src/geometry/factorScore.ts factorRates).
   */
  rates: number[][];
  /** Per direction: the factor it moves most and that factor's share of the squared rates (null: it moves none). */
  labels: ({ factor: string; share: number } | null)[];
  ms: number;
}


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
    const targets = probeTargets(probe);
    const maps = {
      render: (x: tf.Tensor) => g.generate(x, space),
      imageFeatures: (img: tf.Tensor) => distance.features(img as tf.Tensor4D),
      readout: (img: tf.Tensor) => targets.read(img as tf.Tensor4D),
      // Forward mode when the model allows it: one batched pass, no second derivatives (which on WebGPU gave
      // NaN through the probe and lost the GPU process).
      forward: responseForward(g, space, distance, targets.pushForward),
    };
    const rates = await directionalRates(maps, x0, Float64Array.from(req.directions.flat()), { method: req.derivatives ?? 'exact' });
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
