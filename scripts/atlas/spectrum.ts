/**
 * spectrum: Wang & Ponce's spectrum analyses at N positions of one model — per-sample spectra, anisotropy
 * dims (Tab. 2), α(v) of random directions measured through the network (one JVP each) against the
 * analytic law of the spectrum (A.6, "the illusion of isotropy"), homogeneity C^H on linear and log scale
 * (Eq. 5–6, Tab. 4; log scale without round-off null eigenpairs) and the averaged metric's spectrum, beside
 * its baselines: the same spectra averaged in independent Haar-random eigenframes (no shared directions)
 * and in one shared frame (all directions shared).
 */
import * as tf from '@tensorflow/tfjs';
import { computeMetric } from '../../src/geometry/metric';
import { alphaStatisticsOf, anisotropyDims, ANISOTROPY_FRACTIONS, type Spectrum } from '../../src/geometry/spectrum';
import { measuredAlpha, withLinearisation } from '../../src/geometry/measure';
import { randomOrthogonal } from '../../src/linalg/testing';
import { Rng } from '../../src/util/random';
import { metricHomogeneity, type CorrelationSummary } from '../../src/geometry/homogeneity';
import { averageMetric } from '../../src/geometry/averageMetric';
import { DISTANCES, type DistanceName } from '../../src/distance';
import type { Generator, LatentSpace } from '../../src/model/generator';
import { latentFor, meanSd, openModel, seedRange, UsageError, weightsHash, type Opts } from './common';

export interface SpectrumStudyOptions {
  samples: number;
  /** First seed; positions are seeds seed … seed + samples − 1. */
  seed: number;
  space: LatentSpace;
  distance: DistanceName;
  /** Random directions per position for α(v), each one JVP through the network. Default 256. */
  alphaCount?: number;
  /** Keep every position's eigenvectors and α samples in the result (for plots; large). */
  keep?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SampleSpectrum {
  seed: number;
  eigenvalues: number[];
  /** dims for ANISOTROPY_FRACTIONS. */
  dims: number[];
  alpha: {
    sampleMean: number; sampleVariance: number; lawMean: number; lawVariance: number;
    /** (sample mean − law mean) / its standard error: |z| ≲ 3 if the law holds. */
    meanZ: number;
    /** sample variance / law variance (1 if the law holds). */
    varianceRatio: number;
    /** sd/mean of α (random directions) vs of the eigenvalues: the "illusion" in one pair of numbers. */
    cvAlpha: number; cvEigen: number;
    /** log10 of the 99th/1st percentile ratio of α, and log10 λ₁/λ_min (smallest eigenvalue above 1e-10·λ₁: round-off zeros excluded). */
    alphaDecades: number; eigenDecades: number;
  };
  /** Z only: |⟨u_n, z/‖z‖⟩| for the eigenvector of the smallest eigenvalue (1: the null direction is radial, as for a generator that normalises z). */
  radialOverlap?: number;
  errorEstimate: number | null;
  ms: number;
  /** With `keep`: eigenvectors (n×n rows) and the α samples. */
  eigenvectors?: Float64Array;
  alphaSamples?: Float64Array;
}

export interface SpectrumStudy {
  model: string;
  /** sha256 prefix of the weights (see common.weightsHash). */
  weights: string;
  space: LatentSpace;
  distance: DistanceName;
  method: 'exact';
  n: number;
  samples: number;
  seeds: number[];
  fractions: number[];
  perSample: SampleSpectrum[];
  anisotropy: { mean: number[]; sd: number[]; min: number[]; max: number[]; ofAverage: number[] };
  alpha: { meanRatio: { mean: number; sd: number }; varianceRatio: { mean: number; sd: number }; maxAbsMeanZ: number; cvAlpha: number; cvEigen: number; alphaDecades: number; eigenDecades: number };
  homogeneity: { linear: CorrelationSummary; log: CorrelationSummary; logDropped: number; pairing: 'target' } | null;
  average: {
    count: number; eigenvalues: number[]; dims: number[]; eigenvectors?: Float64Array;
    /** dims of the same spectra averaged in independent Haar-random eigenframes (nothing shared): the baseline. */
    randomFrameDims: number[];
    /** dims of the rank-wise mean spectrum (every eigenframe shared): the other end. */
    sharedFrameDims: number[];
  };
  ms: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function cv(xs: ArrayLike<number>): number {
  const { mean, sd } = meanSd(xs);
  return sd / mean;
}

export async function spectrumStudy(g: Generator, o: SpectrumStudyOptions): Promise<SpectrumStudy> {
  const t0 = performance.now();
  const seeds = seedRange(o.seed, o.samples);
  const spectra: Spectrum[] = [];
  const perSample: SampleSpectrum[] = [];
  let n = 0;
  for (const [i, seed] of seeds.entries()) {
    const x0 = latentFor(g, [seed], o.space);
    const xs = Float64Array.from(x0.dataSync());
    let m;
    try {
      m = await computeMetric(g, x0, { space: o.space, distance: o.distance, method: 'exact' });
    } finally {
      x0.dispose();
    }
    n = m.n;
    let radialOverlap: number | undefined;
    if (o.space === 'z') {
      const last = m.eigenvectors.subarray((n - 1) * n, n * n);
      radialOverlap = Math.abs(last.reduce((acc, u, i) => acc + u * xs[i], 0)) / Math.hypot(...xs);
    }
    const spec: Spectrum = { eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors };
    spectra.push(spec);
    const measured = await withLinearisation(g, xs, o.space, o.distance, (lin) => measuredAlpha(lin, o.alphaCount ?? 256, seed));
    const a = alphaStatisticsOf(measured, m.eigenvalues);
    const sorted = Float64Array.from(a.samples).sort();
    const lam = m.eigenvalues;
    // Smallest eigenvalue that is not a round-off zero (a generator that normalises z has an exact null direction).
    let minPos = Infinity;
    for (const l of lam) if (l > 1e-10 * lam[0]) minPos = Math.min(minPos, l);
    perSample.push({
      seed,
      eigenvalues: Array.from(lam),
      dims: anisotropyDims(lam).map((d) => d.dims),
      alpha: {
        sampleMean: a.sampleMean, sampleVariance: a.sampleVariance, lawMean: a.law.mean, lawVariance: a.law.variance,
        meanZ: (a.sampleMean - a.law.mean) / a.meanStdError,
        varianceRatio: a.sampleVariance / a.law.variance,
        cvAlpha: cv(a.samples), cvEigen: cv(lam),
        alphaDecades: Math.log10(quantile(sorted, 0.99) / quantile(sorted, 0.01)),
        eigenDecades: Math.log10(lam[0] / minPos),
      },
      ...(radialOverlap !== undefined ? { radialOverlap } : {}),
      errorEstimate: m.errorEstimate,
      ms: m.ms,
      ...(o.keep ? { eigenvectors: m.eigenvectors, alphaSamples: a.samples } : {}),
    });
    o.onProgress?.(i + 1, seeds.length);
  }
  const fractions = [...ANISOTROPY_FRACTIONS];
  const col = (j: number) => perSample.map((s) => s.dims[j]);
  const avg = averageMetric(spectra);
  const baselines = averageBaselines(spectra, n, o.seed);
  const hom = spectra.length >= 2 ? metricHomogeneity(spectra) : null;
  const A = perSample.map((s) => s.alpha);
  const mean = (xs: number[]) => meanSd(xs).mean;
  return {
    model: g.manifest.id, weights: weightsHash(g), space: o.space, distance: o.distance, method: 'exact', n, samples: o.samples, seeds, fractions,
    perSample,
    anisotropy: {
      mean: fractions.map((_, j) => meanSd(col(j)).mean),
      sd: fractions.map((_, j) => meanSd(col(j)).sd),
      min: fractions.map((_, j) => Math.min(...col(j))),
      max: fractions.map((_, j) => Math.max(...col(j))),
      ofAverage: anisotropyDims(avg.eigenvalues).map((d) => d.dims),
    },
    alpha: {
      meanRatio: meanSd(A.map((a) => a.sampleMean / a.lawMean)),
      varianceRatio: meanSd(A.map((a) => a.varianceRatio)),
      maxAbsMeanZ: Math.max(...A.map((a) => Math.abs(a.meanZ))),
      cvAlpha: mean(A.map((a) => a.cvAlpha)), cvEigen: mean(A.map((a) => a.cvEigen)),
      alphaDecades: mean(A.map((a) => a.alphaDecades)), eigenDecades: mean(A.map((a) => a.eigenDecades)),
    },
    homogeneity: hom ? { linear: hom.summary.linear, log: hom.summary.log, logDropped: hom.logDropped, pairing: 'target' } : null,
    average: { count: avg.count, eigenvalues: Array.from(avg.eigenvalues), dims: anisotropyDims(avg.eigenvalues).map((d) => d.dims), ...(o.keep ? { eigenvectors: avg.eigenvectors } : {}), ...baselines },
    ms: performance.now() - t0,
  };
}

/**
 * The averaged metric's two baselines: the positions' own spectra averaged in independent Haar-random
 * eigenframes (what H̄'s dims would be if the top directions turned at random from place to place) and in
 * one shared frame (the rank-wise mean spectrum: nothing turns).
 */
function averageBaselines(spectra: Spectrum[], n: number, seed: number): { randomFrameDims: number[]; sharedFrameDims: number[] } {
  const rng = new Rng(seed * 104729 + 3);
  const rotated = spectra.map((s) => ({ eigenvalues: s.eigenvalues, eigenvectors: randomOrthogonal(n, rng) }));
  const shared = Float64Array.from({ length: n }, (_, k) => spectra.reduce((acc, s) => acc + s.eigenvalues[k], 0) / spectra.length);
  return {
    randomFrameDims: anisotropyDims(averageMetric(rotated).eigenvalues).map((d) => d.dims),
    sharedFrameDims: anisotropyDims(shared).map((d) => d.dims),
  };
}

export async function spectrum(opts: Opts) {
  const samples = opts.int('samples', undefined, [1, 1000]);
  const seed = opts.int('seed', 0);
  const distance = opts.choice('distance', DISTANCES, 'mse');
  const alphaCount = opts.int('alpha-samples', 256, [2, 1_000_000]);
  const g = await openModel(opts);
  try {
    const space = opts.choice('space', ['z', 'w', 'wplus'] as const, 'z');
    if (space !== 'z' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no ${space} space (it is a z-space generator)`);
    const before = tf.memory().numTensors;
    const result = await spectrumStudy(g, { samples, seed, space, distance, alphaCount });
    if (tf.memory().numTensors !== before) throw new Error(`spectrum leaked ${tf.memory().numTensors - before} tensors`);
    return result;
  } finally {
    g.dispose();
  }
}
