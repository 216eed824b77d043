/**
 * The realism jobs (orchestration; the math is src/methods/realism.ts and realismStudy.ts), with their request and
 * result types (the app imports them as types only):
 * - `realism`: the current latent with companion prior samples (one batch: the minibatch-stddev layer needs
 *   one) → inverted latents → protoimages → per-sample σ-optimised improvement; the current sample's original,
 *   protoimage and improved images with discriminator scores, and the hypersphere walk from z through ẑ;
 * - `realismBlend`: P(σ·proto + (1 − σ)·z) at one σ (the panel's slider), image and score;
 * - `realismSweep`: the quality-vs-diversity study (baseline, truncation ψ, σ toward the mean protoimage,
 *   σ-optimised), streaming its rows. Quality is the probe's: Fréchet distance of its `features` layer to
 *   renders of the model's procedural data (shapes, faces; Fashion-MNIST is not in the browser, so there
 *   it is left out — `atlas realism` measures it), share read confidently, factor spread.
 */
import * as tf from '@tensorflow/tfjs';
import { facesBatch } from '../data/faces';
import { shapesBatch } from '../data/shapes';
import { fitGaussian, frechetDistance, type Gaussian } from '../linalg/frechet';
import { invert } from '../methods/inversion';
import { cosineRows, discriminatorCritic, hypersphereWalk, interpolateToward, optimiseSigma, projectToSphere, protoimageSearch } from '../methods/realism';
import { DEFAULT_PSIS, DEFAULT_SIGMAS, realismStudy, type QualityRow, type RealismRow } from '../methods/realismStudy';
import type { Generator } from '../model/generator';
import type { Probe } from '../model/probe';
import { readProbeRows } from '../model/probeReading';
import type { JobContext, JobResources } from './jobContext';
import { zOf } from './latent';
import { checkInt, checkSeed } from './requests';
import { atTruncation, truncatedGenerator } from './truncation';
import type { LatentSpec } from './types';

export interface RealismRequest {
  latent: LatentSpec;
  /** Prior samples searched together with it (default 7: a batch of 8, two minibatch-stddev groups of 4). */
  companions?: number;
  seed?: number;
  /** Adam steps of each inversion ẑ (default 50; the paper's 501 from 1,000 candidates is left to the CLI). */
  inversionSteps?: number;
  /** Protoimage search steps (≤ 501, the paper's; it stops earlier when |Δloss| < 10⁻⁴). */
  protoSteps?: number;
  lambda?: number;
  walkSteps?: number;
}

export interface RealismResult {
  width: number;
  height: number;
  z: number[];
  recovered: number[];
  proto: number[];
  improved: number[];
  sigma: number;
  originalRgba: Uint8ClampedArray;
  protoRgba: Uint8ClampedArray;
  improvedRgba: Uint8ClampedArray;
  /** Discriminator scores of the current sample's three images, each scored alone. */
  scores: { original: number; proto: number; improved: number };
  /** Mean scores of the whole batch scored together (as optimised: the minibatch-stddev statistic included). */
  batchScores: { original: number; proto: number; improved: number };
  /** cos(proto, z) of the current sample (the paper: protoimages lie at a large angle). */
  protoCosine: number;
  protoLoss: number[];
  sigmaLoss: number[];
  /** The hypersphere walk from z through ẑ: RGBA frame after frame, each frame's score alone, the probe's reading. */
  walk: { frames: number; rgba: Uint8ClampedArray; scores: number[]; reading: string[] | null };
  batch: number;
  notes: string[];
  ms: number;
}

export interface RealismBlendRequest {
  z: number[];
  proto: number[];
  sigma: number;
  /** The view's ψ (style models: the same truncated view the realism job used). */
  truncation?: number;
}

export interface RealismBlendResult {
  sigma: number;
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  score: number;
}

export interface RealismSweepRequest {
  count: number;
  seed?: number;
  psis?: number[];
  sigmas?: number[];
  improveCount?: number;
  protoCount?: number;
  inversionSteps?: number;
  protoSteps?: number;
}

export interface RealismSweepResult {
  rows: RealismRow[];
  /** What the Fréchet distance is measured against ('shapes renders', 'faces renders'), or why it is missing. */
  reference: string;
  /** Fréchet distance of a second set of real images of the same size (the floor). */
  floor: number | null;
  notes: string[];
  ms: number;
}

/** What a running sweep streams: its rows so far. */
export interface RealismSweepPartial { rows: RealismRow[] }

export const MAX_REALISM_SWEEP = 5000;

async function rgbaOf(g: Generator, z: ArrayLike<number>, count = 1): Promise<Uint8ClampedArray> {
  const image = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(z), [count, g.zDim]), 'z'));
  try {
    return await g.toRGBA(image);
  } finally {
    image.dispose();
  }
}

/** Scores of `count` latents, each alone (batch 1: the minibatch-stddev group is the image itself). */
async function scoresAlone(g: Generator, z: ArrayLike<number>, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = tf.tidy(() => g.discriminatorScore!(g.generate(tf.tensor2d(Float32Array.from(Array.prototype.slice.call(z, i * g.zDim, (i + 1) * g.zDim) as number[]), [1, g.zDim]), 'z')));
    out.push((await t.data())[0]);
    t.dispose();
  }
  return out;
}

async function meanBatchScore(g: Generator, z: ArrayLike<number>, count: number): Promise<number> {
  const t = tf.tidy(() => tf.mean(discriminatorCritic(g)(tf.tensor2d(Float32Array.from(z), [count, g.zDim]))));
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

/** The probe's top class per image ("square 97 %"), or null without classes. */
async function readings(probe: Probe, g: Generator, z: ArrayLike<number>, count: number): Promise<string[] | null> {
  const layout = probe.manifest.layout;
  const group = layout.categorical[0];
  if (!group) return null;
  const t = tf.tidy(() => tf.softmax(probe.apply(g.generate(tf.tensor2d(Float32Array.from(z), [count, g.zDim]), 'z')).slice([0, group.offset], [-1, group.classes.length])));
  const p = await t.data();
  t.dispose();
  const k = group.classes.length;
  return Array.from({ length: count }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    return `${group.classes[best]} ${Math.round(100 * p[i * k + best])} %`;
  });
}

export async function computeRealism(g0: Generator, req: RealismRequest, ctx: JobContext, resources: JobResources): Promise<RealismResult> {
  const t0 = performance.now();
  if (!g0.discriminatorScore) throw new Error(`Model '${g0.manifest.id}' ships no discriminator, and realism is read from the discriminator.`);
  const companions = checkInt(req.companions ?? 7, 3, 31, 'The number of companion samples');
  const inversionSteps = checkInt(req.inversionSteps ?? 50, 1, 501, 'The number of inversion steps');
  const protoSteps = checkInt(req.protoSteps ?? 501, 1, 501, 'The number of protoimage steps');
  const walkSteps = checkInt(req.walkSteps ?? 10, 1, 40, 'The number of walk steps');
  const lambda = req.lambda ?? 3;
  if (!(typeof lambda === 'number' && lambda >= 0 && lambda <= 100)) throw new Error('Λ must be a number in [0, 100].');
  const seed = checkSeed(req.seed ?? 7919);
  const { g, latent } = atTruncation(g0, req.latent);
  const n = g.zDim, B = companions + 1;
  const z = new Float64Array(B * n);
  z.set(projectToSphere(zOf(g, latent), 1, n), 0);
  z.set(projectToSphere(g.samplePrior(seed, companions), companions, n), n);
  const notes: string[] = [
    g.isStyleBased ? 'This model pixel-normalises z, so P changes nothing it sees.' : 'This model takes z as it is: the sample is moved to the sphere of radius √d first.',
    `Batch of ${B}: this sample and ${companions} prior samples (seed ${seed}), scored together in the protoimage search.`,
  ];
  const psi = req.latent && typeof req.latent === 'object' && 'truncation' in req.latent ? req.latent.truncation ?? 1 : 1;
  if (!g0.isStyleBased && psi !== 1) notes.push(`Truncation ψ ${psi} scales z, and P puts z back on the sphere: this starts from the untruncated sample.`);
  const recovered = new Float64Array(B * n);
  for (let i = 0; i < B; i++) {
    await ctx.checkpoint();
    const target = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(z.subarray(i * n, (i + 1) * n)), [1, n]), 'z'));
    try {
      const r = await invert(g, target, { steps: inversionSteps, candidates: 128, seed: 100 + i }, { signal: ctx.signal, checkpoint: ctx.checkpoint });
      recovered.set(r.latent, i * n);
    } finally {
      target.dispose();
    }
    ctx.progress('inverting the batch', i + 1, B);
  }
  const critic = discriminatorCritic(g);
  const proto = await protoimageSearch(critic, z, recovered, B, n, { steps: protoSteps, lambda }, ctx);
  const sigma = await optimiseSigma(critic, z, proto.protos, B, n, {}, ctx);
  const one = (a: Float64Array) => Array.from(a.subarray(0, n));
  const [orig, pr, imp] = [one(z), one(proto.protos), one(sigma.latents)];
  const alone = await scoresAlone(g, [...orig, ...pr, ...imp], 3);
  const walkZ = hypersphereWalk(orig, one(recovered), walkSteps);
  const [height, width] = g.outputShape;
  let reading: string[] | null = null;
  try {
    reading = await readings(await resources.probe(), g, walkZ, walkSteps + 1);
  } catch {
    notes.push('No probe reading along the walk: the model\'s probe is not available.');
  }
  return {
    width, height, z: orig, recovered: one(recovered), proto: pr, improved: imp, sigma: sigma.sigmas[0],
    originalRgba: await rgbaOf(g, orig), protoRgba: await rgbaOf(g, pr), improvedRgba: await rgbaOf(g, imp),
    scores: { original: alone[0], proto: alone[1], improved: alone[2] },
    batchScores: { original: await meanBatchScore(g, z, B), proto: await meanBatchScore(g, proto.protos, B), improved: await meanBatchScore(g, sigma.latents, B) },
    protoCosine: cosineRows(pr, orig, 1, n)[0], protoLoss: proto.loss, sigmaLoss: sigma.loss,
    walk: { frames: walkSteps + 1, rgba: await rgbaOf(g, walkZ, walkSteps + 1), scores: await scoresAlone(g, walkZ, walkSteps + 1), reading },
    batch: B, notes, ms: performance.now() - t0,
  };
}

export async function computeRealismBlend(g0: Generator, req: RealismBlendRequest): Promise<RealismBlendResult> {
  const n = g0.zDim;
  const ok = (v: unknown): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!ok(req.z) || !ok(req.proto)) throw new Error(`The blend takes z and proto of ${n} finite numbers each.`);
  if (!(typeof req.sigma === 'number' && req.sigma >= 0 && req.sigma <= 1)) throw new Error('σ must be a number in [0, 1].');
  if (!g0.discriminatorScore) throw new Error(`Model '${g0.manifest.id}' ships no discriminator.`);
  const psi = req.truncation ?? 1;
  const g = psi === 1 ? g0 : truncatedGenerator(g0, psi);
  const z = interpolateToward(req.z, req.proto, req.sigma, 1, n);
  const [height, width] = g.outputShape;
  return { sigma: req.sigma, rgba: await rgbaOf(g, z), width, height, score: (await scoresAlone(g, z, 1))[0] };
}

/** The probe's quality figures against renders of the model's procedural data, in the worker. */
async function workerMeasure(g: Generator, probe: Probe | null, count: number): Promise<{ measure: (images: Float32Array, n: number) => Promise<QualityRow>; reference: string; floor: number | null }> {
  if (!probe) return { measure: async () => ({ frechet: null, confident: null, factorSpread: null }), reference: 'no probe: quality figures are left out', floor: null };
  const id = probe.manifest.id;
  const [h, w, c] = g.outputShape;
  const render = id.startsWith('shapes') ? shapesBatch : id.startsWith('faces') ? facesBatch : null;
  const layout = probe.manifest.layout;
  const apply = async (f: (x: tf.Tensor4D) => tf.Tensor2D, images: Float32Array, m: number) => {
    const t = tf.tidy(() => f(tf.tensor4d(images, [m, h, w, c])));
    const v = await t.data();
    t.dispose();
    return v;
  };
  const gaussian = async (images: Float32Array, m: number): Promise<Gaussian> => {
    const f = await apply(probe.features!, images, m);
    return fitGaussian(f, m, f.length / m);
  };
  let real: Gaussian | null = null, floor: number | null = null, realStds: number[] | null = null;
  if (render && probe.features) {
    const a = render(77, count, h).images, b = render(78, count, h).images;
    real = await gaussian(a, count);
    floor = frechetDistance(real, await gaussian(b, count));
    realStds = readProbeRows(await apply(probe.apply, a, count), count, layout).factorStds;
  }
  const T = layout.targets.length;
  return {
    reference: real ? `${id.startsWith('shapes') ? 'shapes' : 'faces'} renders` : 'Fashion-MNIST is not in the browser: atlas realism measures its Fréchet distance',
    floor,
    measure: async (images, m) => {
      const read = readProbeRows(await apply(probe.apply, images, m), m, layout);
      return {
        frechet: real ? frechetDistance(real, await gaussian(images, m)) : null,
        confident: layout.categorical.length > 0 ? read.confident : null,
        factorSpread: T > 0 && realStds ? read.factorStds.reduce((s, v, j) => s + v / Math.max(realStds![j], 1e-9), 0) / T : null,
      };
    },
  };
}

export async function computeRealismSweep(g: Generator, req: RealismSweepRequest, ctx: JobContext, resources: JobResources): Promise<RealismSweepResult> {
  const t0 = performance.now();
  const count = checkInt(req.count, 16, MAX_REALISM_SWEEP, 'The number of samples');
  const improveCount = checkInt(req.improveCount ?? Math.min(count, 64), 16, count, 'The number of σ-optimised samples');
  const protoCount = checkInt(req.protoCount ?? 16, 4, count, 'The number of protoimages');
  const nums = (v: unknown, fallback: number[], what: string) => {
    if (v === undefined) return fallback;
    if (!Array.isArray(v) || v.length > 20 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`${what} must be a list of up to 20 numbers.`);
    return v as number[];
  };
  let probe: Probe | null = null;
  const notes: string[] = [];
  try {
    ctx.progress('loading the probe', 0, 1);
    probe = await resources.probe();
  } catch (e) {
    notes.push(`No probe (${(e as Error).message}): only discriminator scores.`);
  }
  const q = await workerMeasure(g, probe, count);
  const study = await realismStudy(g, {
    count, seed: checkSeed(req.seed ?? 1), psis: nums(req.psis, DEFAULT_PSIS, 'The truncation ψ'), sigmas: nums(req.sigmas, DEFAULT_SIGMAS, 'The σ values'),
    improve: true, improveCount, protoCount,
    inversionSteps: checkInt(req.inversionSteps ?? 30, 1, 501, 'The number of inversion steps'), protoSteps: checkInt(req.protoSteps ?? 501, 1, 501, 'The number of protoimage steps'),
  }, q.measure, {
    signal: ctx.signal, checkpoint: ctx.checkpoint,
    progress: (phase, done, total) => ctx.progress(phase, done, total),
    onRow: (rows) => ctx.progress('measuring', rows.length, 0, { rows } satisfies RealismSweepPartial),
  });
  return { rows: study.rows, reference: q.reference, floor: q.floor, notes: [...notes, ...study.notes], ms: performance.now() - t0 };
}
