/**
 * The Grassmann study of a style model (Choi et al. §4, Fig. 8), one implementation for the atlas sweep
 * job and `atlas grassmann`: how far apart, on the Grassmannian Gr(k, W), are the subspaces spanned by the
 * top-k Local Basis vectors at
 *   close-w:      z and z′ with ‖z − z′‖ = closeDistance (their Eq. 15; 0.1),
 *   to-ganspace:  one position and the global GANSpace basis,
 *   random-w:     two independent positions,
 *   to-sefa:      one position and the global SeFa basis (the same GANSpace and SeFa the basis job gives
 *                 in W for seed `globalSeed`: globalBasesOfModel.ts),
 *   random-O(d):  two Haar-random k-frames of W (the baseline of no structure at all),
 * for each k in `ks` (default 1 … r, r = min(dZ, dW): the Local Basis has only that many directions).
 * Distances: Eq. 13 projection (spectral norm of P₁ − P₂ = sin θ_max) and Eq. 14 geodesic (‖θ‖₂); each
 * curve holds the mean and population sd over its `samples` pairs. The curve names above are the only
 * spelling, in the order of the paper's projection-metric figure.
 */
import { orthonormalise } from '../linalg/orthonormalise';
import { grassmannGeodesicDistance, grassmannProjectionDistance } from '../linalg/principalAngles';
import type { Generator } from '../model/generator';
import { Rng } from '../util/random';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import { ganspaceBasis, sefaBasis } from './globalBasesOfModel';
import { localBasisOfGenerator } from './localBasis';

export const GRASSMANN_CURVES = ['close-w', 'to-ganspace', 'random-w', 'to-sefa', 'random-O(d)'] as const;
export type GrassmannCurveName = (typeof GRASSMANN_CURVES)[number];
/** ‖z − z′‖ of Choi et al.'s close pairs (Eq. 15). */
export const CLOSE_DISTANCE = 0.1;

export interface GrassmannOptions {
  /** Pairs per curve (anchors). */
  samples: number;
  /** Anchor i is the prior sample of seed + 2i, its random partner seed + 2i + 1. */
  seed: number;
  closeDistance?: number;
  /** Subspace dimensions (each in 1 … r). Default every k from 1 to r. */
  ks?: number[];
  /** Seed of the GANSpace samples (default 0, the app's basis seed). */
  globalSeed?: number;
}

export interface MeanSd { mean: number[]; sd: number[] }

export interface GrassmannCurve {
  name: GrassmannCurveName;
  pairs: number;
  projection: MeanSd;
  geodesic: MeanSd;
}

export interface GrassmannStudy {
  n: number;
  r: number;
  k: number[];
  samples: number;
  closeDistance: number;
  /** Mean over the anchors of σ_i/σ₁ for the last three Local Basis vectors: a null direction shows as ≈ 0. */
  lastSigmaRatios: number[];
  /** Local Basis vectors with σ < 1e-6·σ₁ (mean over the anchors): arbitrary directions, not tangents. */
  nullDirections: number;
  curves: GrassmannCurve[];
  notes: string[];
}

/** Subspace dimensions for a plot: every k up to 8, then roughly geometric, always ending at r. */
export function grassmannKs(r: number): number[] {
  const ks = new Set<number>();
  for (let k = 1; k <= Math.min(8, r); k++) ks.add(k);
  for (let k = 8; k < r; k = Math.round(k * 1.5)) ks.add(k);
  ks.add(r);
  return [...ks].sort((a, b) => a - b);
}

function stats(xs: number[][]): MeanSd {
  const mean = xs.map((x) => x.reduce((a, b) => a + b, 0) / x.length);
  return { mean, sd: xs.map((x, j) => Math.sqrt(x.reduce((a, b) => a + (b - mean[j]) ** 2, 0) / x.length)) };
}

function curve(name: GrassmannCurveName, pairs: [Float64Array, Float64Array][], ks: number[], n: number): GrassmannCurve {
  const proj = ks.map(() => [] as number[]), geo = ks.map(() => [] as number[]);
  for (const [a, b] of pairs) {
    ks.forEach((k, j) => {
      const A = a.subarray(0, k * n), B = b.subarray(0, k * n);
      proj[j].push(grassmannProjectionDistance(A, B, k, n));
      geo[j].push(grassmannGeodesicDistance(A, B, k, n));
    });
  }
  return { name, pairs: pairs.length, projection: stats(proj), geodesic: stats(geo) };
}

export async function grassmannStudy(g: Generator, o: GrassmannOptions, ctx?: ComputeContext): Promise<GrassmannStudy> {
  if (!g.isStyleBased) throw new Error('The Grassmann study compares Local Bases of a mapping network, and this model has none (it is a z-space generator).');
  const n = g.wDim!, r = Math.min(g.zDim, n);
  const ks = o.ks ?? Array.from({ length: r }, (_, i) => i + 1);
  if (ks.length === 0 || ks.some((k) => !(Number.isInteger(k) && k >= 1 && k <= r))) throw new Error(`Subspace dimensions must be whole numbers from 1 to ${r} (the Local Basis has min(dZ, dW) = ${r} directions).`);
  const kMax = Math.max(...ks);
  const N = o.samples;
  if (!(Number.isInteger(N) && N >= 1)) throw new Error('The Grassmann study needs at least one pair.');
  const eps = o.closeDistance ?? CLOSE_DISTANCE;
  const rng = new Rng(o.seed * 7919 + 17);
  const top = (rows: Float64Array) => rows.slice(0, kMax * n);
  const tail = Math.min(3, r);
  const sigmaTail = new Array<number>(tail).fill(0);
  let nulls = 0;
  const basisAt = (z: ArrayLike<number>, anchor = false) => {
    const lb = localBasisOfGenerator(g, z);
    if (anchor) {
      const s = lb.singularValues;
      for (let j = 0; j < tail; j++) sigmaTail[j] += s[r - tail + j] / s[0] / N;
      nulls += s.filter((v) => v < 1e-6 * s[0]).length / N;
    }
    return top(lb.wDirections);
  };

  const randomPairs: [Float64Array, Float64Array][] = [];
  const closePairs: [Float64Array, Float64Array][] = [];
  const anchors: Float64Array[] = [];
  report(ctx, 'grassmann', 0, N + 1);
  for (let i = 0; i < N; i++) {
    await checkpoint(ctx);
    const za = g.samplePrior(o.seed + 2 * i, 1), zb = g.samplePrior(o.seed + 2 * i + 1, 1);
    const u = Float64Array.from({ length: g.zDim }, () => rng.normal());
    const norm = Math.hypot(...u);
    const zc = Float64Array.from(za, (v, t) => v + (eps * u[t]) / norm);
    const a = basisAt(za, true);
    anchors.push(a);
    randomPairs.push([a, basisAt(zb)]);
    closePairs.push([a, basisAt(zc)]);
    report(ctx, 'grassmann', i + 1, N + 1);
  }
  const haar = () => orthonormalise(Float64Array.from({ length: kMax * n }, () => rng.normal()), kMax, n).q;
  const orthoPairs: [Float64Array, Float64Array][] = Array.from({ length: N }, () => [haar(), haar()]);
  const gs = ganspaceBasis(g, 'w', kMax, o.globalSeed ?? 0);
  const sf = sefaBasis(g, 'w', kMax);
  await checkpoint(ctx);
  const curves = [
    curve('close-w', closePairs, ks, n),
    curve('to-ganspace', anchors.map((a) => [a, gs.directions]), ks, n),
    curve('random-w', randomPairs, ks, n),
    curve('to-sefa', anchors.map((a) => [a, sf.directions]), ks, n),
    curve('random-O(d)', orthoPairs, ks, n),
  ];
  report(ctx, 'grassmann', N + 1, N + 1);
  return {
    n, r, k: ks, samples: N, closeDistance: eps, lastSigmaRatios: sigmaTail, nullDirections: nulls, curves,
    notes: [`Local Basis of the mapping z(${g.zDim}) → w(${n})`, ...gs.notes, ...sf.notes, `random O(${n}): ${N} pairs`],
  };
}
