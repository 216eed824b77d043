/**
 * Ground truth for guided traversal (Choi et al., ICLR 2022, §3.4 / App. H). The paper guides Iterative
 * Curve-Traversal by a StyleCLIP direction for a text ("old"); we have no CLIP, but a probe that reads each
 * generated image's factors, so:
 *
 * - meanDifferenceDirection: a global W direction that moves one factor — the difference of the mean latent
 *   of the samples the probe reads highest on it (top quantile) and lowest (bottom quantile), unit length.
 * - factorChanges: how a traversal changed the probe's factors, start → end per sample: each factor's change
 *   ‖Δ targets‖ / range (the units of src/geometry/factorScore.ts: fractions of the factor's range), the
 *   target's signed change (single-target factors), the other factors' RMS change and the target's share
 *   Δ_t² / Σ_f Δ_f² (1: only the target moved).
 *
 * No tfjs: the caller generates the images and reads the probe.
 */
import type { FactorGroup } from './factorGroups';
import { factorColumns } from './factorScore';

export interface MeanDifference {
  /** dim values, unit length (zeros if both groups have the same mean). */
  direction: Float64Array;
  /** ‖mean_high − mean_low‖ before normalising. */
  length: number;
  /** Mean reading of the low and the high group. */
  low: number;
  high: number;
  /** Samples in each group. */
  groupSize: number;
}

/**
 * Unit direction from the mean of the `quantile` share of `count` points (rows of `dim`) with the lowest
 * reading to the mean of those with the highest. Ties keep input order.
 */
export function meanDifferenceDirection(points: ArrayLike<number>, readings: ArrayLike<number>, count: number, dim: number, quantile = 0.25): MeanDifference {
  if (points.length !== count * dim || readings.length !== count) throw new Error(`meanDifferenceDirection: expected ${count}×${dim} points and ${count} readings, got ${points.length} and ${readings.length}`);
  if (!(quantile > 0 && quantile <= 0.5)) throw new Error(`meanDifferenceDirection: quantile must be in (0, 0.5], got ${quantile}`);
  const m = Math.max(1, Math.floor(quantile * count));
  if (2 * m > count) throw new Error(`meanDifferenceDirection: ${count} points are too few for two groups of ${m}`);
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => readings[a] - readings[b] || a - b);
  const direction = new Float64Array(dim);
  let low = 0, high = 0;
  for (let k = 0; k < m; k++) {
    const lo = order[k], hi = order[count - 1 - k];
    low += readings[lo] / m;
    high += readings[hi] / m;
    for (let d = 0; d < dim; d++) direction[d] += (points[hi * dim + d] - points[lo * dim + d]) / m;
  }
  const length = Math.hypot(...direction);
  if (length > 0) for (let d = 0; d < dim; d++) direction[d] /= length;
  return { direction, length, low, high, groupSize: m };
}

export interface FactorChange {
  factors: string[];
  /** Per factor: mean over samples of ‖Δ its targets‖ / range. */
  meanAbs: number[];
  /** The target factor's mean signed Δ / range (single-target factors), or its mean ‖Δ‖ / range (angles). */
  target: number;
  /** Mean over samples of the other factors' RMS change √(mean_{f≠t} Δ_f²), comparable with one factor's |Δ|. */
  others: number;
  /** Mean over samples of Δ_target² / Σ_f Δ_f² (samples where nothing moved are left out; NaN if none moved). */
  targetShare: number;
}

/**
 * Factor changes between probe readings `before` and `after` (count rows of targetNames.length targets each,
 * in targetNames order), over the factor groups, for the factor named `target`.
 */
export function factorChanges(before: ArrayLike<number>, after: ArrayLike<number>, count: number, targetNames: readonly string[], groups: readonly FactorGroup[], target: string): FactorChange {
  const T = targetNames.length;
  if (before.length !== count * T || after.length !== count * T) throw new Error(`factorChanges: expected ${count}×${T} readings before and after, got ${before.length} and ${after.length}`);
  const t = groups.findIndex((g) => g.name === target);
  if (t < 0) throw new Error(`factorChanges: no factor '${target}' among ${groups.map((g) => g.name).join(', ')}`);
  const cols = factorColumns(groups, targetNames, 'factorChanges');
  const single = cols[t].length === 1;
  const meanAbs = new Array<number>(groups.length).fill(0);
  let signed = 0, others = 0, share = 0, moved = 0;
  for (let i = 0; i < count; i++) {
    const d = cols.map((cs, f) => Math.sqrt(cs.reduce((a, c) => a + (after[i * T + c] - before[i * T + c]) ** 2, 0)) / (groups[f].range ?? 1));
    d.forEach((v, f) => { meanAbs[f] += v / count; });
    signed += (single ? (after[i * T + cols[t][0]] - before[i * T + cols[t][0]]) / (groups[t].range ?? 1) : d[t]) / count;
    const total = d.reduce((a, v) => a + v * v, 0);
    others += Math.sqrt(Math.max(0, total - d[t] * d[t]) / Math.max(1, groups.length - 1)) / count;
    if (total > 0) { share += (d[t] * d[t]) / total; moved++; }
  }
  return { factors: groups.map((g) => g.name), meanAbs, target: signed, others, targetShare: moved > 0 ? share / moved : NaN };
}
