/**
 * grassmann: Choi et al.'s Fig. 8 on a style model — how far apart (on the Grassmannian Gr(k, W)) are the
 * subspaces spanned by the top-k Local Basis vectors at
 *   random-w:  two independent positions,
 *   close-w:   two positions with ‖z − z′‖ = 0.1 (their Eq. 15),
 *   random-O(d): two uniformly random orthonormal bases of W (the "no structure" reference),
 *   to-GANSpace / to-SeFa: one position and the global basis,
 * for k = 1 … min(dZ, dW) (the Local Basis has only that many directions). Distances: Eq. 13 projection
 * (spectral norm of P₁ − P₂ = sin θ_max) and Eq. 14 geodesic (‖θ‖₂).
 */
import { localBasisOfGenerator } from '../../src/geometry/localBasis';
import { ganspaceW, sefa } from '../../src/geometry/globalBases';
import { grassmannGeodesicDistance, grassmannProjectionDistance } from '../../src/linalg/principalAngles';
import { randomOrthogonal } from '../../src/linalg/testing';
import type { Generator } from '../../src/model/generator';
import { Rng } from '../../src/util/random';
import { latentNetwork, meanSd, openModel, UsageError, weightsHash, type Opts } from './common';

export const GRASSMANN_CURVES = ['close-w', 'to-ganspace', 'random-w', 'to-sefa', 'random-O(d)'] as const;

export interface GrassmannCurve {
  name: (typeof GRASSMANN_CURVES)[number];
  pairs: number;
  projection: { mean: number[]; sd: number[] };
  geodesic: { mean: number[]; sd: number[] };
}

export interface GrassmannStudy {
  model: string;
  /** sha256 prefix of the weights (see common.weightsHash). */
  weights: string;
  n: number;
  /** Mean over the random positions of σ_i/σ₁ for the last Local Basis vectors (from k = r − 2 on): a null direction shows as ≈ 0. */
  lastSigmaRatios: number[];
  /** Local Basis vectors with σ < 1e-6·σ₁ (mean over the positions): arbitrary directions, not tangents. */
  nullDirections: number;
  k: number[];
  samples: number;
  closeDistance: number;
  curves: GrassmannCurve[];
  notes: string[];
  ms: number;
}

export interface GrassmannOptions {
  samples: number;
  seed: number;
  /** ‖z − z′‖ of the close pairs. Default 0.1. */
  closeDistance?: number;
  /** Largest subspace dimension (default min(dZ, dW)). */
  kMax?: number;
  /** w samples of GANSpace's PCA. Default 2000. */
  ganspaceSamples?: number;
  onProgress?: (done: number, total: number) => void;
}

function curve(name: GrassmannCurve['name'], pairs: [Float64Array, Float64Array][], ks: number[], n: number): GrassmannCurve {
  const proj = ks.map(() => [] as number[]), geo = ks.map(() => [] as number[]);
  for (const [a, b] of pairs) {
    ks.forEach((k, j) => {
      const A = a.subarray(0, k * n), B = b.subarray(0, k * n);
      proj[j].push(grassmannProjectionDistance(A, B, k, n));
      geo[j].push(grassmannGeodesicDistance(A, B, k, n));
    });
  }
  const stats = (xs: number[][]) => ({ mean: xs.map((x) => meanSd(x).mean), sd: xs.map((x) => meanSd(x).sd) });
  return { name, pairs: pairs.length, projection: stats(proj), geodesic: stats(geo) };
}

export async function grassmannStudy(g: Generator, o: GrassmannOptions): Promise<GrassmannStudy> {
  if (!g.isStyleBased) throw new UsageError(`grassmann needs a style model (Local Basis of a mapping network); ${g.manifest.id} is a z-space generator`);
  const t0 = performance.now();
  const n = g.wDim!, r = Math.min(g.zDim, n);
  const kMax = o.kMax ?? r;
  if (!(Number.isInteger(kMax) && kMax >= 1 && kMax <= r)) throw new UsageError(`--k-max must be between 1 and ${r} (the Local Basis has min(dZ, dW) = ${r} directions)`);
  const ks = Array.from({ length: kMax }, (_, i) => i + 1);
  const eps = o.closeDistance ?? 0.1;
  const N = o.samples;
  const rng = new Rng(o.seed * 7919 + 17);
  const top = (rowsKbyN: Float64Array) => rowsKbyN.slice(0, kMax * n);
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
  for (let i = 0; i < N; i++) {
    const za = g.samplePrior(o.seed + 2 * i, 1), zb = g.samplePrior(o.seed + 2 * i + 1, 1);
    const u = rng.normals(g.zDim);
    const norm = Math.hypot(...u);
    const zc = Float64Array.from(za, (v, t) => v + (eps * u[t]) / norm);
    const a = basisAt(za, true);
    anchors.push(a);
    randomPairs.push([a, basisAt(zb)]);
    closePairs.push([a, basisAt(zc)]);
    o.onProgress?.(i + 1, N);
  }
  const orthoPairs: [Float64Array, Float64Array][] = Array.from({ length: N }, () => [top(randomOrthogonal(n, rng)), top(randomOrthogonal(n, rng))]);
  const gs = ganspaceW(g, { k: kMax, samples: o.ganspaceSamples ?? 2000, seed: o.seed + 1_000_003 });
  const network = await latentNetwork(g);
  let sf;
  try {
    sf = sefa(network, { k: kMax, layers: 'all' });
  } finally {
    network.dispose();
  }
  const curves = [
    curve('close-w', closePairs, ks, n),
    curve('to-ganspace', anchors.map((a) => [a, gs.directions]), ks, n),
    curve('random-w', randomPairs, ks, n),
    curve('to-sefa', anchors.map((a) => [a, sf.directions]), ks, n),
    curve('random-O(d)', orthoPairs, ks, n),
  ];
  return {
    model: g.manifest.id, weights: weightsHash(g), n, lastSigmaRatios: sigmaTail, nullDirections: nulls, k: ks, samples: N, closeDistance: eps, curves,
    notes: [`Local Basis of ${g.manifest.id}'s mapping z(${g.zDim}) → w(${n})`, ...gs.notes, ...sf.notes, `random O(${n}): ${N} pairs`],
    ms: performance.now() - t0,
  };
}

export async function grassmann(opts: Opts) {
  const samples = opts.int('samples', undefined, [1, 10_000]);
  const seed = opts.int('seed', 0);
  const closeDistance = opts.num('close', 0.1, [1e-6, 100]);
  const kMax = opts.has('k-max') ? opts.int('k-max') : undefined;
  const g = await openModel(opts);
  try {
    return await grassmannStudy(g, { samples, seed, closeDistance, kMax });
  } finally {
    g.dispose();
  }
}
