/**
 * Inversion: the latent whose image is closest to a target image (Wen et al., "Diamond in the rough",
 * paper 003 §3.1; Wang & Ponce, paper 000 §6 for the preconditioning).
 *
 * Loss (per start, `InversionLoss`):
 * - 'diamond' (paper 003 Eq. 2–5): L1 between the discriminator's feature maps of G(ẑ) and of the target
 *   (mean |·| per feature layer, summed over the manifest's feature layers) + α · mean |G(ẑ) − x| over pixels
 *   + β · (‖ẑ‖ − √d)² in Z (a z-space prior keeps ẑ on the typical shell; W and W+ have no such prior, so
 *   the term is left out there). Paper: α = 2, β = 1. The discriminator sees each image as its own
 *   minibatch-stddev group (the paper's authors feed the image twice, which gives the same zero spread);
 * - 'pixel': mean squared pixel error;
 * - 'perceptual' (paper 000): mean squared pixel error + ½ of the project's LPIPS-style distance on the
 *   discriminator's features (src/distance/perceptual.ts).
 *
 * Initialisation: 'nearest' — of `candidates` prior samples, the `starts` whose discriminator features
 * (Euclidean; pixels for a model without a discriminator) are closest to the target's (paper 003);
 * 'random' — the first `starts` prior samples. In W and W+ a start is the mapping of its z.
 *
 * Optimiser: Adam (β = 0.9, 0.999) with step decay (paper 003: lr 0.1, ×0.1 every 200 steps, ≤ 501 steps,
 * stop when |Δloss| < 1e-4). Ours stops when that holds for every start on PATIENCE consecutive steps: Adam
 * at lr 0.1 oscillates, and one small change at a turning point is not convergence. All starts run as one
 * batch; the best final loss wins.
 *
 * Preconditioning (paper 000 §6): Adam adapts a step per coordinate, a diagonal model of the curvature. The
 * metric is strongly anisotropic and not axis-aligned, so Adam runs on c with ẑ = cU, U the eigenbasis (rows)
 * of the *averaged* metric: an orthogonal change of variables that makes the Hessian closer to diagonal.
 * In W+ every layer's w is rotated by W's basis. The caller passes U (`basis`), e.g. from averageMetricOf.
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { independentBatchSize, perceptualFeatures } from '../distance/perceptual';
import { checkpoint, report, type ComputeContext } from '../util/jobContext';

export type InversionSpace = 'z' | 'w' | 'wplus';
export type InversionLoss = 'diamond' | 'pixel' | 'perceptual';
export type Precondition = 'none' | 'hessian';
export const INVERSION_LOSSES: readonly InversionLoss[] = ['diamond', 'pixel', 'perceptual'];
/** Consecutive steps with every |Δloss| < tol before the run stops. */
const PATIENCE = 5;

export interface InversionOptions {
  space: InversionSpace;
  loss: InversionLoss;
  /** 'diamond': weight of the pixel L1 term (paper 003: 2; 2–15 across its data sets). */
  alpha: number;
  /** 'diamond' in Z: weight of (‖ẑ‖ − √d)² (paper 003: 1). */
  beta: number;
  init: 'nearest' | 'random';
  /** Prior samples searched by the 'nearest' initialisation (paper 003: 1,000). */
  candidates: number;
  /** Independent starts optimised together; the best final loss is returned (paper 000: 3–4). */
  starts: number;
  steps: number;
  lr: number;
  /** Multiply the step size by `decayFactor` every `decayEvery` steps. */
  decayEvery: number;
  decayFactor: number;
  /** Stop when every start's |Δloss| is below this (on PATIENCE consecutive steps). */
  tol: number;
  precondition: Precondition;
  /** U for 'hessian': rows are the averaged metric's eigenvectors in Z (n×n), or in W for 'w' and 'wplus'. */
  basis?: Float64Array;
  seed: number;
}

/** Paper 003's recipe. */
export const DIAMOND_INVERSION: InversionOptions = {
  space: 'z', loss: 'diamond', alpha: 2, beta: 1, init: 'nearest', candidates: 1000, starts: 1,
  steps: 501, lr: 0.1, decayEvery: 200, decayFactor: 0.1, tol: 1e-4, precondition: 'none', seed: 0,
};

export interface InversionStep {
  step: number;
  /** Loss of every start at this step. */
  losses: number[];
}

export interface InversionResult {
  /** The best start's latent, flat, in `space` ([n], [wDim] or [layers·wDim]). */
  latent: Float64Array;
  space: InversionSpace;
  /** The best start's loss at every step taken. */
  loss: number[];
  /** Every start's loss at every step taken. */
  history: InversionStep[];
  best: number;
  /** Mean squared pixel error of G(latent) against the target, in the model's output units. */
  pixelMse: number;
  /** Mean |Δ| of the discriminator's features (the diamond loss's first term); NaN without a discriminator. */
  featureL1: number;
  /** Steps taken (≤ steps: the tolerance can stop the run earlier). */
  steps: number;
  notes: string[];
}

/** The latent dimension optimised in `space`, and the shape G takes it in. */
function latentLayout(g: Generator, space: InversionSpace): { dim: number; shape: (k: number) => number[]; basisDim: number } {
  if (space === 'z') return { dim: g.zDim, shape: (k) => [k, g.zDim], basisDim: g.zDim };
  if (!g.isStyleBased || !g.wDim) throw new Error(`Inversion in ${space === 'w' ? 'W' : 'W+'} needs a style-based model; '${g.manifest.id}' has only Z.`);
  if (space === 'w') return { dim: g.wDim, shape: (k) => [k, g.wDim!], basisDim: g.wDim };
  const layers = g.styleLayers!;
  return { dim: layers * g.wDim, shape: (k) => [k, layers, g.wDim!], basisDim: g.wDim };
}

function checkOptions(g: Generator, o: InversionOptions): void {
  const whole = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (!INVERSION_LOSSES.includes(o.loss)) throw new Error(`The inversion loss is one of ${INVERSION_LOSSES.join(', ')}; got '${String(o.loss)}'.`);
  if (o.loss !== 'pixel' && !g.discriminatorFeatures) throw new Error(`The '${o.loss}' loss reads the model's discriminator, which '${g.manifest.id}' does not have; use the 'pixel' loss.`);
  if (!whole(o.steps, 1, 5000)) throw new Error(`Inversion takes 1 to 5000 steps, got ${o.steps}.`);
  if (!whole(o.starts, 1, 64)) throw new Error(`Inversion takes 1 to 64 starts, got ${o.starts}.`);
  if (!whole(o.candidates, o.starts, 100_000)) throw new Error(`The nearest-start search needs ${o.starts} to 100000 candidates, got ${o.candidates}.`);
  if (!whole(o.decayEvery, 1, 100_000)) throw new Error(`The step decay interval must be a whole number ≥ 1, got ${o.decayEvery}.`);
  for (const [name, v, lo, hi] of [['step size', o.lr, 0, 10], ['decay factor', o.decayFactor, 0, 1], ['α', o.alpha, -1e-12, 1e6], ['β', o.beta, -1e-12, 1e6], ['tolerance', o.tol, -1e-12, 1e6]] as const) {
    if (!(typeof v === 'number' && v > lo && v <= hi)) throw new Error(`The ${name} must be a number in (${Math.max(lo, 0)}, ${hi}], got ${String(v)}.`);
  }
  if (o.init !== 'nearest' && o.init !== 'random') throw new Error(`The initialisation is 'nearest' or 'random', got '${String(o.init)}'.`);
  if (o.precondition !== 'none' && o.precondition !== 'hessian') throw new Error(`The preconditioning is 'none' or 'hessian', got '${String(o.precondition)}'.`);
}

/** The discriminator's raw feature maps, each image its own minibatch group (batches padded to a prime size). */
function featureMaps(g: Generator, images: tf.Tensor4D): tf.Tensor4D[] {
  const [b, h, w, c] = images.shape;
  const p = independentBatchSize(b);
  const input = p === b ? images : tf.concat([images, tf.zeros([p - b, h, w, c])], 0) as tf.Tensor4D;
  return g.discriminatorFeatures!(input).map((y) => (p === b ? y : tf.slice(y, [0, 0, 0, 0], [b, ...y.shape.slice(1)])) as tf.Tensor4D);
}

/** Flat descriptors for the nearest-start search: discriminator features, or pixels without a discriminator. */
function descriptors(g: Generator, images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const b = images.shape[0];
    if (!g.discriminatorFeatures) return images.reshape([b, -1]) as tf.Tensor2D;
    return tf.concat(featureMaps(g, images).map((y) => y.reshape([b, -1])), 1) as tf.Tensor2D;
  });
}

/** Prior samples mapped to `space` (flat rows), `count` of them from `seed`. */
function startsIn(g: Generator, space: InversionSpace, seed: number, count: number): Float32Array {
  const z = g.samplePrior(seed, count);
  if (space === 'z') return z;
  return tf.tidy(() => {
    const w = g.mapZ(tf.tensor2d(z, [count, g.zDim]));
    return (space === 'w' ? w : g.broadcastW(w)).dataSync() as Float32Array;
  });
}

/** Indices of the `k` candidates nearest the target in descriptor space (Euclidean), best first. */
async function nearestStarts(g: Generator, space: InversionSpace, target: tf.Tensor4D, o: InversionOptions, ctx?: ComputeContext): Promise<Float32Array> {
  const layout = latentLayout(g, space);
  const all = startsIn(g, space, o.seed, o.candidates);
  const want = descriptors(g, target);
  const distances = new Float64Array(o.candidates);
  const batch = 64;
  for (let s = 0; s < o.candidates; s += batch) {
    await checkpoint(ctx);
    const b = Math.min(batch, o.candidates - s);
    const d = tf.tidy(() => {
      const images = g.generate(tf.tensor(all.subarray(s * layout.dim, (s + b) * layout.dim), layout.shape(b)), space);
      return tf.sum(tf.square(tf.sub(descriptors(g, images), want)), 1);
    });
    distances.set(await d.data(), s);
    d.dispose();
    report(ctx, 'inversion: nearest start', Math.min(o.candidates, s + b), o.candidates);
  }
  want.dispose();
  const order = Array.from(distances.keys()).sort((a, b) => distances[a] - distances[b]).slice(0, o.starts);
  const out = new Float32Array(o.starts * layout.dim);
  order.forEach((i, k) => out.set(all.subarray(i * layout.dim, (i + 1) * layout.dim), k * layout.dim));
  return out;
}

/** Per-start losses [K] of images [K, H, W, C] against the target, for `o.loss` (see the module comment). */
function lossTerms(g: Generator, images: tf.Tensor4D, target: tf.Tensor4D, targetMaps: tf.Tensor4D[] | null, targetPerceptual: tf.Tensor2D | null,
  latents: tf.Tensor2D, o: InversionOptions): { total: tf.Tensor1D } {
  const k = images.shape[0];
  const flat = (t: tf.Tensor) => t.reshape([k, -1]);
  const diff = tf.sub(images, target);
  if (o.loss === 'pixel') return { total: tf.mean(flat(tf.square(diff)), 1) as tf.Tensor1D };
  if (o.loss === 'perceptual') {
    const phi = perceptualFeatures(g.discriminatorFeatures!, images);
    const lpips = tf.mul(tf.sum(tf.square(tf.sub(phi, targetPerceptual!)), 1), 0.5);
    return { total: tf.add(tf.mean(flat(tf.square(diff)), 1), lpips) as tf.Tensor1D };
  }
  let total = tf.add(featureL1Of(g, images, targetMaps!), tf.mul(tf.mean(flat(tf.abs(diff)), 1), o.alpha));
  if (o.space === 'z' && o.beta > 0) {
    const gap = tf.sub(tf.norm(latents, 'euclidean', 1), Math.sqrt(g.zDim));
    total = tf.add(total, tf.mul(tf.square(gap), o.beta));
  }
  return { total: total as tf.Tensor1D };
}

/** Σ over feature layers of mean |D_l(G) − D_l(x)|, per image [K]: the diamond loss's feature term. */
function featureL1Of(g: Generator, images: tf.Tensor4D, targetMaps: tf.Tensor4D[]): tf.Tensor1D {
  const k = images.shape[0];
  return featureMaps(g, images).map((y, l) => tf.mean(tf.abs(tf.sub(y, targetMaps[l])).reshape([k, -1]), 1))
    .reduce((a, b) => tf.add(a, b)) as tf.Tensor1D;
}

/** c ↦ latent: c·U per row of length basisDim (identity without preconditioning). */
function toLatent(c: tf.Tensor2D, u: tf.Tensor2D | null, k: number, dim: number, basisDim: number): tf.Tensor2D {
  if (!u) return c;
  return tf.matMul(c.reshape([(k * dim) / basisDim, basisDim]), u).reshape([k, dim]) as tf.Tensor2D;
}

/**
 * Invert G at `target` ([1, H, W, C] in the model's output range and shape). Deterministic for a seed.
 */
export async function invert(g: Generator, target: tf.Tensor4D, opts: Partial<InversionOptions> = {}, ctx?: ComputeContext & { onStep?: (history: InversionStep[]) => void }): Promise<InversionResult> {
  const o: InversionOptions = { ...DIAMOND_INVERSION, ...opts };
  checkOptions(g, o);
  const [h, w, c] = g.outputShape;
  const ts = target.shape;
  if (ts.length !== 4 || ts[0] !== 1 || ts[1] !== h || ts[2] !== w || ts[3] !== c) throw new Error(`The target must be one ${h}×${w}×${c} image, got [${ts.join(', ')}].`);
  const layout = latentLayout(g, o.space);
  const notes: string[] = [];
  let u: tf.Tensor2D | null = null;
  if (o.precondition === 'hessian') {
    const nb = layout.basisDim;
    if (!o.basis || o.basis.length !== nb * nb) throw new Error(`Hessian preconditioning needs the averaged metric's ${nb}×${nb} eigenbasis.`);
    u = tf.tensor2d(Float32Array.from(o.basis), [nb, nb]);
  }
  if (o.loss === 'diamond' && o.space !== 'z' && o.beta > 0) notes.push(`The norm prior (β) applies in Z only; it is left out in ${o.space === 'w' ? 'W' : 'W+'}.`);
  if (o.init === 'nearest' && !g.discriminatorFeatures) notes.push('Nearest start by pixels: the model has no discriminator.');

  const k = o.starts;
  const start = o.init === 'nearest' ? await nearestStarts(g, o.space, target, o, ctx) : startsIn(g, o.space, o.seed, k);
  // Coordinates c with latent = cU: c = latent·Uᵀ (U orthogonal).
  const c0 = tf.tidy(() => {
    const x = tf.tensor2d(start, [k, layout.dim]);
    return u ? tf.matMul(x.reshape([(k * layout.dim) / layout.basisDim, layout.basisDim]), u, false, true).reshape([k, layout.dim]) : x;
  }) as tf.Tensor2D;
  const coords = Float64Array.from(await c0.data());
  c0.dispose();
  const targetMaps = o.loss === 'diamond' ? tf.tidy(() => featureMaps(g, target)) : null;
  const targetPerceptual = o.loss === 'perceptual' ? tf.tidy(() => perceptualFeatures(g.discriminatorFeatures!, target)) : null;
  const m1 = new Float64Array(coords.length), m2 = new Float64Array(coords.length);
  const history: InversionStep[] = [];
  let previous: number[] | null = null;
  let still = 0;
  let taken = 0;
  try {
    for (let step = 0; step < o.steps; step++) {
      await checkpoint(ctx);
      let values!: tf.Tensor1D;
      const grad = tf.tidy(() => {
        const { grad: gr } = tf.valueAndGrad((cv: tf.Tensor) => {
          const latent = toLatent(cv as tf.Tensor2D, u, k, layout.dim, layout.basisDim);
          const images = g.generate(latent.reshape(layout.shape(k)), o.space);
          const { total } = lossTerms(g, images, target, targetMaps, targetPerceptual, latent, o);
          values = tf.keep(total.clone());
          return tf.sum(total) as tf.Scalar;
        })(tf.tensor2d(Float32Array.from(coords), [k, layout.dim]));
        return gr;
      });
      const [gv, lv] = await Promise.all([grad.data(), values.data()]);
      tf.dispose([grad, values]);
      const losses = Array.from(lv);
      if (losses.some((v) => !Number.isFinite(v))) throw new Error(`The inversion loss became ${losses.find((v) => !Number.isFinite(v))} at step ${step}: the model's output is not finite here.`);
      history.push({ step, losses });
      taken = step + 1;
      report(ctx, 'inversion', taken, o.steps);
      ctx?.onStep?.(history);
      still = previous && losses.every((v, i) => Math.abs(v - previous![i]) < o.tol) ? still + 1 : 0;
      if (still >= PATIENCE) break;
      previous = losses;
      const lr = o.lr * o.decayFactor ** Math.floor(step / o.decayEvery);
      const [b1, b2, e] = [0.9, 0.999, 1e-8];
      for (let i = 0; i < coords.length; i++) {
        m1[i] = b1 * m1[i] + (1 - b1) * gv[i];
        m2[i] = b2 * m2[i] + (1 - b2) * gv[i] * gv[i];
        coords[i] -= (lr * (m1[i] / (1 - b1 ** (step + 1)))) / (Math.sqrt(m2[i] / (1 - b2 ** (step + 1))) + e);
      }
    }
    // The final coordinates (moved once more after the last scored step, unless the tolerance stopped the
    // loop) are scored afresh; the best start is the one with the lowest final loss.
    const final = tf.tidy(() => {
      const latent = toLatent(tf.tensor2d(Float32Array.from(coords), [k, layout.dim]), u, k, layout.dim, layout.basisDim);
      const images = g.generate(latent.reshape(layout.shape(k)), o.space);
      const total = lossTerms(g, images, target, targetMaps, targetPerceptual, latent, o).total;
      const pixel = tf.mean(tf.square(tf.sub(images, target)).reshape([k, -1]), 1);
      const feat = g.discriminatorFeatures ? featureL1Of(g, images, targetMaps ?? featureMaps(g, target)) : tf.fill([k], NaN);
      return { latent, total, pixel, feat };
    });
    const [latents, totals, pixels, feats] = await Promise.all([final.latent.data(), final.total.data(), final.pixel.data(), final.feat.data()]);
    tf.dispose([final.latent, final.total, final.pixel, final.feat]);
    let best = 0;
    for (let i = 1; i < k; i++) if (totals[i] < totals[best]) best = i;
    return {
      latent: Float64Array.from(latents.subarray(best * layout.dim, (best + 1) * layout.dim)),
      space: o.space, loss: history.map((s) => s.losses[best]), history, best,
      pixelMse: pixels[best], featureL1: feats[best], steps: taken, notes,
    };
  } finally {
    for (const t of [u, ...(targetMaps ?? []), targetPerceptual]) t?.dispose();
  }
}
