/**
 * Learned latent walks (Jahanian et al., paper 004 Eq. 1–2, A.1, A.4): a walk moves a latent so that the
 * generator's image follows edit(G(z), α) (steerEdits.ts).
 *
 * - Linear: z′ = z + Σᵢ α_g,i wᵢ (one w, three for colour), w ~ N(0, 0.1²) initially, minimising the masked L2
 *   E_z,α Σ mask·(G(z′) − edit(G(z), α))² / Σ mask — the authors' tf compute_weighted_loss — by Adam on batches
 *   of 4 fresh prior samples, each image with its own α draw (the authors draw one α per batch for the
 *   geometric edits; independent draws have the same expectation and vary the gradient more).
 * - Non-linear: f(z) = z + NN(z), NN a two-layer ReLU perceptron (width = dim, weights N(0, 0.05²), Keras'
 *   RandomNormal), then renormalised to the start's length (in Z; in W its distance from w̄); separate networks
 *   for the positive and negative directions, f composed |n| times for an edit of n fixed steps ε
 *   (n drawn uniformly from ±1…±N per batch; n = 0 has no gradient). The authors' reason for a fixed ε:
 *   G(z + α·NN(z)) with continuous α can only learn a z-independent NN (their A.3).
 * - Loss 'perceptual' (the paper's LPIPS, B.4.1): the project's LPIPS stand-in on the discriminator's features
 *   (distance/perceptual.ts) of mask·G(z′) and mask·target, as the authors mask both.
 *
 * Walks are plain JSON (SavedWalk): a direction list or the networks' weights, with what they were trained for.
 */
import * as tf from '@tensorflow/tfjs';
import { perceptualFeatures } from '../distance/perceptual';
import type { Generator } from '../model/generator';
import { checkpoint, type ComputeContext } from '../util/jobContext';
import { Rng } from '../util/random';
import { WALK_FORMAT, WALK_KINDS, STEER_LOSSES, checkSavedWalk, type MlpWeights, type SavedWalk, type SteerLoss, type WalkKind, type WalkSpace } from './savedWalk';
import { checkEdit, editTargets, feedOf, nonlinearAlpha, nonlinearStep, nonlinearStepsOf, sampleAlpha, slidersOf, type SteerEdit } from './steerEdits';

/** The authors' batch size is 4. */
export const STEER_BATCH = 4;
export const MAX_STEER_STEPS = 20_000;
export { WALK_FORMAT, WALK_KINDS, STEER_LOSSES, type MlpWeights, type SavedWalk, type SteerLoss, type WalkKind, type WalkSpace };

/** A saved walk read back for generator `g`: the one sentence that says what is wrong with it, or the walk. */
export function parseWalk(json: unknown, g?: Generator): SavedWalk {
  const w = checkSavedWalk(json);
  if (g) {
    if (w.dim !== walkDim(g, w.space)) throw new Error(`This walk is for a ${w.dim}-dimensional ${w.space.toUpperCase()}; '${g.manifest.id}' has ${walkDim(g, w.space)}.`);
    if (w.size !== g.outputShape[0]) throw new Error(`This walk was learned on ${w.size}-pixel images; '${g.manifest.id}' draws ${g.outputShape[0]}.`);
  }
  return w;
}

export interface SteerOptions {
  edit: SteerEdit;
  kind: WalkKind;
  space: WalkSpace;
  steps: number;
  lr: number;
  loss: SteerLoss;
  seed: number;
  batch: number;
  /** W space, non-linear walk: w̄ (the renormalisation centre). */
  centre?: Float32Array;
}

export const STEER_DEFAULTS: Omit<SteerOptions, 'edit' | 'kind' | 'space'> = { steps: 2000, lr: 1e-3, loss: 'l2', seed: 1, batch: STEER_BATCH };

export interface SteerStep {
  step: number;
  loss: number;
}

/** The dimension a walk lives in. */
export function walkDim(g: Generator, space: WalkSpace): number {
  if (space === 'z') return g.zDim;
  if (!g.isStyleBased || !g.wDim) throw new Error(`A walk in W needs a style-based model; '${g.manifest.id}' has only Z.`);
  return g.wDim;
}

/** Latents in the walk's space for prior samples z [count·zDim]. */
export function startLatents(g: Generator, space: WalkSpace, z: Float32Array, count: number): tf.Tensor2D {
  return tf.tidy(() => {
    const zt = tf.tensor2d(z, [count, g.zDim]);
    return space === 'z' ? zt : g.mapZ(zt);
  });
}

export function checkSteerOptions(g: Generator, o: SteerOptions): void {
  checkEdit(o.edit);
  if (!WALK_KINDS.includes(o.kind)) throw new Error(`The walk is 'linear' or 'nonlinear'; got '${String(o.kind).slice(0, 40)}'.`);
  if (o.space !== 'z' && o.space !== 'w') throw new Error(`The walk's space is 'z' or 'w'; got '${String(o.space).slice(0, 40)}'.`);
  walkDim(g, o.space);
  if (!(Number.isInteger(o.steps) && o.steps >= 1 && o.steps <= MAX_STEER_STEPS)) throw new Error(`Training takes 1 to ${MAX_STEER_STEPS} steps, got ${String(o.steps)}.`);
  if (!(typeof o.lr === 'number' && o.lr > 0 && o.lr <= 1)) throw new Error(`The learning rate must be in (0, 1], got ${String(o.lr)}.`);
  if (!(Number.isInteger(o.batch) && o.batch >= 1 && o.batch <= 64)) throw new Error(`The batch holds 1 to 64 samples, got ${String(o.batch)}.`);
  if (!STEER_LOSSES.includes(o.loss)) throw new Error(`The loss is 'l2' or 'perceptual'; got '${String(o.loss).slice(0, 40)}'.`);
  if (o.loss === 'perceptual' && !g.discriminatorFeatures) throw new Error(`The perceptual loss reads the model's discriminator, which '${g.manifest.id}' does not have; use 'l2'.`);
  const [h, w] = g.outputShape;
  if (o.edit === 'zoom' && h !== w) throw new Error(`Zoom edits square images; '${g.manifest.id}' draws ${h}×${w}.`);
  if (o.kind === 'nonlinear' && o.space === 'w' && (!o.centre || o.centre.length !== g.wDim)) throw new Error('A non-linear walk in W needs w̄, the centre it renormalises around.');
}

/** Masked loss of images against targets, per batch: Σ mask·(x − t)² / Σ mask, or the perceptual distance of the masked images. */
function maskedLoss(g: Generator, images: tf.Tensor4D, target: tf.Tensor4D, mask: tf.Tensor4D, loss: SteerLoss): tf.Scalar {
  if (loss === 'l2') return tf.div(tf.sum(tf.mul(mask, tf.square(tf.sub(images, target)))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  const a = perceptualFeatures(g.discriminatorFeatures!, tf.mul(images, mask) as tf.Tensor4D);
  const b = perceptualFeatures(g.discriminatorFeatures!, tf.mul(target, mask) as tf.Tensor4D);
  return tf.mean(tf.sum(tf.square(tf.sub(a, b)), 1)) as tf.Scalar;
}

/** The step nets and their application; tensors are variables while training, constants when applying a saved walk. */
interface StepNets { plus: tf.Tensor[]; minus: tf.Tensor[] }

function mlp(x: tf.Tensor2D, [w1, b1, w2, b2]: tf.Tensor[]): tf.Tensor2D {
  return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1)), w2 as tf.Tensor2D), b2) as tf.Tensor2D;
}

/** One step f(x) = x + NN(x), renormalised: ‖f − c‖ = ‖x − c‖ (c = 0 in Z, w̄ in W). */
function stepOnce(x: tf.Tensor2D, net: tf.Tensor[], centre: tf.Tensor | null): tf.Tensor2D {
  const rel = centre ? tf.sub(x, centre) : x;
  const moved = tf.add(rel, mlp(x, net));
  const scale = tf.div(tf.norm(rel, 'euclidean', 1, true), tf.maximum(tf.norm(moved, 'euclidean', 1, true), 1e-12));
  const out = tf.mul(moved, scale);
  return (centre ? tf.add(out, centre) : out) as tf.Tensor2D;
}

/** f composed |n| times, with the positive or negative network by n's sign. */
function compose(x: tf.Tensor2D, n: number, nets: StepNets, centre: tf.Tensor | null): tf.Tensor2D {
  let y = x;
  for (let i = 0; i < Math.abs(n); i++) y = stepOnce(y, n > 0 ? nets.plus : nets.minus, centre);
  return y;
}

function imageBatch(t: tf.Tensor4D): { data: Float32Array; b: number; h: number; w: number; c: number } {
  const [b, h, w, c] = t.shape;
  return { data: t.dataSync() as Float32Array, b, h, w, c };
}

/**
 * Adam (β = 0.9, 0.999, ε = 1e-8, bias-corrected) over a list of variables. Written out because tfjs 4.22's
 * AdamOptimizer leaves one tensor behind after dispose(), and a walk is trained again and again in a worker.
 */
class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  constructor(private readonly params: tf.Variable[], private readonly lr: number) {
    // tidy frees each initial value (a variable keeps its own copy).
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }
  /** One step on f's gradient; returns f's value (the caller disposes it). */
  step(f: () => tf.Scalar): tf.Scalar {
    this.t++;
    const { value, grads } = tf.variableGrads(f, this.params);
    const c1 = 1 - 0.9 ** this.t, c2 = 1 - 0.999 ** this.t;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const gr = grads[p.name];
        // A network the batch did not use (the − net on a + batch) has no gradient and no step.
        if (!gr) return;
        this.m[i].assign(tf.add(tf.mul(this.m[i], 0.9), tf.mul(gr, 0.1)));
        this.v[i].assign(tf.add(tf.mul(this.v[i], 0.999), tf.mul(tf.square(gr), 0.001)));
        const update = tf.div(tf.div(this.m[i], c1), tf.add(tf.sqrt(tf.div(this.v[i], c2)), 1e-8));
        p.assign(tf.sub(p, tf.mul(update, this.lr)));
      });
    });
    tf.dispose(Object.values(grads));
    return value;
  }
  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

export interface TrainResult {
  walk: SavedWalk;
  history: SteerStep[];
}

/**
 * Train a walk. `onStep` sees the loss every step and may return a promise (the job's progress and preview);
 * `ctx` cancels between steps. Deterministic for a seed on a backend. Leaves no tensor behind.
 */
export async function trainWalk(g: Generator, opts: Partial<SteerOptions> & Pick<SteerOptions, 'edit' | 'kind' | 'space'>, ctx?: ComputeContext,
  onStep?: (history: SteerStep[], current: () => SavedWalk) => void | Promise<void>): Promise<TrainResult> {
  const o: SteerOptions = { ...STEER_DEFAULTS, ...opts };
  checkSteerOptions(g, o);
  const dim = walkDim(g, o.space);
  const [size] = g.outputShape;
  const range = g.manifest.output.range;
  const k = slidersOf(o.edit);
  const rng = new Rng(o.seed);
  const normals = (n: number, sd: number) => Float32Array.from(rng.normals(n), (v) => v * sd);
  const variables: tf.Variable[] = [];
  let directions: tf.Variable | null = null;
  let nets: StepNets | null = null;
  const { eps, n: maxSteps } = nonlinearStep(o.edit, size);
  if (o.kind === 'linear') {
    directions = tf.tidy(() => tf.variable(tf.tensor2d(normals(k * dim, 0.1), [k, dim])));
    variables.push(directions);
  } else {
    const net = () => tf.tidy(() => [
      tf.variable(tf.tensor2d(normals(dim * dim, 0.05), [dim, dim])), tf.variable(tf.zeros([dim])),
      tf.variable(tf.tensor2d(normals(dim * dim, 0.05), [dim, dim])), tf.variable(tf.zeros([dim])),
    ]);
    nets = { plus: net(), minus: net() };
    variables.push(...(nets.plus as tf.Variable[]), ...(nets.minus as tf.Variable[]));
  }
  const centre = o.kind === 'nonlinear' && o.space === 'w' ? tf.tensor1d(o.centre!) : null;
  const adam = new Adam(variables, o.lr);
  const history: SteerStep[] = [];
  const snapshot = (finalLoss: number): SavedWalk => {
    const base = {
      format: WALK_FORMAT as typeof WALK_FORMAT, version: 1 as const, model: g.manifest.id, edit: o.edit, kind: o.kind, space: o.space, dim, size,
      training: { steps: history.length, lr: o.lr, loss: o.loss, seed: o.seed, finalLoss },
    };
    if (directions) {
      const rows = Array.from({ length: k }, (_, i) => Array.from(directions!.dataSync().subarray(i * dim, (i + 1) * dim)));
      return { ...base, directions: rows, ...(k === 1 ? { direction: rows[0] } : {}) };
    }
    const weights = (net: tf.Tensor[]): MlpWeights => {
      const [w1, b1, w2, b2] = net.map((t) => Array.from(t.dataSync()));
      return { w1, b1, w2, b2 };
    };
    return { ...base, eps, steps: maxSteps, plus: weights(nets!.plus), minus: weights(nets!.minus), ...(centre ? { centre: Array.from(o.centre!) } : {}) };
  };
  try {
    for (let step = 0; step < o.steps; step++) {
      await checkpoint(ctx);
      const z = g.samplePrior(o.seed * 100_003 + step + 1, o.batch);
      const start = startLatents(g, o.space, z, o.batch);
      const source = tf.tidy(() => g.generate(start, o.space));
      let alphas: number[][];
      let n = 0;
      if (o.kind === 'linear') {
        alphas = Array.from({ length: o.batch }, () => sampleAlpha(o.edit, size, rng));
      } else {
        n = (1 + rng.int(maxSteps)) * (rng.next() < 0.5 ? -1 : 1);
        alphas = Array.from({ length: o.batch }, () => nonlinearAlpha(o.edit, eps, n));
      }
      const { target, mask } = editTargets(o.edit, imageBatch(source), alphas, range);
      source.dispose();
      const shape = [o.batch, ...g.outputShape] as [number, number, number, number];
      const targetT = tf.tensor4d(target, shape), maskT = tf.tensor4d(mask, shape);
      const feeds = o.kind === 'linear' ? tf.tensor2d(alphas.map((a) => feedOf(o.edit, o.edit === 'color' ? a : a[0], size)), [o.batch, k]) : null;
      const cost = adam.step(() => {
        const latent = directions ? tf.add(start, tf.matMul(feeds!, directions)) as tf.Tensor2D : compose(start, n, nets!, centre);
        return maskedLoss(g, g.generate(latent, o.space), targetT, maskT, o.loss);
      });
      const value = (await cost.data())[0];
      tf.dispose([cost, start, targetT, maskT, ...(feeds ? [feeds] : [])]);
      if (!Number.isFinite(value)) throw new Error(`The walk's loss became ${value} at step ${step}: lower the learning rate.`);
      history.push({ step, loss: value });
      if (onStep) await onStep(history, () => snapshot(value));
    }
    return { walk: snapshot(history.at(-1)?.loss ?? NaN), history };
  } finally {
    adam.dispose();
    tf.dispose(variables);
    centre?.dispose();
  }
}

/** A requested α: a number (colour: the same offset on R, G and B, a change of brightness) or colour's three offsets. */
export type SteerAlpha = number | readonly number[];

function netsOf(walk: SavedWalk): StepNets {
  const net = (m: MlpWeights) => [tf.tensor2d(m.w1, [walk.dim, walk.dim]), tf.tensor1d(m.b1), tf.tensor2d(m.w2, [walk.dim, walk.dim]), tf.tensor1d(m.b2)];
  return { plus: net(walk.plus!), minus: net(walk.minus!) };
}

/** The scalar a non-linear walk steps by: α, or the mean of colour's three offsets (its walk changes brightness). */
const scalarOf = (a: SteerAlpha) => (typeof a === 'number' ? a : a.reduce((s, v) => s + v, 0) / a.length);

/**
 * Latents of a walk applied at `alphas` (target units) to starts [count, dim] in the walk's space:
 * [alphas.length · count, dim], α-major. A non-linear walk takes the nearest whole number of ε steps (also
 * beyond the N it was trained on).
 */
export function walkLatents(walk: SavedWalk, start: tf.Tensor2D, alphas: readonly SteerAlpha[]): tf.Tensor2D {
  return tf.tidy(() => {
    const count = start.shape[0];
    const out: tf.Tensor2D[] = [];
    if (walk.kind === 'linear') {
      const k = walk.directions!.length;
      const d = tf.tensor2d(walk.directions!.flat(), [k, walk.dim]);
      for (const a of alphas) out.push(tf.add(start, tf.matMul(tf.tensor2d(feedOf(walk.edit, a, walk.size), [1, k]), d)) as tf.Tensor2D);
    } else {
      const nets = netsOf(walk);
      const centre = walk.centre ? tf.tensor1d(walk.centre) : null;
      for (const a of alphas) out.push(compose(start, nonlinearStepsOf(walk.edit, walk.eps!, scalarOf(a)), nets, centre));
    }
    return (out.length === 1 ? out[0] : tf.concat(out, 0)).reshape([alphas.length * count, walk.dim]) as tf.Tensor2D;
  });
}

/** Images of a walk at `alphas` from prior samples z [count·zDim]: [alphas.length · count, H, W, C], α-major. */
export function walkImages(g: Generator, walk: SavedWalk, z: Float32Array, count: number, alphas: readonly SteerAlpha[]): tf.Tensor4D {
  return tf.tidy(() => {
    const start = startLatents(g, walk.space, z, count);
    return g.generate(walkLatents(walk, start, alphas), walk.space);
  });
}

/**
 * The walk's masked L2 on fixed draws — a held-out score, not the training estimate: prior samples z
 * [count·zDim] and one α per sample (target units; colour three).
 */
export function walkLoss(g: Generator, walk: SavedWalk, z: Float32Array, alphas: readonly (readonly number[])[]): number {
  const count = alphas.length;
  const source = tf.tidy(() => g.generate(startLatents(g, walk.space, z, count), walk.space));
  const [b, h, w, c] = source.shape;
  const { target, mask } = editTargets(walk.edit, { data: source.dataSync() as Float32Array, b, h, w, c }, alphas, g.manifest.output.range);
  source.dispose();
  const value = tf.tidy(() => {
    const start = startLatents(g, walk.space, z, count);
    const latents = tf.concat(alphas.map((a, i) => walkLatents(walk, start.slice([i, 0], [1, walk.dim]), [walk.edit === 'color' ? a : a[0]])), 0) as tf.Tensor2D;
    const images = g.generate(latents, walk.space);
    const shape = images.shape as [number, number, number, number];
    return maskedLoss(g, images, tf.tensor4d(target, shape), tf.tensor4d(mask, shape), 'l2');
  });
  const v = value.dataSync()[0];
  value.dispose();
  return v;
}
