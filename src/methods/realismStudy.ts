/**
 * Realism against truncation (paper 003 §4, Table 1), one implementation for `atlas realism` and the app's
 * quality-vs-diversity job (`realismSweep`): the same N prior samples as
 * - baseline G(z);
 * - truncation at each ψ (in W for style models — src/engine/truncation.ts — and ψ·z for a z-space model);
 * - fixed σ: P(σ·p̄ + (1 − σ)·z) with p̄ the mean protoimage latent (the authors' FID recipe, get_FID_images.py:
 *   protoimages are searched for a subset and their normalised mean is used for every sample);
 * - σ-optimised ("improved"): per-sample σ by optimiseSigma toward p̄, in batches of 16.
 * The protoimages need inverted latents ẑ: each of the first `protoCount` samples' images is inverted with the
 * paper's loss (inversion.ts; fewer steps than its 501, `inversionSteps`), then searched in batches of 16 (the
 * authors' minibatch). Quality is the caller's `measure` (probe Fréchet distance, share read confidently, factor
 * spread), so the CLI and the worker read images the same way with the data each has.
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { truncatedGenerator } from '../engine/truncation';
import { checkpoint, type ComputeContext } from '../util/jobContext';
import { invert } from './inversion';
import { cosineRows, discriminatorCritic, interpolateToward, meanProto, optimiseSigma, projectToSphere, protoimageSearch, PROTO_DEFAULTS } from './realism';

export const DEFAULT_PSIS = [1, 0.75, 0.5, 0.25, 0.1];
export const DEFAULT_SIGMAS = [0.01, 0.02, 0.03, 0.04, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5];
/** The authors' minibatch for both optimisations (a multiple of the discriminators' minibatch-stddev group, 4). */
export const REALISM_BATCH = 16;

export type RealismMethod = 'baseline' | 'truncation' | 'sigma' | 'improved';

export interface QualityRow {
  /** Probe Fréchet distance to real images (null where the caller has no real images, e.g. Fashion-MNIST in the browser). */
  frechet: number | null;
  /** Share read with confidence by the probe (null for a probe without classes). */
  confident: number | null;
  /** Mean over the probe's targets of generated sd / real sd (null for a probe without targets). */
  factorSpread: number | null;
}

export interface RealismRow extends QualityRow {
  method: RealismMethod;
  /** ψ, σ, or the mean optimised σ; null for the baseline. */
  param: number | null;
  /** Mean discriminator score, each image scored alone (so the batch statistic does not mix the rows). */
  meanD: number;
  /** Samples measured (the σ-optimised row and its own baseline may use fewer, `improveCount`). */
  count: number;
}

export interface RealismStudyOptions {
  count: number;
  seed: number;
  psis: number[];
  sigmas: number[];
  /** Also run the σ-optimised improvement. */
  improve: boolean;
  /**
   * Samples the σ-optimised row uses (the first ones; default all). Its cost is ≤ 100 gradient steps per batch of 16,
   * so with fewer a baseline row of the same samples is added: Fréchet distances are only comparable at equal N.
   */
  improveCount?: number;
  /** Samples whose protoimages make the mean p̄ (a multiple of 16 is best). */
  protoCount: number;
  inversionSteps: number;
  protoSteps: number;
  lambda: number;
}

export const STUDY_DEFAULTS: RealismStudyOptions = {
  count: 2000, seed: 1, psis: DEFAULT_PSIS, sigmas: DEFAULT_SIGMAS, improve: true, protoCount: 32, inversionSteps: 100, protoSteps: PROTO_DEFAULTS.steps, lambda: PROTO_DEFAULTS.lambda,
};

export type Measure = (images: Float32Array, count: number) => Promise<QualityRow>;

const CHUNK = 250;

/** Images of latents rows [count × zDim] through `g` (chunked), flat HWC float32. */
export async function imagesOf(g: Generator, z: ArrayLike<number>, count: number): Promise<Float32Array> {
  const [h, w, c] = g.outputShape;
  const out = new Float32Array(count * h * w * c);
  for (let i = 0; i < count; i += CHUNK) {
    const m = Math.min(CHUNK, count - i);
    const t = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(Array.prototype.slice.call(z, i * g.zDim, (i + m) * g.zDim) as number[]), [m, g.zDim]), 'z'));
    out.set(await t.data() as Float32Array, i * h * w * c);
    t.dispose();
  }
  return out;
}

/** Mean discriminator score, each image alone: batches padded to a prime size so the minibatch-stddev group is one image. */
export async function meanScoreAlone(g: Generator, images: Float32Array, count: number): Promise<number> {
  const d = g.discriminatorScore!;
  const [h, w, c] = g.outputShape;
  // With group size 4 and a batch of prime size p > 4 the layer's group is 1 (p % g ≠ 0 for g ∈ {2, 3, 4}).
  const P = 251;
  let sum = 0;
  for (let i = 0; i < count; i += P) {
    const m = Math.min(P, count - i);
    const t = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(i * h * w * c, (i + m) * h * w * c), [m, h, w, c]);
      const padded = m === P ? x : tf.concat([x, tf.zeros([P - m, h, w, c])], 0) as tf.Tensor4D;
      return tf.sum(d(padded).slice([0], [m]));
    });
    sum += (await t.data())[0];
    t.dispose();
  }
  return sum / count;
}

export interface ProtoSet {
  /** The samples' z (projected), their inverted ẑ and protoimage latents, [protoCount × zDim]. */
  z: Float64Array;
  recovered: Float64Array;
  protos: Float64Array;
  /** P(mean of the protos). */
  mean: Float64Array;
  /** The protoimage search's final loss per batch. */
  losses: number[];
}

/** Inverted latents ẑ of G(z) for each row of z (the paper's loss; `steps` Adam steps from the nearest of 256 prior samples). */
export async function recoveredLatents(g: Generator, z: Float64Array, count: number, steps: number, ctx?: ComputeContext): Promise<Float64Array> {
  const out = new Float64Array(count * g.zDim);
  for (let i = 0; i < count; i++) {
    await checkpoint(ctx);
    const target = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(z.subarray(i * g.zDim, (i + 1) * g.zDim)), [1, g.zDim]), 'z'));
    try {
      const r = await invert(g, target, { steps, candidates: 256, seed: 1000 + i }, { signal: ctx?.signal });
      out.set(r.latent, i * g.zDim);
    } finally {
      target.dispose();
    }
    ctx?.progress?.('inverting samples', i + 1, count);
  }
  return out;
}

/** Protoimages of the first `count` rows of z (batches of 16) and their mean p̄. */
export async function protoSet(g: Generator, z: Float64Array, count: number, o: Pick<RealismStudyOptions, 'inversionSteps' | 'protoSteps' | 'lambda'>, ctx?: ComputeContext): Promise<ProtoSet> {
  const n = g.zDim;
  const zs = projectToSphere(z.subarray(0, count * n), count, n);
  const recovered = await recoveredLatents(g, zs, count, o.inversionSteps, ctx);
  const protos = new Float64Array(count * n);
  const losses: number[] = [];
  const critic = discriminatorCritic(g);
  for (let s = 0; s < count; s += REALISM_BATCH) {
    const m = Math.min(REALISM_BATCH, count - s);
    const r = await protoimageSearch(critic, zs.subarray(s * n, (s + m) * n), recovered.subarray(s * n, (s + m) * n), m, n,
      { steps: o.protoSteps, lambda: o.lambda }, { signal: ctx?.signal, checkpoint: ctx?.checkpoint });
    protos.set(r.protos, s * n);
    losses.push(r.loss[r.loss.length - 1]);
    ctx?.progress?.('protoimage search', Math.min(count, s + m), count);
  }
  return { z: zs, recovered, protos, mean: meanProto(protos, count, n), losses };
}

export interface RealismStudy {
  rows: RealismRow[];
  /** The σ-optimised latents and σ of every sample (when `improve`), for regeneration checks and grids. */
  improved: { latents: Float64Array; sigmas: Float64Array } | null;
  protoMean: Float64Array;
  /** The protoimage latents of the first `protoCount` samples, [protoCount × zDim], and their search's final losses. */
  protos: Float64Array;
  protoLosses: number[];
  /** Mean cos(protoimage latent, its z) over the searched samples (the paper: protoimages lie at a large angle). */
  protoCosine: number;
  protoCount: number;
  notes: string[];
}

/**
 * The study on `g` (which must have a discriminator). `onRow` sees every row as it is measured (the job streams them).
 */
export async function realismStudy(g: Generator, options: Partial<RealismStudyOptions>, measure: Measure,
  ctx?: ComputeContext & { onRow?: (rows: RealismRow[]) => void }): Promise<RealismStudy> {
  const o = { ...STUDY_DEFAULTS, ...options };
  if (!g.discriminatorScore) throw new Error(`Model '${g.manifest.id}' ships no discriminator, and realism is read from the discriminator.`);
  if (!(Number.isInteger(o.count) && o.count >= 16 && o.count <= 50_000)) throw new Error(`The study takes 16 to 50,000 samples, got ${o.count}.`);
  if (!(Number.isInteger(o.protoCount) && o.protoCount >= 4 && o.protoCount <= o.count)) throw new Error(`Protoimages are searched for 4 to ${o.count} samples, got ${o.protoCount}.`);
  for (const p of o.psis) if (!(p > 0 && p <= 1)) throw new Error(`Each truncation ψ must lie in (0, 1], got ${p}.`);
  for (const s of o.sigmas) if (!(s >= 0 && s <= 1)) throw new Error(`Each σ must lie in [0, 1], got ${s}.`);
  const n = g.zDim;
  const z = Float64Array.from(g.samplePrior(o.seed, o.count));
  const rows: RealismRow[] = [];
  const notes: string[] = [];
  const add = async (method: RealismMethod, param: number | null, gen: Generator, latents: ArrayLike<number>, count = o.count) => {
    await checkpoint(ctx);
    const images = await imagesOf(gen, latents, count);
    const q = await measure(images, count);
    rows.push({ method, param, ...q, meanD: await meanScoreAlone(g, images, count), count });
    ctx?.onRow?.([...rows]);
  };
  await add('baseline', null, g, z);
  for (const psi of o.psis) {
    if (psi === 1) continue;
    if (g.isStyleBased) await add('truncation', psi, truncatedGenerator(g, psi), z);
    else await add('truncation', psi, g, z.map((v) => v * psi));
  }
  if (!g.isStyleBased) notes.push('Truncation scales z (ψ·z): this model takes z as it is.');
  else notes.push('Truncation in W (w̄ + ψ(w − w̄)): this model pixel-normalises z, so ψ·z would change nothing.');
  const proto = await protoSet(g, z, o.protoCount, o, ctx);
  notes.push(`p̄ = P(mean of ${o.protoCount} protoimage latents), each from a ${o.inversionSteps}-step inversion and a ≤${o.protoSteps}-step search (Λ ${o.lambda}, batches of ${REALISM_BATCH}).`);
  for (const s of o.sigmas) await add('sigma', s, g, interpolateToward(z, proto.mean, s, o.count, n));
  let improved: RealismStudy['improved'] = null;
  if (o.improve) {
    const m0 = o.improveCount ?? o.count;
    if (!(Number.isInteger(m0) && m0 >= 16 && m0 <= o.count)) throw new Error(`The σ-optimised row takes 16 to ${o.count} samples, got ${m0}.`);
    const latents = new Float64Array(m0 * n);
    const sigmas = new Float64Array(m0);
    const critic = discriminatorCritic(g);
    for (let s = 0; s < m0; s += REALISM_BATCH) {
      const m = Math.min(REALISM_BATCH, m0 - s);
      const r = await optimiseSigma(critic, z.subarray(s * n, (s + m) * n), proto.mean, m, n, {}, { signal: ctx?.signal, checkpoint: ctx?.checkpoint });
      latents.set(r.latents, s * n);
      sigmas.set(r.sigmas, s);
      ctx?.progress?.('σ optimisation', Math.min(m0, s + m), m0);
    }
    improved = { latents, sigmas };
    if (m0 < o.count) await add('baseline', null, g, z.subarray(0, m0 * n), m0);
    await add('improved', sigmas.reduce((a, b) => a + b, 0) / m0, g, latents, m0);
  }
  const protoCosine = cosineRows(proto.protos, proto.z, o.protoCount, n).reduce((a, b) => a + b, 0) / o.protoCount;
  return { rows, improved, protoMean: proto.mean, protos: proto.protos, protoLosses: proto.losses, protoCosine, protoCount: o.protoCount, notes };
}
