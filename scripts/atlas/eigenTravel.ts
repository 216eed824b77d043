/**
 * eigenTravel study (Wang & Ponce Fig. 1): at several positions of one model, the measured image change
 * along single eigenvectors of the metric (top, middle and bottom ranks) against the first-order
 * prediction √λ·|t|, all ranks travelled over the same latent distances. t is in units of the prior's
 * spread per coordinate of the space (Z: 1; W: the RMS over coordinates of w's sd over 256 prior samples),
 * so ±3 is three standard deviations of the latent along any axis.
 */
import * as tf from '@tensorflow/tfjs';
import { eigenTravel, travelRanks, type EigenTravel } from '../../src/geometry/eigenTravel';
import type { DistanceName } from '../../src/distance';
import type { Generator } from '../../src/model/generator';
import { latentValues, seedRange, weightsHash } from './common';

export interface EigenTravelStudy {
  model: string;
  weights: string;
  space: 'z' | 'w';
  distance: DistanceName;
  n: number;
  seeds: number[];
  /** Latent units of one step of t (the prior's spread per coordinate). */
  unit: number;
  ranks: number[];
  t: number[];
  perSeed: EigenTravel[];
  /** Per rank (same order as ranks), means over seeds. */
  summary: {
    rank: number; eigenvalue: number;
    /** Measured change at |t| = T (mean of ±T). */
    measuredAtEnd: number;
    predictedAtEnd: number;
    /** measured / predicted at |t| = 0.05 (1: linear there) and at |t| = T. */
    ratioNear: number; ratioEnd: number;
  }[];
}

/** RMS over coordinates of each coordinate's sd across `count` prior samples of `space`. */
function priorSpread(g: Generator, space: 'z' | 'w', count = 256): number {
  if (space === 'z') return 1;
  return tf.tidy(() => {
    const w = g.mapZ(tf.tensor2d(g.samplePrior(7919, count), [count, g.zDim]));
    const { variance } = tf.moments(w, 0);
    return Math.sqrt(tf.mean(variance).dataSync()[0]);
  });
}

export async function eigenTravelStudy(g: Generator, o: { seeds: number; seed: number; space: 'z' | 'w'; distance?: DistanceName; steps?: number; range?: number }): Promise<EigenTravelStudy> {
  const distance = o.distance ?? 'mse';
  const steps = o.steps ?? 6, range = o.range ?? 3;
  const unit = priorSpread(g, o.space);
  // An even grid over ±range, plus ±0.05 where the first-order prediction should still hold.
  const tUnits = [...new Set([...Array.from({ length: 2 * steps + 1 }, (_, j) => (range * (j - steps)) / steps), -0.05, 0.05])].sort((a, b) => a - b);
  const t = tUnits.map((v) => v * unit);
  const seeds = seedRange(o.seed, o.seeds);
  const perSeed: EigenTravel[] = [];
  let ranks: number[] = [];
  for (const seed of seeds) {
    const ref = latentValues(g, seed, o.space);
    ranks = travelRanks(ref.length);
    perSeed.push(await eigenTravel(g, ref, { space: o.space, distance, ranks, t }));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ends = [0, t.length - 1], near = [tUnits.indexOf(-0.05), tUnits.indexOf(0.05)];
  const at = (e: EigenTravel, k: number, which: 'measured' | 'predicted', js: number[]) => mean(js.map((j) => e[which][k][j]));
  const summary = ranks.map((rank, k) => {
    const ratio = (js: number[]) => mean(perSeed.map((e) => at(e, k, 'predicted', js) > 0 ? at(e, k, 'measured', js) / at(e, k, 'predicted', js) : NaN).filter(Number.isFinite));
    return {
      rank, eigenvalue: mean(perSeed.map((e) => e.eigenvalues[k])),
      measuredAtEnd: mean(perSeed.map((e) => at(e, k, 'measured', ends))),
      predictedAtEnd: mean(perSeed.map((e) => at(e, k, 'predicted', ends))),
      ratioNear: ratio(near), ratioEnd: ratio(ends),
    };
  });
  return { model: g.manifest.id, weights: weightsHash(g), space: o.space, distance, n: perSeed[0].n, seeds, unit, ranks, t: tUnits, perSeed, summary };
}
