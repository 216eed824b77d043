/**
 * How far the image moves as the latent travels along single eigenvectors of the metric (Wang & Ponce,
 * ICLR 2021, Fig. 1: "images change at different rates along top vs bottom eigenvectors"; their line
 * plots under each montage give the image distance to the reference against the signed travel t along
 * each of a few eigenvectors, the same latent steps for every rank).
 *
 * At a reference x₀ with metric H = Σ λᵢ uᵢuᵢᵀ, the image at x₀ + t·uᵢ is compared with the one at x₀ by
 * the measured change √(2·d²) (measure.ts measuredChange: for mse, the RMS pixel difference in units of the
 * output range). To first order it is √λᵢ·|t|, the prediction each curve is set against; where the two part
 * is where the generator stops being linear along that direction (saturation, or a bottom eigenvector
 * whose second-order term outgrows its tiny first-order one).
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance, type DistanceName } from '../distance';
import type { Generator, LatentSpace } from '../model/generator';
import { computeMetric, latentShape, type MetricResult } from './metric';
import { measuredChange } from './measure';

export interface EigenTravel {
  n: number;
  /** Eigenvalue ranks travelled along (0 = top). */
  ranks: number[];
  /** λ of each rank. */
  eigenvalues: number[];
  /** Signed travel distances along the unit eigenvector (latent units). */
  t: number[];
  /** measured[r][j]: √(2·d²) between the image at x₀ + t_j·u_{ranks[r]} and the reference. */
  measured: number[][];
  /** predicted[r][j] = √λ·|t_j|. */
  predicted: number[][];
}

/**
 * Fig. 1's curves at one reference latent (flat, of `space`). The metric is computed here (exact, under
 * `distance`) unless given. Ranks outside 0…n−1 are an error; t need not be sorted or symmetric.
 */
export async function eigenTravel(
  g: Generator, reference: ArrayLike<number>,
  o: { space: LatentSpace; distance: DistanceName; ranks: number[]; t: number[]; metric?: MetricResult },
): Promise<EigenTravel> {
  const shape = latentShape(g, o.space);
  const n = shape.slice(1).reduce((a, b) => a * b, 1);
  if (reference.length !== n) throw new Error(`eigenTravel: the reference has ${reference.length} values, ${o.space.toUpperCase()} has ${n}`);
  const metric = o.metric ?? await computeMetric(g, reference, { space: o.space, distance: o.distance, method: 'exact', check: false });
  if (metric.eigenvalues.length < n) throw new Error('eigenTravel: needs the full spectrum (an exact metric), not top-k');
  for (const r of o.ranks) if (!(Number.isInteger(r) && r >= 0 && r < n)) throw new Error(`eigenTravel: rank ${r} is not in 0…${n - 1}`);
  const x0 = tf.tensor(Float32Array.from(reference), shape);
  const images0 = tf.tidy(() => g.generate(x0, o.space));
  const dist = anchorDistance(o.distance, g, images0);
  try {
    const measured: number[][] = [];
    for (const rank of o.ranks) {
      const u = metric.eigenvectors.subarray(rank * n, (rank + 1) * n);
      const latents = new Float32Array(o.t.length * n);
      o.t.forEach((t, j) => { for (let i = 0; i < n; i++) latents[j * n + i] = reference[i] + t * u[i]; });
      const images = tf.tidy(() => g.generate(tf.tensor(latents, [o.t.length, ...shape.slice(1)]), o.space));
      try {
        measured.push(Array.from(await measuredChange(dist, images)));
      } finally {
        images.dispose();
      }
    }
    const eigenvalues = o.ranks.map((r) => metric.eigenvalues[r]);
    // A round-off negative eigenvalue of a null direction predicts no change.
    const predicted = eigenvalues.map((l) => o.t.map((t) => Math.sqrt(Math.max(0, l)) * Math.abs(t)));
    return { n, ranks: [...o.ranks], eigenvalues, t: [...o.t], measured, predicted };
  } finally {
    dist.dispose();
    images0.dispose();
    x0.dispose();
  }
}

/** Fig. 1's choice of ranks for an n-dim space: the top three, the middle, and the bottom two. */
export function travelRanks(n: number): number[] {
  return [...new Set([0, 1, 2, Math.floor(n / 2), n - 2, n - 1].filter((r) => r >= 0 && r < n))].sort((a, b) => a - b);
}
