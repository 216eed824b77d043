/**
 * jacobianSpectrum study (Choi et al. Fig. 9): the singular values of the mapping network's Jacobian
 * df_z at `samples` prior z, pooled, against as many Gaussian matrices of the same shape whose entries
 * have the Jacobians' pooled mean and sd (src/geometry/jacobianSpectrum.ts).
 */
import { localBasisOfGenerator } from '../../src/geometry/localBasis';
import { entryMoments, gaussianSingularValues, jacobianOf, sigmaSummary, type SigmaSummary } from '../../src/geometry/jacobianSpectrum';
import type { Generator } from '../../src/model/generator';
import { meanSd, seedRange, weightsHash } from './common';

export interface JacobianSpectrumStudy {
  model: string;
  weights: string;
  /** J is wDim × zDim. */
  wDim: number; zDim: number;
  seeds: number[];
  moments: { mean: number; sd: number };
  /** Singular values per z (descending), and of each control matrix. */
  jacobian: number[][];
  random: number[][];
  /** Means over matrices of each summary. */
  summary: { jacobian: SigmaSummary; random: SigmaSummary };
  /** Pooled quantiles of the raw σ (10 %, 50 %, 90 %). */
  quantiles: { jacobian: number[]; random: number[] };
}

function quantiles(xs: number[], qs: number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  return qs.map((q) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]);
}

function meanSummary(list: SigmaSummary[]): SigmaSummary {
  const m = (k: keyof SigmaSummary) => meanSd(list.map((s) => s[k])).mean;
  return { minOverMax: m('minOverMax'), shareBelowTenth: m('shareBelowTenth'), effectiveRank: m('effectiveRank') };
}

export function jacobianSpectrumStudy(g: Generator, o: { samples: number; seed: number }): JacobianSpectrumStudy {
  if (!g.isStyleBased || !g.wDim) throw new Error(`jacobianSpectrum: ${g.manifest.id} has no mapping network`);
  const seeds = seedRange(o.seed, o.samples);
  const jacobians: Float64Array[] = [];
  const jacobian: number[][] = [];
  for (const seed of seeds) {
    const lb = localBasisOfGenerator(g, g.samplePrior(seed, 1));
    jacobians.push(jacobianOf(lb));
    jacobian.push(Array.from(lb.singularValues));
  }
  const moments = entryMoments(jacobians);
  const random = gaussianSingularValues(g.wDim, g.zDim, moments, o.samples, o.seed * 7717 + 11).map((s) => Array.from(s));
  const qs = [0.1, 0.5, 0.9];
  return {
    model: g.manifest.id, weights: weightsHash(g), wDim: g.wDim, zDim: g.zDim, seeds, moments, jacobian, random,
    summary: { jacobian: meanSummary(jacobian.map(sigmaSummary)), random: meanSummary(random.map(sigmaSummary)) },
    quantiles: { jacobian: quantiles(jacobian.flat(), qs), random: quantiles(random.flat(), qs) },
  };
}
