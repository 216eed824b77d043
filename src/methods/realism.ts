/**
 * Realism from the discriminator (Wen et al., "Diamond in the rough", paper 003 §3.2–3.4, and the authors'
 * code jwen307/diamondintherough for what the paper leaves open). One implementation for the job kinds
 * `realism` and `realismSweep` (src/engine/realism.ts), `atlas realism` and `atlas walk`.
 *
 * - P(x) = x·√d/‖x‖ puts a latent on the sphere of radius √d, where a d-dimensional Normal's mass lies.
 *   Style models pixel-normalise z before their mapping (shapes-style, faces-style), so there P changes
 *   nothing the network sees: the walk is on the sphere the model already uses. The DCGANs (shapes-dcgan,
 *   fashion-dcgan) take z as it is, so P moves a sample to the sphere (Menon et al.'s projection).
 * - The hypersphere walk z_{k+1} = P(z_k + (z_k − z_{k−1})) from z_0 = z, z_1 = ẑ (the inverted latent).
 * - The protoimage search learns a per-sample vector a (ones at first) and steps y′ = P(y + (a·d)·d/‖d‖²),
 *   d = y − x, x ← y, y ← y′, minimising mean D(G(y′)) + Λ·mean cos(y′, z) by Adam (0.1, ×0.1 every 200
 *   steps, ≤ 501 steps, stop when |Δloss| < 10⁻⁴). The batch is scored together on purpose: the
 *   discriminator's minibatch-stddev layer gives a batch of look-alike protoimages a low score, which is
 *   what the mean-D term finds (scoring each image alone, as search.ts does, would remove that signal).
 * - The σ-optimised improvement z′ = P(σ·proto + (1 − σ)·z) minimises mean (D(G(z′)) − target)² over a
 *   per-sample σ (Adam 0.01 from 0.7, ≤ 100 steps, σ clamped to [0.5, 0.75] after each step); fixed σ is
 *   the same interpolation with σ given.
 *
 * The "critic" here is any differentiable batch score of latents, D∘G for a model (`discriminatorCritic`),
 * or an analytic stand-in in tests. Latents are flat row-major float64 arrays [count × dim].
 */
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { checkpoint, type ComputeContext } from '../util/jobContext';

/** Batch score of latents z [B, d] → [B], differentiable in z. Higher means "more real" for a discriminator. */
export type LatentCritic = (z: tf.Tensor2D) => tf.Tensor1D;

/** D(G(z)) of a model (through its mapping for a style model, and through a truncated view if given one). */
export function discriminatorCritic(g: Generator): LatentCritic {
  const d = g.discriminatorScore;
  if (!d) throw new Error(`Model '${g.manifest.id}' ships no discriminator, and realism is read from the discriminator.`);
  return (z) => d(g.generate(z, 'z'));
}

/** P(x) = x·√d/‖x‖ for each row of x [count × dim] (float64). A zero row has no direction and is refused. */
export function projectToSphere(x: ArrayLike<number>, count: number, dim: number): Float64Array {
  if (x.length !== count * dim) throw new Error(`Expected ${count} latents of ${dim} values, got ${x.length} values.`);
  const out = new Float64Array(count * dim);
  const r = Math.sqrt(dim);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[i * dim + j] ** 2;
    if (!(s > 0)) throw new Error(`Latent ${i} is zero and has no direction to project onto the sphere.`);
    const k = r / Math.sqrt(s);
    for (let j = 0; j < dim; j++) out[i * dim + j] = x[i * dim + j] * k;
  }
  return out;
}

/** P inside a tfjs graph (differentiable); rows [B, d]. */
export function projectTensor(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.div(Math.sqrt(x.shape[1]), tf.norm(x, 'euclidean', 1, true))) as tf.Tensor2D);
}

/**
 * The hypersphere walk: [z_0, z_1, …, z_steps] with z_0 = P(from), z_1 = P(to) and z_{k+1} = P(z_k + (z_k − z_{k−1})).
 * Every point lies on the great circle through z_0 and z_1; the angle per step shrinks (for a step of angle θ the
 * next is atan2(sin θ, 2 − cos θ)), so the walk slows down as it goes — the paper's "protoimages around the same
 * iteration" are reached at a bounded angle.
 */
export function hypersphereWalk(from: ArrayLike<number>, to: ArrayLike<number>, steps: number): Float64Array {
  const d = from.length;
  if (to.length !== d) throw new Error(`The walk's two latents differ in length (${d} and ${to.length}).`);
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= 1000)) throw new Error(`A walk takes 1 to 1000 steps, got ${steps}.`);
  const out = new Float64Array((steps + 1) * d);
  out.set(projectToSphere(from, 1, d), 0);
  out.set(projectToSphere(to, 1, d), d);
  for (let k = 1; k < steps; k++) {
    const next = new Float64Array(d);
    for (let j = 0; j < d; j++) next[j] = 2 * out[k * d + j] - out[(k - 1) * d + j];
    let s = 0;
    for (let j = 0; j < d; j++) s += next[j] ** 2;
    // z_k and z_{k−1} on the sphere at an angle below π make 2z_k − z_{k−1} non-zero; equal points stay put.
    out.set(s > 0 ? projectToSphere(next, 1, d) : out.subarray(k * d, (k + 1) * d), (k + 1) * d);
  }
  return out;
}

/** Cosine similarity of each row pair, float64. */
export function cosineRows(a: ArrayLike<number>, b: ArrayLike<number>, count: number, dim: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let ab = 0, aa = 0, bb = 0;
    for (let j = 0; j < dim; j++) {
      const x = a[i * dim + j], y = b[i * dim + j];
      ab += x * y; aa += x * x; bb += y * y;
    }
    out[i] = ab / Math.sqrt(aa * bb);
  }
  return out;
}

/** z′ = P(σ·proto + (1 − σ)·z) per row; `proto` is one row per latent, or a single row (a mean protoimage) for all. */
export function interpolateToward(z: ArrayLike<number>, proto: ArrayLike<number>, sigma: number | ArrayLike<number>, count: number, dim: number): Float64Array {
  if (proto.length !== dim && proto.length !== count * dim) throw new Error(`The protoimage latents must be one or ${count} rows of ${dim} values.`);
  const mix = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    const s = typeof sigma === 'number' ? sigma : sigma[i];
    if (!Number.isFinite(s)) throw new Error(`σ must be a number, got ${s}.`);
    const p = proto.length === dim ? 0 : i * dim;
    for (let j = 0; j < dim; j++) mix[i * dim + j] = s * proto[p + j] + (1 - s) * z[i * dim + j];
  }
  return projectToSphere(mix, count, dim);
}

/** P of the mean of the protoimage latents: the authors' shortcut for many samples (paper 003 §S5). */
export function meanProto(protos: ArrayLike<number>, count: number, dim: number): Float64Array {
  const m = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) m[j] += protos[i * dim + j] / count;
  return projectToSphere(m, 1, dim);
}

/** Adam on a float64 parameter vector, in place (β 0.9 / 0.999, ε 1e-8, as PyTorch's defaults). */
class Adam {
  private m1: Float64Array;
  private m2: Float64Array;
  private t = 0;
  constructor(readonly size: number) {
    this.m1 = new Float64Array(size);
    this.m2 = new Float64Array(size);
  }
  step(x: Float64Array, grad: ArrayLike<number>, lr: number): void {
    this.t++;
    const [b1, b2, e] = [0.9, 0.999, 1e-8];
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    for (let i = 0; i < x.length; i++) {
      this.m1[i] = b1 * this.m1[i] + (1 - b1) * grad[i];
      this.m2[i] = b2 * this.m2[i] + (1 - b2) * grad[i] * grad[i];
      x[i] -= (lr * (this.m1[i] / c1)) / (Math.sqrt(this.m2[i] / c2) + e);
    }
  }
}

export interface ProtoOptions {
  /** Λ, the weight of the cosine term (paper: 3 for PGAN CelebA, 5 church, 10 CelebA-HQ). */
  lambda: number;
  lr: number;
  steps: number;
  decayEvery: number;
  decayFactor: number;
  /** Stop when |Δloss| falls below this (the authors' 10⁻⁴). */
  tol: number;
}

export const PROTO_DEFAULTS: ProtoOptions = { lambda: 3, lr: 0.1, steps: 501, decayEvery: 200, decayFactor: 0.1, tol: 1e-4 };

export interface ProtoResult {
  /** The protoimage latents, [count × dim], on the sphere. */
  protos: Float64Array;
  /** The loss at every step taken (mean D + Λ·mean cos). */
  loss: number[];
  /** The batch's D scores and cos(proto, z) at the protoimages (the batch scored together). */
  scores: Float64Array;
  cosines: Float64Array;
  steps: number;
}

/**
 * The protoimage search (paper 003 Alg. 1, Eq. 6–7) on one batch: `original` are the z of the samples,
 * `recovered` their inverted ẑ (the first direction is ẑ − z). The whole batch is one critic call.
 */
export async function protoimageSearch(critic: LatentCritic, original: ArrayLike<number>, recovered: ArrayLike<number>, count: number, dim: number,
  options: Partial<ProtoOptions> = {}, ctx?: ComputeContext): Promise<ProtoResult> {
  const o = { ...PROTO_DEFAULTS, ...options };
  if (original.length !== count * dim || recovered.length !== count * dim) throw new Error(`The protoimage search takes ${count} latents of ${dim} values and as many inverted ones.`);
  if (!(Number.isInteger(o.steps) && o.steps >= 1 && o.steps <= 5000)) throw new Error(`The protoimage search takes 1 to 5000 steps, got ${o.steps}.`);
  if (!(o.lambda >= 0 && Number.isFinite(o.lambda))) throw new Error(`Λ must be a number ≥ 0, got ${o.lambda}.`);
  let x = Float64Array.from(original);
  let y = Float64Array.from(recovered);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (y[i * dim + j] - x[i * dim + j]) ** 2;
    if (!(s > 0)) throw new Error(`Latent ${i}'s inverted latent equals it, so there is no direction to walk.`);
  }
  const a = new Float64Array(count * dim).fill(1);
  const adam = new Adam(a.length);
  const z0 = tf.tensor2d(Float32Array.from(original), [count, dim]);
  const loss: number[] = [];
  let last = y;
  let old = 0;
  try {
    for (let step = 0; step < o.steps; step++) {
      await checkpoint(ctx);
      let ynewT!: tf.Tensor2D;
      const { value, grads } = tf.tidy(() => {
        const xt = tf.tensor2d(Float32Array.from(x), [count, dim]);
        const yt = tf.tensor2d(Float32Array.from(y), [count, dim]);
        const diff = tf.sub(yt, xt);
        const unit = tf.div(diff, tf.sum(tf.square(diff), 1, true));
        const f = (av: tf.Tensor) => {
          const ynew = projectTensor(tf.add(yt, tf.mul(tf.sum(tf.mul(av, diff), 1, true), unit)) as tf.Tensor2D);
          ynewT = tf.keep(ynew.clone());
          const cos = tf.div(tf.sum(tf.mul(ynew, z0), 1), tf.mul(tf.norm(ynew, 'euclidean', 1), tf.norm(z0, 'euclidean', 1)));
          return tf.add(tf.mean(critic(ynew)), tf.mul(o.lambda, tf.mean(cos))) as tf.Scalar;
        };
        const r = tf.valueAndGrad(f)(tf.tensor2d(Float32Array.from(a), [count, dim]));
        return { value: r.value, grads: r.grad };
      });
      const [lv, gv, yv] = await Promise.all([value.data(), grads.data(), ynewT.data()]);
      tf.dispose([value, grads, ynewT]);
      const l = lv[0];
      if (!Number.isFinite(l)) throw new Error(`The protoimage loss became ${l} at step ${step}.`);
      loss.push(l);
      last = Float64Array.from(yv);
      ctx?.progress?.('protoimage search', step + 1, o.steps);
      if (Math.abs(l - old) < o.tol) break;
      old = l;
      adam.step(a, gv, o.lr * o.decayFactor ** Math.floor(step / o.decayEvery));
      x = y;
      y = last;
    }
    const protos = projectToSphere(last, count, dim);
    const scoresT = tf.tidy(() => critic(tf.tensor2d(Float32Array.from(protos), [count, dim])));
    const scores = Float64Array.from(await scoresT.data());
    scoresT.dispose();
    return { protos, loss, scores, cosines: cosineRows(protos, original, count, dim), steps: loss.length };
  } finally {
    z0.dispose();
  }
}

export interface SigmaOptions {
  lr: number;
  steps: number;
  /** The initial σ (paper: 0.7). */
  start: number;
  min: number;
  max: number;
  /** The score the loss pulls D towards: the middle ground between real and poor samples (0 for a logit critic). */
  target: number;
  tol: number;
}

export const SIGMA_DEFAULTS: SigmaOptions = { lr: 0.01, steps: 100, start: 0.7, min: 0.5, max: 0.75, target: 0, tol: 1e-4 };

export interface SigmaResult {
  /** The improved latents P(σ·proto + (1 − σ)·z) at the final σ, [count × dim]. */
  latents: Float64Array;
  sigmas: Float64Array;
  loss: number[];
  /** The batch's D scores at the improved latents (scored together, as optimised). */
  scores: Float64Array;
  steps: number;
}

/**
 * The σ-optimised improvement (paper 003 Eq. 8–9): per-sample σ minimising mean (D(G(P(σ·proto + (1 − σ)·z))) − target)²,
 * clamped to [min, max] after every step (the authors' projection; §S5 "bounds on σ").
 */
export async function optimiseSigma(critic: LatentCritic, z: ArrayLike<number>, proto: ArrayLike<number>, count: number, dim: number,
  options: Partial<SigmaOptions> = {}, ctx?: ComputeContext): Promise<SigmaResult> {
  const o = { ...SIGMA_DEFAULTS, ...options };
  if (!(o.min <= o.max && o.start >= o.min && o.start <= o.max)) throw new Error(`σ starts at ${o.start}, which must lie in [${o.min}, ${o.max}].`);
  if (!(Number.isInteger(o.steps) && o.steps >= 0 && o.steps <= 5000)) throw new Error(`The σ optimisation takes 0 to 5000 steps, got ${o.steps}.`);
  if (z.length !== count * dim || (proto.length !== dim && proto.length !== count * dim)) throw new Error(`σ is optimised for ${count} latents of ${dim} values and one protoimage latent each (or one for all).`);
  const sigmas = new Float64Array(count).fill(o.start);
  const adam = new Adam(count);
  const zt = tf.tensor2d(Float32Array.from(z), [count, dim]);
  const pt = proto.length === dim ? tf.tensor2d(Float32Array.from(proto), [1, dim]) : tf.tensor2d(Float32Array.from(proto), [count, dim]);
  const at = (s: tf.Tensor) => projectTensor(tf.add(tf.mul(s, pt), tf.mul(tf.sub(1, s), zt)) as tf.Tensor2D);
  const lossOf = (s: tf.Tensor) => tf.mean(tf.square(tf.sub(critic(at(s)), o.target))) as tf.Scalar;
  const loss: number[] = [];
  let old = 0;
  try {
    for (let step = 0; step < o.steps; step++) {
      await checkpoint(ctx);
      const { value, grad } = tf.tidy(() => tf.valueAndGrad(lossOf)(tf.tensor2d(Float32Array.from(sigmas), [count, 1])));
      const [lv, gv] = await Promise.all([value.data(), grad.data()]);
      tf.dispose([value, grad]);
      const l = lv[0];
      if (!Number.isFinite(l)) throw new Error(`The σ loss became ${l} at step ${step}.`);
      loss.push(l);
      ctx?.progress?.('σ optimisation', step + 1, o.steps);
      if (Math.abs(l - old) < o.tol) break;
      old = l;
      adam.step(sigmas, gv, o.lr);
      for (let i = 0; i < count; i++) sigmas[i] = Math.min(o.max, Math.max(o.min, sigmas[i]));
    }
    const latents = interpolateToward(z, proto, sigmas, count, dim);
    const scoresT = tf.tidy(() => critic(tf.tensor2d(Float32Array.from(latents), [count, dim])));
    const scores = Float64Array.from(await scoresT.data());
    scoresT.dispose();
    return { latents, sigmas, loss, scores, steps: loss.length };
  } finally {
    tf.dispose([zt, pt]);
  }
}
