/**
 * The explorer's bases: k unit directions at a reference latent, each with the rate √(vᵀHv) at which it
 * changes the image under the chosen distance (so sliders can move in units of predicted change).
 *
 * - metric:   eigenvectors of the metric at the reference (Wang & Ponce); exact for n ≤ EXACT_LIMIT, else the
 *             top k by Lanczos. Rates are √λ, the eigenvalues being exactly vᵀHv.
 * - average:  eigenvectors of the element-wise mean of the metrics at `samples` prior samples (a global
 *             basis, Wang & Ponce §"Global Metric Structure").
 * - local:    Local Basis (Choi et al. Alg. 1), the SVD of the mapping network's Jacobian: W directions
 *             (left singular vectors) for 'w'/'wplus', the Z directions with J u = σ v (right singular
 *             vectors) for 'z'. Style models only.
 * - ganspace: PCA (Härkönen et al.): of w samples in W; in Z of a style model, the PCA of w regressed back
 *             to z (w is the mapping's "activation", as in GANSpace's Z recipe); in Z of a z-space model, of
 *             the first latent-consuming layer's activations, regressed back to z (globalBases.ganspaceZ).
 * - sefa:     SeFa (Shen & Zhou): eigenvectors of AᵀA for the weights that read the latent. In W, all style
 *             affines stacked with unit-normalised output units (the official code's defaults); in Z, the
 *             first dense kernel (of the generator, or of the mapping network for a style model).
 * - random:   seeded Gaussian directions, orthonormalised: the control every other basis is judged against.
 *
 * The global kinds (average, ganspace, sefa) are kept per generator, so moving the reference recomputes
 * only the rates. For every kind but 'metric', rates come from k Jacobian-vector products at the reference (measure.ts),
 * not from a full metric. For 'wplus' the basis is computed in W, and rates are those of the W direction
 * applied to every layer (an edit restricted to some layers changes the image less than predicted).
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance, type AnchoredDistance, type DistanceName } from '../distance';
import { MetricAccumulator, type AverageMetric } from '../geometry/averageMetric';
import { ganspaceFromActivations, ganspaceW, ganspaceZ, sefa, type GlobalBasis } from '../geometry/globalBases';
import { localBasisOfGenerator } from '../geometry/localBasis';
import { computeMetric } from '../geometry/metric';
import { alphaStatistics, anisotropyDims } from '../geometry/spectrum';
import { orthonormalise } from '../linalg/orthonormalise';
import type { Generator } from '../model/generator';
import { Rng } from '../util/random';
import { MAX_DIRECTIONS } from './edit';
import type { JobContext } from './jobContext';
import { zOf } from './latent';
import { directionRates, linearisation } from './measure';
import { basisSpaceOf, checkDistance, checkInt, checkSeed, explorerSpace, referenceOf, toRows } from './requests';
import { BASIS_KINDS, type Basis, type BasisRequest, type SpectrumSummary } from './types';

/** Largest latent dimension for which 'metric' computes the full metric (all n eigenpairs, and the spectrum). */
export const EXACT_LIMIT = 128;
/** α(v) samples in a spectrum summary: enough for a smooth histogram, cheap from the eigenvalues (O(n) each). */
export const ALPHA_SAMPLES = 4000;
export const DEFAULT_AVERAGE_SAMPLES = 12;
export const MAX_AVERAGE_SAMPLES = 256;
/** GANSpace sample counts: PCA in W (cheap: wDim ≤ samples), and in Z of a z-space model (activations are wide). */
const GANSPACE_W_SAMPLES = 2000;
const GANSPACE_Z_SAMPLES = 512;
const MAP_BATCH = 256;

/** The directions of one kind, before rates are attached. */
interface Directions {
  directions: Float64Array;
  k: number;
  values: Float64Array;
  valueName: string;
  notes: string[];
  /** Set when the kind knows its rates exactly (metric: √λ). */
  rates?: Float64Array;
  spectrum?: SpectrumSummary;
}

export async function computeBasis(g: Generator, req: BasisRequest, ctx: JobContext): Promise<Basis> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('A basis request must be an object.');
  if (!BASIS_KINDS.includes(req.kind)) throw new Error(`The basis kind must be one of ${BASIS_KINDS.join(', ')}.`);
  const space = explorerSpace(g, req.space);
  const distance = checkDistance(g, req.distance);
  const wanted = checkInt(req.k, 1, MAX_DIRECTIONS, 'The number of directions');
  const seed = checkSeed(req.seed);
  const basisSpace = basisSpaceOf(space);
  const z = zOf(g, req.latent);
  const reference = referenceOf(g, z, basisSpace);
  const n = reference.length;
  const k = Math.min(wanted, n);

  const found = await directionsOf(g, req, { basisSpace, distance, z, reference, k, seed }, ctx);
  fixSigns(found.directions, found.k, n);
  const rates = found.rates ?? await ratesAt(g, reference, basisSpace, distance, found.directions, found.k, ctx, req.derivatives);
  if (space === 'wplus') found.notes.push('Computed in W; rates are for the direction applied to every style layer.');
  return {
    kind: req.kind, basisSpace, space, distance, dim: n,
    directions: toRows(found.directions, found.k, n),
    values: Array.from(found.values),
    valueName: found.valueName,
    rates: Array.from(rates),
    reference: Array.from(reference),
    ...(found.spectrum ? { spectrum: found.spectrum } : {}),
    ms: performance.now() - t0,
    notes: found.notes,
  };
}

/**
 * An eigen- or singular vector's sign is arbitrary; a slider's "+" should not flip between two machines
 * or two nearby latents for no reason. Convention (as in globalBases): the largest-magnitude entry is
 * positive. Rates and values are sign-free, so nothing else changes.
 */
function fixSigns(rows: Float64Array, k: number, n: number): void {
  for (let r = 0; r < k; r++) {
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(rows[r * n + i]) > Math.abs(big)) big = rows[r * n + i];
    if (big < 0) for (let i = 0; i < n; i++) rows[r * n + i] = -rows[r * n + i];
  }
}

interface Where {
  basisSpace: 'z' | 'w';
  distance: DistanceName;
  z: Float32Array;
  reference: Float64Array;
  k: number;
  seed: number;
}

async function directionsOf(g: Generator, req: BasisRequest, at: Where, ctx: JobContext): Promise<Directions> {
  const { basisSpace, distance, reference, k, seed } = at;
  const n = reference.length;
  switch (req.kind) {
    case 'metric': {
      const exact = n <= EXACT_LIMIT;
      const m = await computeMetric(g, reference, {
        space: basisSpace, distance, method: req.derivatives === 'fd' ? 'fd' : exact ? 'exact' : 'lanczos', k: exact || req.derivatives === 'fd' ? n : k, signal: ctx.signal,
        onProgress: (p) => ctx.progress(`metric: ${p.phase}`, p.done, p.total),
      });
      const values = m.eigenvalues.slice(0, k);
      return {
        directions: m.eigenvectors.slice(0, k * n), k, values, valueName: 'eigenvalue',
        rates: values.map((l) => Math.sqrt(Math.max(0, l))),
        ...(exact ? { spectrum: spectrumSummary(m.eigenvalues, seed) } : {}),
        notes: [
          exact ? `Exact metric (${n} Jacobian columns), all ${n} eigenpairs.` : `Top ${k} eigenpairs by Lanczos (n = ${n} > ${EXACT_LIMIT}); no full spectrum.`,
          `Residual check: ${m.errorEstimate.toExponential(1)}·λ₁.`,
        ],
      };
    }
    case 'average': {
      const count = req.samples === undefined ? DEFAULT_AVERAGE_SAMPLES : checkInt(req.samples, 2, MAX_AVERAGE_SAMPLES, 'The number of samples');
      const key = `average|${basisSpace}|${distance}|${seed}|${count}|${req.derivatives ?? 'exact'}`;
      const hit = cacheOf(g).get(key) as AverageMetric | undefined;
      const avg = hit ?? await averageOf(g, basisSpace, distance, seed, count, ctx, req.derivatives);
      cacheOf(g).set(key, avg);
      return {
        directions: avg.eigenvectors.slice(0, k * n), k, values: avg.eigenvalues.slice(0, k), valueName: 'eigenvalue of the averaged metric',
        spectrum: spectrumSummary(avg.eigenvalues, seed),
        notes: [`Element-wise mean of the exact metrics at ${count} prior samples (seed ${seed})${hit ? ', kept from an earlier request' : ''}.`],
      };
    }
    case 'local': {
      if (!g.isStyleBased) throw new Error('The Local Basis needs a style-based model: it is the SVD of the mapping network from Z to W, and this model has none.');
      await ctx.checkpoint();
      const lb = localBasisOfGenerator(g, at.z);
      const kk = Math.min(k, lb.r);
      const rows = basisSpace === 'w' ? lb.wDirections : lb.zDirections;
      return {
        directions: rows.slice(0, kk * n), k: kk, values: lb.singularValues.slice(0, kk), valueName: 'singular value',
        notes: [`SVD of the mapping network's Jacobian at z (Choi et al. Alg. 1): ${basisSpace === 'w' ? 'W (left' : 'Z (right'} singular vectors).`],
      };
    }
    case 'ganspace': {
      await ctx.checkpoint();
      const b = globalOf(g, `ganspace|${basisSpace}|${seed}`, () => ganspaceBasis(g, basisSpace, Math.min(MAX_DIRECTIONS, n), seed));
      return { directions: b.directions.slice(0, k * n), k, values: b.values.slice(0, k), valueName: 'variance', notes: b.notes };
    }
    case 'sefa': {
      await ctx.checkpoint();
      const b = globalOf(g, `sefa|${basisSpace}`, () => sefaBasis(g, basisSpace, Math.min(MAX_DIRECTIONS, n)));
      return { directions: b.directions.slice(0, k * n), k, values: b.values.slice(0, k), valueName: 'eigenvalue of AᵀA', notes: b.notes };
    }
    case 'random': {
      const rng = new Rng(seed);
      const o = orthonormalise(Float64Array.from({ length: k * n }, () => rng.normal()), k, n);
      return { directions: o.q, k: o.rank, values: new Float64Array(0), valueName: '', notes: [`Gaussian directions, orthonormalised (seed ${seed}).`] };
    }
  }
}

/**
 * Global bases (average, GANSpace, SeFa) do not depend on the reference, only on the model and settings,
 * so they are kept per generator and a new reference costs only its rates. Keyed by the Generator object:
 * a model swap makes a new one, and the old entries go with it.
 */
const globalCache = new WeakMap<Generator, Map<string, unknown>>();

function cacheOf(g: Generator): Map<string, unknown> {
  let m = globalCache.get(g);
  if (!m) globalCache.set(g, (m = new Map()));
  return m;
}

function globalOf(g: Generator, key: string, compute: () => GlobalBasis): GlobalBasis {
  const cache = cacheOf(g);
  const hit = cache.get(key) as GlobalBasis | undefined;
  if (hit) return hit;
  const b = compute();
  cache.set(key, b);
  return b;
}

/** The averaged exact metric over `count` prior samples from `seed`, with progress and cancellation per sample. */
async function averageOf(g: Generator, basisSpace: 'z' | 'w', distance: DistanceName, seed: number, count: number, ctx: JobContext, derivatives?: 'exact' | 'fd'): Promise<AverageMetric> {
  const zs = g.samplePrior(seed, count);
  const acc = new MetricAccumulator();
  ctx.progress('average', 0, count);
  for (let i = 0; i < count; i++) {
    await ctx.checkpoint();
    const at = referenceOf(g, zs.subarray(i * g.zDim, (i + 1) * g.zDim), basisSpace);
    const m = await computeMetric(g, at, { space: basisSpace, distance, method: derivatives ?? 'exact', signal: ctx.signal });
    acc.add({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
    ctx.progress('average', i + 1, count);
  }
  return acc.result();
}

/** √(vᵀHv) at the reference by JVPs (measure.ts), with the distance anchored at the reference image. */
async function ratesAt(g: Generator, reference: Float64Array, space: 'z' | 'w', distance: DistanceName, directions: Float64Array, k: number, ctx: JobContext, derivatives?: 'exact' | 'fd'): Promise<Float64Array> {
  const x0 = tf.tensor2d(Float32Array.from(reference), [1, reference.length]);
  let images0: tf.Tensor4D | undefined;
  let dist: AnchoredDistance | undefined;
  try {
    images0 = tf.tidy(() => g.generate(x0, space));
    dist = anchorDistance(distance, g, images0);
    const lin = linearisation(g, dist, x0, space);
    let done = 0;
    ctx.progress('rates', 0, k);
    return await directionRates(lin, directions, k, async () => {
      ctx.progress('rates', done, k);
      done = Math.min(k, done + 16);
      await ctx.checkpoint();
    }, derivatives);
  } finally {
    dist?.dispose();
    images0?.dispose();
    x0.dispose();
  }
}

/** Anisotropy and the α(v) law of a full spectrum (descending eigenvalues). */
export function spectrumSummary(eigenvalues: Float64Array, seed: number): SpectrumSummary {
  const stats = alphaStatistics({ eigenvalues }, { count: ALPHA_SAMPLES, seed });
  return {
    eigenvalues: Array.from(eigenvalues),
    anisotropy: anisotropyDims(eigenvalues),
    alpha: {
      samples: Array.from(stats.samples),
      sampleMean: stats.sampleMean,
      sampleStd: Math.sqrt(stats.sampleVariance),
      analyticMean: stats.law.mean,
      analyticStd: Math.sqrt(stats.law.variance),
    },
  };
}

/** A network of the model, or a plain sentence saying the method needs it. */
function networkOf(g: Generator, part: 'generator' | 'mapping' | 'synthesis', method: string): tf.LayersModel {
  const net = g.network?.(part);
  if (!net) throw new Error(`${method} reads the model's ${part} network, which this model does not expose.`);
  return net;
}

/** w = mapZ(z) for `count` rows of z (float64), batched. */
function mapRows(g: Generator, z: Float32Array, count: number): Float64Array {
  const out = new Float64Array(count * g.wDim!);
  for (let s = 0; s < count; s += MAP_BATCH) {
    const b = Math.min(MAP_BATCH, count - s);
    const w = tf.tidy(() => g.mapZ(tf.tensor2d(z.subarray(s * g.zDim, (s + b) * g.zDim), [b, g.zDim])));
    try {
      out.set(w.dataSync(), s * g.wDim!);
    } finally {
      w.dispose();
    }
  }
  return out;
}

/** GANSpace's top-k directions in the basis space (see the module comment for the three cases). */
export function ganspaceBasis(g: Generator, basisSpace: 'z' | 'w', k: number, seed: number): GlobalBasis {
  if (basisSpace === 'w') return ganspaceW(g, { k, samples: GANSPACE_W_SAMPLES, seed, batch: MAP_BATCH });
  if (!g.isStyleBased) {
    const b = ganspaceZ(g, networkOf(g, 'generator', 'GANSpace in Z'), { k, samples: GANSPACE_Z_SAMPLES, seed });
    return { ...b, notes: [...b.notes, 'Regressed back to Z (GANSpace, Härkönen et al.).'] };
  }
  const count = GANSPACE_W_SAMPLES;
  const zFit = g.samplePrior(seed, count), zReg = g.samplePrior(seed + 1, count);
  const fit = mapRows(g, zFit, count), reg = mapRows(g, zReg, count);
  const b = ganspaceFromActivations({ activations: fit, count, dim: g.wDim! }, { activations: reg, latents: Float64Array.from(zReg), count }, g.zDim, k);
  return { ...b, notes: [`PCA of ${count} w samples, regressed back to Z on ${count} fresh samples.`] };
}

/** SeFa's top-k directions in the basis space (see the module comment). */
export function sefaBasis(g: Generator, basisSpace: 'z' | 'w', k: number): GlobalBasis {
  const net = basisSpace === 'w'
    ? networkOf(g, 'synthesis', 'SeFa in W')
    : networkOf(g, g.isStyleBased ? 'mapping' : 'generator', 'SeFa in Z');
  const b = sefa(net, { k, normaliseUnits: true, ...(basisSpace === 'w' ? { layers: 'all' as const } : {}) });
  return { ...b, notes: [...b.notes, 'Output units normalised, as in the official SeFa code.'] };
}
