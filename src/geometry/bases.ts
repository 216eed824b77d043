/**
 * The explorer's bases, one implementation for the job worker (src/engine/basis.ts) and the CLI
 * (`atlas basis`, scripts/atlas/bases.ts): k unit directions of a basis space at a reference latent.
 *
 * - metric:   eigenvectors of the metric at the reference (Wang & Ponce); exact for n ≤ EXACT_LIMIT, else the
 *             top k by Lanczos. Its rates are √λ, the eigenvalues being exactly vᵀHv.
 * - average:  eigenvectors of the element-wise mean of the exact metrics at `samples` prior samples (a global
 *             basis, Wang & Ponce §"Global Metric Structure").
 * - local:    Local Basis (Choi et al. Alg. 1), the SVD of the mapping network's Jacobian: W directions
 *             (left singular vectors) in W, the Z directions with J u = σ v (right singular vectors) in Z.
 *             Style models only.
 * - ganspace, sefa: globalBasesOfModel.ts (GANSpace PCA; SeFa with the official per-unit normalisation).
 * - random:   seeded Gaussian directions, orthonormalised: the control every other basis is judged against.
 * - imported: directions the caller brings (a file the reader loaded: src/export/directionsFile.ts), each
 *             scaled to unit length, signs as given; measured here like 'random'.
 *
 * Global kinds (average, ganspace, sefa) do not depend on the reference: they are computed for the top
 * GLOBAL_DIRECTIONS and sliced, so any k gives the same leading rows (GANSpace-in-Z's regression depends on
 * how many components it regresses), and a caller may keep them in `cache` per generator.
 * Signs are canonical (fixSigns). Rates for every kind but 'metric' come from k JVPs (measure.ts ratesAt).
 */
import * as tf from '@tensorflow/tfjs';
import type { DistanceName } from '../distance';
import { orthonormalise } from '../linalg/orthonormalise';
import type { Generator } from '../model/generator';
import { Rng } from '../util/random';
import { MetricAccumulator, type AverageMetric } from './averageMetric';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';
import type { GlobalBasis } from './globalBases';
import { ganspaceBasis, sefaBasis } from './globalBasesOfModel';
import { localBasisOfGenerator } from './localBasis';
import { measuredAlpha, ratesAt, withLinearisation, type Derivatives } from './measure';
import type { JvpMode } from './linearisation';
import type { ForwardFallback } from '../model/forward/dual';
import { computeMetric } from './metric';
import { alphaSamples, spectrumSummary, type SpectrumSummary } from './spectrum';
import type { SliderBasisKind } from '../state/vocabulary';

export type BasisKind = 'metric' | 'local' | 'average' | 'ganspace' | 'sefa' | 'random';
export const BASIS_KINDS: readonly BasisKind[] = ['metric', 'local', 'average', 'ganspace', 'sefa', 'random'];

/** Largest latent dimension for which 'metric' computes the full metric (all n eigenpairs, and the spectrum). */
export const EXACT_LIMIT = 128;
/**
 * α(v) samples of a metric's spectrum summary, each one JVP through the network at the reference. 64 JVPs
 * cost about one exact metric of n = 64 (measured on shapes-style, wasm: metric 0.4–0.6 s, 256 JVPs 2–3 s),
 * so the basis job takes about twice as long as the metric alone, and 64 samples already show the α cloud's
 * narrowness against a spectrum of several decades. `atlas spectrum --alpha-samples` takes more.
 */
export const ALPHA_SAMPLES = 64;
export const DEFAULT_AVERAGE_SAMPLES = 12;
export const MAX_AVERAGE_SAMPLES = 256;
/** Directions a global basis is computed for (the app's slider maximum, engine/edit MAX_DIRECTIONS). */
export const GLOBAL_DIRECTIONS = 32;

/** One view of the explorer: which basis, where, under which distance. */
export interface BasisView {
  kind: SliderBasisKind;
  /** 'imported': the directions, k' rows of the basis space's length n (k'·n values); each is scaled to unit length. */
  directions?: Float64Array;
  basisSpace: 'z' | 'w';
  distance: DistanceName;
  /** The latent z [zDim] of the reference. */
  z: ArrayLike<number>;
  /** Directions wanted (fewer when the space, or the Local Basis, has fewer). */
  k: number;
  /** Seed of 'random' directions and of the samples of 'average' and 'ganspace' (the app uses 0). */
  seed: number;
  /** 'average': prior samples averaged (default DEFAULT_AVERAGE_SAMPLES). */
  samples?: number;
  /** Jacobian-vector products by second-order gradients ('exact', default) or central differences ('fd'). */
  derivatives?: Derivatives;
}

export interface BasisDirections {
  kind: SliderBasisKind;
  basisSpace: 'z' | 'w';
  /** The reference in the basis space: z, or w = f(z). */
  reference: Float64Array;
  n: number;
  k: number;
  /** k×n unit rows, most important first, signs canonical. */
  directions: Float64Array;
  /** Eigenvalues, singular values, PCA variances or SeFa eigenvalues (k of them); empty for 'random'. */
  values: Float64Array;
  valueName: string;
  /** √(vᵀHv) under the view's distance at the reference: predicted image change per unit latent step. */
  rates: Float64Array;
  /** 'metric' (exact) and 'average': the full spectrum with its anisotropy and α(v). */
  spectrum?: SpectrumSummary;
  notes: string[];
}

/** Why a kind cannot be computed for this model, or null. */
export function unsupported(g: Generator, kind: SliderBasisKind, basisSpace: 'z' | 'w'): string | null {
  if (basisSpace === 'w' && !g.isStyleBased) return 'This model has no W space: it is a z-space generator.';
  if (kind === 'local' && !g.isStyleBased) return 'The Local Basis needs a style-based model: it is the SVD of the mapping network from Z to W, and this model has none.';
  return null;
}

/** z [zDim] expressed in the basis space: a copy of z, or w = mapZ(z), as float64. */
export function referenceOf(g: Generator, z: ArrayLike<number>, basisSpace: 'z' | 'w'): Float64Array {
  if (basisSpace === 'z') return Float64Array.from(z);
  const w = tf.tidy(() => g.mapZ(tf.tensor2d(Float32Array.from(z), [1, g.zDim])));
  try {
    return Float64Array.from(w.dataSync());
  } finally {
    w.dispose();
  }
}

/**
 * An eigen- or singular vector's sign is arbitrary; a slider's "+" should not flip between two machines
 * or two nearby latents for no reason. Convention: the largest-magnitude entry is positive (the first
 * of equal magnitudes). Rates and values are sign-free, so nothing else changes.
 */
export function fixSigns(rows: Float64Array, k: number, n: number): void {
  for (let r = 0; r < k; r++) {
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(rows[r * n + i]) > Math.abs(big)) big = rows[r * n + i];
    if (big < 0) for (let i = 0; i < n; i++) rows[r * n + i] = -rows[r * n + i];
  }
}

/** The basis of a view, with its rates (and, for metric and average, the spectrum): what a slider uses. */
export async function computeBasisAt(g: Generator, view: BasisView, ctx?: ComputeContext, cache?: Map<string, unknown>): Promise<BasisDirections> {
  const found = await basisDirections(g, view, ctx, cache);
  const rates = found.rates ?? await ratesAt(g, found.reference, view.basisSpace, view.distance, found.directions, found.k, ctx, view.derivatives);
  return { ...found, rates };
}

/**
 * The directions alone, for callers that measure them otherwise (factor scores, traversals): no JVP rates
 * (except the metric's own √λ) and no α samples. The directions are those of computeBasisAt.
 */
export async function basisDirections(g: Generator, view: BasisView, ctx?: ComputeContext, cache?: Map<string, unknown>, opts: { spectrum?: boolean } = {}): Promise<Omit<BasisDirections, 'rates'> & { rates?: Float64Array }> {
  const why = unsupported(g, view.kind, view.basisSpace);
  if (why) throw new Error(why);
  const reference = referenceOf(g, view.z, view.basisSpace);
  const n = reference.length;
  const k = Math.min(view.k, n);
  const found = await directionsOf(g, view, reference, k, ctx, cache ?? new Map(), opts.spectrum ?? true);
  // Imported directions keep the file's signs: its "+" may mean something (a walk toward a zoom, say).
  if (view.kind !== 'imported') fixSigns(found.directions, found.k, n);
  return { kind: view.kind, basisSpace: view.basisSpace, reference, n, ...found };
}

type Found = Omit<BasisDirections, 'kind' | 'basisSpace' | 'reference' | 'n' | 'rates'> & { rates?: Float64Array };

async function directionsOf(g: Generator, view: BasisView, reference: Float64Array, k: number, ctx: ComputeContext | undefined, cache: Map<string, unknown>, withSpectrum: boolean): Promise<Found> {
  const { basisSpace, distance, seed } = view;
  const fd = view.derivatives === 'fd';
  const n = reference.length;
  switch (view.kind) {
    case 'metric': {
      const exact = n <= EXACT_LIMIT;
      const method = fd ? 'fd' : exact ? 'exact' : 'lanczos';
      // exact's check compares the forward-mode rules with reverse mode: a property of the model's layers, not
      // of the latent, so it runs at this model's first exact metric (per space and distance) and not on every
      // drag-time recomputation, where it cost a quarter to a third of the metric (bench). fd's and Lanczos's
      // checks measure this latent's step and convergence error, so they run every time.
      const checkKey = `metric-check|${basisSpace}|${distance}`;
      const earlierCheck = method === 'exact' ? cache.get(checkKey) as number | undefined : undefined;
      const m = await computeMetric(g, reference, {
        space: basisSpace, distance, method, k: exact || fd ? n : k, signal: ctx?.signal, checkpoint: ctx?.checkpoint,
        check: earlierCheck === undefined,
        onProgress: (p) => report(ctx, `metric: ${p.phase}`, p.done, p.total),
      });
      if (method === 'exact' && m.errorEstimate !== null) cache.set(checkKey, m.errorEstimate);
      const values = m.eigenvalues.slice(0, k);
      const spectrum = exact && withSpectrum ? await withLinearisation(g, reference, basisSpace, distance, async (lin) =>
        spectrumSummary(m.eigenvalues, await measuredAlpha(lin, ALPHA_SAMPLES, seed, ctx, view.derivatives))) : undefined;
      return {
        directions: m.eigenvectors.slice(0, k * n), k, values, valueName: 'eigenvalue',
        rates: values.map((l) => Math.sqrt(Math.max(0, l))),
        ...(spectrum ? { spectrum } : {}),
        notes: [
          exact ? `Exact metric (${n} Jacobian columns), all ${n} eigenpairs.` : `Top ${k} eigenpairs by Lanczos (n = ${n} > ${EXACT_LIMIT}); no full spectrum.`,
          m.errorEstimate !== null ? `Residual check: ${m.errorEstimate.toExponential(1)}·λ₁.`
            : `Residual check at this model's first exact metric: ${earlierCheck?.toExponential(1)}·λ₁ (it tests the layers' forward rules against reverse mode, so it is not repeated per latent).`,
          ...(fd ? [] : [derivativesNote(m.jvp, m.fallbacks)]),
          ...(spectrum ? [`α(v) of ${ALPHA_SAMPLES} random directions measured by JVPs through the network.`] : []),
        ],
      };
    }
    case 'average': {
      const count = view.samples ?? DEFAULT_AVERAGE_SAMPLES;
      if (!(Number.isInteger(count) && count >= 2 && count <= MAX_AVERAGE_SAMPLES)) throw new Error(`The number of samples must be a whole number from 2 to ${MAX_AVERAGE_SAMPLES}.`);
      const { avg, hit } = await cachedAverageMetric(g, basisSpace, distance, seed, count, cache, ctx, view.derivatives);
      // H̄ is not the metric of one point of the network, so its α(v) is the literal quadratic form vᵀH̄v/vᵀv.
      return {
        directions: avg.eigenvectors.slice(0, k * n), k, values: avg.eigenvalues.slice(0, k), valueName: 'eigenvalue of the averaged metric',
        ...(withSpectrum ? { spectrum: spectrumSummary(avg.eigenvalues, alphaSamples(avg.mean, ALPHA_SAMPLES, seed)) } : {}),
        notes: [`Element-wise mean of the exact metrics at ${count} prior samples (seed ${seed})${hit ? ', kept from an earlier request' : ''}.`],
      };
    }
    case 'local': {
      await checkpoint(ctx);
      const lb = localBasisOfGenerator(g, view.z);
      const kk = Math.min(k, lb.r);
      const rows = basisSpace === 'w' ? lb.wDirections : lb.zDirections;
      return {
        directions: rows.slice(0, kk * n), k: kk, values: lb.singularValues.slice(0, kk), valueName: 'singular value',
        notes: [`SVD of the mapping network's Jacobian at z (Choi et al. Alg. 1): ${basisSpace === 'w' ? 'W (left' : 'Z (right'} singular vectors).`],
      };
    }
    case 'ganspace': {
      await checkpoint(ctx);
      const b = globalOf(cache, `ganspace|${basisSpace}|${seed}`, () => ganspaceBasis(g, basisSpace, Math.min(GLOBAL_DIRECTIONS, n), seed));
      return { directions: b.directions.slice(0, k * n), k, values: b.values.slice(0, k), valueName: 'variance', notes: [...b.notes] };
    }
    case 'sefa': {
      await checkpoint(ctx);
      const b = globalOf(cache, `sefa|${basisSpace}`, () => sefaBasis(g, basisSpace, Math.min(GLOBAL_DIRECTIONS, n)));
      return { directions: b.directions.slice(0, k * n), k, values: b.values.slice(0, k), valueName: 'eigenvalue of AᵀA', notes: [...b.notes] };
    }
    case 'imported': {
      const rows = importedRows(view.directions, n);
      const kk = Math.min(k, rows.length / n);
      return {
        directions: rows.slice(0, kk * n), k: kk, values: new Float64Array(0), valueName: '',
        notes: [`Imported directions (${kk} of ${rows.length / n} from the file), each scaled to unit length; rates measured here.`],
      };
    }
    case 'random': {
      const rng = new Rng(seed);
      const o = orthonormalise(Float64Array.from({ length: k * n }, () => rng.normal()), k, n);
      return { directions: o.q, k: o.rank, values: new Float64Array(0), valueName: '', notes: [`Gaussian directions, orthonormalised (seed ${seed}).`] };
    }
  }
}

/** The rows of an imported basis at unit length, or one sentence saying why they cannot be used in this space. */
function importedRows(directions: Float64Array | undefined, n: number): Float64Array {
  if (!directions || directions.length === 0) throw new Error('An imported basis needs its directions.');
  if (directions.length % n !== 0) throw new Error(`The imported directions do not have this space's ${n} entries each.`);
  const out = new Float64Array(directions.length);
  for (let r = 0; r < directions.length / n; r++) {
    const row = directions.subarray(r * n, (r + 1) * n);
    const norm = Math.hypot(...row);
    if (!(norm > 0 && Number.isFinite(norm))) throw new Error(`Imported direction ${r + 1} has no length, so it points nowhere.`);
    for (let i = 0; i < n; i++) out[r * n + i] = row[i] / norm;
  }
  return out;
}

/** How the metric's exact Jacobian columns were taken, naming any layer forward mode had no rule for. */
function derivativesNote(jvp: JvpMode, fallbacks: ForwardFallback[]): string {
  if (jvp === 'double-vjp') return 'Jacobian columns by the double-VJP trick (this model cannot push forward).';
  if (fallbacks.length === 0) return 'Jacobian columns by forward mode: every layer by its own rule.';
  const how = (f: ForwardFallback) => `${f.layer} (${f.className}) by ${f.method === 'fd' ? 'finite differences of the layer' : "the layer's own double-VJP"}`;
  return `Jacobian columns by forward mode; layers without a rule: ${fallbacks.map(how).join(', ')}.`;
}

function globalOf(cache: Map<string, unknown>, key: string, compute: () => GlobalBasis): GlobalBasis {
  const hit = cache.get(key) as GlobalBasis | undefined;
  if (hit) return hit;
  const b = compute();
  cache.set(key, b);
  return b;
}

/** averageMetricOf through a per-model cache (the 'average' basis and the inversion's preconditioner share it). */
export async function cachedAverageMetric(g: Generator, basisSpace: 'z' | 'w', distance: DistanceName, seed: number, count: number,
  cache: Map<string, unknown>, ctx?: ComputeContext, derivatives: Derivatives = 'exact'): Promise<{ avg: AverageMetric; hit: boolean }> {
  const key = `average|${basisSpace}|${distance}|${seed}|${count}|${derivatives}`;
  const hit = cache.get(key) as AverageMetric | undefined;
  const avg = hit ?? await averageMetricOf(g, basisSpace, distance, seed, count, ctx, derivatives);
  cache.set(key, avg);
  return { avg, hit: hit !== undefined };
}

/** The averaged exact metric over `count` prior samples from `seed`, with progress and cancellation per sample. */
export async function averageMetricOf(g: Generator, basisSpace: 'z' | 'w', distance: DistanceName, seed: number, count: number, ctx?: ComputeContext, derivatives: Derivatives = 'exact'): Promise<AverageMetric> {
  const zs = g.samplePrior(seed, count);
  const acc = new MetricAccumulator();
  report(ctx, 'average', 0, count);
  for (let i = 0; i < count; i++) {
    await checkpoint(ctx);
    const at = referenceOf(g, zs.subarray(i * g.zDim, (i + 1) * g.zDim), basisSpace);
    const m = await computeMetric(g, at, { space: basisSpace, distance, method: derivatives, signal: ctx?.signal, checkpoint: ctx?.checkpoint, check: false });
    acc.add({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
    report(ctx, 'average', i + 1, count);
  }
  return acc.result();
}
