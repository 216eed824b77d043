/**
 * The metric tensor of a generator's latent space at one latent (Wang & Ponce 2021, Eq. 1–4): the
 * Hessian H of d²(G(z₀), G(z)) at z = z₀ for an image distance d (src/distance), eigen-decomposed.
 * In Gauss–Newton form H = Jᵀ M J with J = ∂φ(G(z))/∂z (M = I for mse and perceptual), so:
 *
 * - `exact`: the n columns J eᵢ, then H = Jᵀ(MJ) in float64 and a dense eigen-decomposition. The columns
 *   come by forward mode (src/model/forward: all directions of a chunk pushed through the layers in one
 *   batched pass; `jvp: 'forward'`, the default when the model and distance support it), or by the
 *   batched double-VJP trick (`jvp: 'double-vjp'`, as jacobian.ts's jacobianExact, three passes and
 *   second derivatives of every op). Layers without a forward rule are pushed by their own local
 *   derivatives and listed in the result's `fallbacks`.
 * - `fd`: the same with central differences (ε = relEps·max(‖z₀‖, 1), as jacobianFD, but per style vector
 *   in W+ and with a smaller default relEps, see DEFAULT_REL_EPS): needs only first derivatives, so it
 *   also works for models that are not twice differentiable in tfjs.
 * - `lanczos`: the top k only, by Lanczos (src/linalg/lanczos.ts) on the products H v = Jᵀ M J v.
 * - `bp`: the paper's "full backprop" baseline: H eᵢ by differentiating the scalar d² twice (hvp.ts).
 *
 * errorEstimate, relative to λ₁, what each method can honestly say about itself:
 * - bp, lanczos: max over the returned top pairs (at most 10 for bp, all k for lanczos) of the residual
 *   ‖H v − λ v‖ / λ₁, with H v re-evaluated by one batched `hvp`. It is the float32 round-off actually
 *   incurred (≈1e-7…1e-6; an a-priori bound would be loose by orders of magnitude) and, for Lanczos,
 *   also the unconverged part. For symmetric H it bounds each eigenvalue's error.
 * - exact: the residuals rᵢ = Jᵀ(M J vᵢ) − λᵢ vᵢ of the top (≤ 10) pairs, with J vᵢ from the stored
 *   forward-mode columns and Jᵀ by a reverse-mode VJP (two independent routes through the network), in
 *   one random combination: ‖Σᵢ cᵢ rᵢ‖/‖c‖ for Gaussian c, / λ₁. It never exceeds the root-sum-square of
 *   the residuals (it lies between the extreme singular values of the matrix [r₁ … r_r]) and its square's
 *   expectation is about their mean square, at the cost of one batch-1 backward pass instead of a
 *   batch-10 one. A wrong forward rule gives residuals of the order of λ₁ in almost every combination,
 *   so one draw is enough to catch it.
 *   It still costs a quarter to a third of a 32-d model's metric (the backward pass is 2–3 forward passes of
 *   one image), so callers that discard it (sweeps, averages, likelihood steps) pass `check: false`.
 * - fd: max over the top (≤ 10) eigenpairs of |‖J_{ε/2} v‖²_M − λ| / λ₁, where J_{ε/2} v is a central
 *   difference along v with half the step: the change between step sizes estimates the truncation
 *   plus round-off error of the finite differences (order of magnitude, not a bound). Uses no second
 *   derivatives, like fd itself.
 *
 * With `check: false` no check runs (for any method) and errorEstimate is null.
 *
 * Cancellation: the AbortSignal is checked between chunks (and Lanczos products), after yielding to the
 * event loop so that an abort sent by another task can arrive. No tensor outlives the call.
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance, type AnchoredDistance, type DistanceName } from '../distance';
import { eigh } from '../linalg/eigh';
import { lanczos } from '../linalg/lanczos';
import type { Generator, LatentSpace } from '../model/generator';
import { applyRows, hvp, hvpBackprop, hvpOperator, jvp, jvpFD, vjp, type Linearisation } from './hvp';
import { linearisation, type JvpMode } from './linearisation';
import { Rng } from '../util/random';
import type { ForwardFallback } from '../model/forward/dual';

/**
 * fd step, relative to max(‖latent‖, 1) (per style vector in W+). Smaller than the smooth-function optimum (≈ u^⅓ ≈ 5e-3 in
 * float32) because our generators are piecewise linear (leaky ReLU): a step that straddles a kink
 * averages two slopes, an error that shrinks only like √ε (measured on shapes-style: Jacobian error
 * 2.9e-2 at 1e-3, 3.6e-3 at 1e-4, and Richardson extrapolation does not help). Below ~1e-4 float32
 * round-off (∝ u/ε) takes over again. At 1e-4 the top-10 eigenvalues are within 5e-4…4e-3·λ₁ of exact on the
 * bundled models, but up to 2.5e-2·λ₁ at a latent whose neighbourhood is dense with kinks (shapes-style's class-balanced
 * weights, seed 1); no single step does better everywhere (3e-5 fixes that latent, 2e-3·λ₁, and costs the smallest
 * eigenvalues up to 7e-2 of themselves elsewhere). Use `exact` or `lanczos` when the digits matter.
 */
export const DEFAULT_REL_EPS = 1e-4;

/**
 * Directions per batch. Forward mode holds k tangent copies of each activation (one pass), the double-VJP
 * three passes' worth, so forward mode takes larger batches: 64 covers a whole 64-d latent in one pass.
 */
const FORWARD_CHUNK = 64;
const DOUBLE_VJP_CHUNK = 32;

export type MetricMethod = 'exact' | 'fd' | 'lanczos' | 'bp';
export const METRIC_METHODS: readonly MetricMethod[] = ['exact', 'fd', 'lanczos', 'bp'];

export interface MetricProgress {
  phase: 'columns' | 'gram' | 'eigen' | 'lanczos' | 'check';
  done: number;
  total: number;
}

export interface MetricOptions {
  space: LatentSpace;
  distance: DistanceName;
  method: MetricMethod;
  /** Eigenpairs returned. lanczos computes only these (default 10); the others compute all n and keep k (default n). */
  k?: number;
  signal?: AbortSignal;
  /**
   * The job's checkpoint (JobContext.checkpoint), awaited between batches of directions: it yields, honours a
   * cancel, and holds the computation while the job runner is paused (a slider drag on a GPU backend), so a
   * metric of many batches does not keep the device busy under the drag. Without it, only the signal is checked.
   */
  checkpoint?: () => Promise<void>;
  onProgress?: (p: MetricProgress) => void;
  /** Directions per batch through the network (default: all n at once in forward mode up to 64, else 32). */
  chunk?: number;
  /** How exact JVPs are taken (exact, lanczos and the checks): forward mode (default) or the double-VJP trick. */
  jvp?: JvpMode;
  /** Run the method's own error check after the eigen-decomposition (default true); false: errorEstimate is null. */
  check?: boolean;
  /** fd step relative to max(‖latent‖, 1), per style vector in W+ (default DEFAULT_REL_EPS = 1e-4). */
  relEps?: number;
  /** Lanczos: Krylov dimension (default src/linalg's), stopping tolerance (default 1e-7·λ₁; float32 products rarely allow less), seed. */
  krylovDim?: number;
  tol?: number;
  seed?: number;
}

export interface MetricResult {
  space: LatentSpace;
  distance: DistanceName;
  method: MetricMethod;
  /** Latent dimension (L·wDim for W+). */
  n: number;
  /** Descending, length k. */
  eigenvalues: Float64Array;
  /** k×n row-major: row i is the unit eigenvector of eigenvalues[i]. */
  eigenvectors: Float64Array;
  ms: number;
  /** Relative to λ₁; see the module comment for what it measures per method. Null when asked for no check. */
  errorEstimate: number | null;
  /** Network products used: n direction columns for the dense methods, H-products for Lanczos. */
  products: number;
  /** How the exact JVPs were taken: forward mode, or the double-VJP trick (asked for, or the model/distance cannot push forward). */
  jvp: JvpMode;
  /** Forward mode: layers without a rule and how their derivatives were taken (empty for the bundled models). */
  fallbacks: ForwardFallback[];
}

/** The latent's shape in a space: [1, zDim], [1, wDim] or [1, L, wDim]. */
export function latentShape(g: Generator, space: LatentSpace): number[] {
  if (space !== 'z' && !g.isStyleBased) {
    throw new Error(`Model '${g.manifest.id}' has no mapping network, so it has no ${space === 'w' ? 'W' : 'W+'} space; use space 'z'.`);
  }
  if (space === 'z') return [1, g.zDim];
  return space === 'w' ? [1, g.wDim!] : [1, g.styleLayers!, g.wDim!];
}

function latentTensor(g: Generator, latent: tf.Tensor | ArrayLike<number>, space: LatentSpace): tf.Tensor {
  const shape = latentShape(g, space);
  const size = shape.reduce((a, b) => a * b, 1);
  const got = latent instanceof tf.Tensor ? latent.size : latent.length;
  if (got !== size) throw new Error(`The latent has ${got} values; space '${space}' of model '${g.manifest.id}' expects ${size} (${shape.slice(1).join('×')}).`);
  return latent instanceof tf.Tensor ? tf.reshape(latent, shape) : tf.tensor(Float32Array.from(latent), shape);
}

/** The job's checkpoint when given; else let other tasks run (an abort arrives as a message), then honour the signal. */
async function checkpoint(opts: Pick<MetricOptions, 'signal' | 'checkpoint'>): Promise<void> {
  if (opts.checkpoint) return opts.checkpoint();
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  opts.signal?.throwIfAborted();
}

/** Rows start…start+k of the n×n identity, as directions. */
const basisRows = (start: number, k: number, n: number) => tf.oneHot(tf.range(start, start + k, 1, 'int32'), n).toFloat() as tf.Tensor2D;

/**
 * Applies `product` to all n basis directions in chunks; each product returns tensors [k, width_j];
 * result j is the n×width_j float64 matrix of their rows (row i from direction eᵢ).
 */
async function basisProducts(n: number, opts: MetricOptions, product: (v: tf.Tensor2D) => tf.Tensor2D[]): Promise<Float64Array[]> {
  const chunk = opts.chunk ?? 32;
  let out: Float64Array[] = [];
  for (let start = 0; start < n; start += chunk) {
    await checkpoint(opts);
    const k = Math.min(chunk, n - start);
    const parts = tf.tidy(() => product(basisRows(start, k, n)));
    try {
      if (start === 0) out = parts.map((p) => new Float64Array(n * p.shape[1]));
      for (let j = 0; j < parts.length; j++) out[j].set(await parts[j].data(), start * parts[j].shape[1]);
    } finally {
      tf.dispose(parts);
    }
    opts.onProgress?.({ phase: 'columns', done: start + k, total: n });
  }
  return out;
}

/**
 * H = A Bᵀ for n×m row-major A, B (B = MA, so H is symmetric): upper triangle, mirrored, in float64.
 * Two rows of A against two rows of B per pass over m: four sums per four loads instead of one per two,
 * which halves the time (each entry is still one left-to-right sum, so the values are unchanged).
 */
async function gram(a: Float64Array, b: Float64Array, n: number, opts: MetricOptions): Promise<Float64Array> {
  const m = a.length / n;
  const h = new Float64Array(n * n);
  const put = (i: number, j: number, s: number) => {
    if (j < i) return;
    h[i * n + j] = s;
    h[j * n + i] = s;
  };
  for (let i = 0; i < n; i += 2) {
    if (i % 64 === 0 && i > 0) {
      opts.onProgress?.({ phase: 'gram', done: i, total: n });
      await checkpoint(opts);
    }
    const pair = i + 1 < n;
    const a0 = i * m, a1 = pair ? a0 + m : a0;
    for (let j = i; j < n; j += 2) {
      const b0 = j * m, b1 = j + 1 < n ? b0 + m : b0;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let t = 0; t < m; t++) {
        const x0 = a[a0 + t], x1 = a[a1 + t], y0 = b[b0 + t], y1 = b[b1 + t];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      put(i, j, s00);
      if (j + 1 < n) put(i, j + 1, s01);
      if (pair) {
        put(i + 1, j, s10);
        if (j + 1 < n) put(i + 1, j + 1, s11);
      }
    }
  }
  return h;
}

function topOfEigh(h: Float64Array, n: number, k: number, opts: MetricOptions) {
  opts.onProgress?.({ phase: 'eigen', done: 0, total: 1 });
  const e = eigh(h, n);
  opts.onProgress?.({ phase: 'eigen', done: 1, total: 1 });
  return { values: e.values.slice(0, k), vectors: e.vectors.slice(0, k * n) };
}

/** max_i ‖H vᵢ − λᵢ vᵢ‖ / |λ₁| over the first r pairs, with H v from one batched hvp per chunk. */
async function residualCheck(lin: Linearisation, values: Float64Array, vectors: Float64Array, r: number, opts: MetricOptions): Promise<number> {
  const n = lin.x0.size;
  const chunk = opts.chunk ?? 32;
  let worst = 0;
  opts.onProgress?.({ phase: 'check', done: 0, total: r });
  for (let s = 0; s < r; s += chunk) {
    await checkpoint(opts);
    const k = Math.min(chunk, r - s);
    const rows = vectors.subarray(s * n, (s + k) * n);
    const hv = await applyRows((v) => hvp(lin, v), rows, n);
    worst = Math.max(worst, maxResidual(hv, values.subarray(s, s + k), rows, k, n));
    opts.onProgress?.({ phase: 'check', done: s + k, total: r });
  }
  return worst / (Math.abs(values[0]) || 1);
}

const TRANSPOSE_SEED = 0x7c4e;

/**
 * exact's check at the cost of a batch-1 backward pass: for a Gaussian combination c of the top r pairs,
 * ‖Jᵀ(M J V c) − Σᵢ cᵢ λᵢ vᵢ‖ / ‖c‖ / |λ₁|, with M J (V c) from the stored (forward-mode) columns
 * (M J e_a for each latent coordinate a) and Jᵀ by an independent reverse-mode VJP.
 */
async function transposeCheck(lin: Linearisation, values: Float64Array, vectors: Float64Array, r: number, mjt: Float64Array, opts: MetricOptions): Promise<number> {
  await checkpoint(opts);
  const n = lin.x0.size, m = lin.m;
  opts.onProgress?.({ phase: 'check', done: 0, total: r });
  const rng = new Rng(TRANSPOSE_SEED);
  const c = Float64Array.from({ length: r }, () => rng.normal());
  // V c and Σᵢ cᵢ λᵢ vᵢ over the latent coordinates, then u = M J (V c) = Σ_a (V c)[a]·(M J e_a).
  const vc = new Float64Array(n), target = new Float64Array(n);
  for (let i = 0; i < r; i++) {
    for (let a = 0; a < n; a++) {
      vc[a] += c[i] * vectors[i * n + a];
      target[a] += c[i] * values[i] * vectors[i * n + a];
    }
  }
  const u = new Float64Array(m);
  for (let a = 0; a < n; a++) {
    const row = mjt.subarray(a * m, (a + 1) * m);
    for (let t = 0; t < m; t++) u[t] += vc[a] * row[t];
  }
  const hv = await applyRows((rows) => vjp(lin, rows), u, m);
  opts.onProgress?.({ phase: 'check', done: r, total: r });
  let sq = 0, cc = 0;
  for (let a = 0; a < n; a++) sq += (hv[a] - target[a]) ** 2;
  for (let i = 0; i < r; i++) cc += c[i] ** 2;
  return Math.sqrt(sq / cc) / (Math.abs(values[0]) || 1);
}

/** max_i ‖hvᵢ − λᵢ vᵢ‖ over r rows. */
function maxResidual(hv: Float64Array, values: Float64Array, vectors: Float64Array, r: number, n: number): number {
  let worst = 0;
  for (let i = 0; i < r; i++) {
    let sq = 0;
    for (let t = 0; t < n; t++) sq += (hv[i * n + t] - values[i] * vectors[i * n + t]) ** 2;
    worst = Math.max(worst, Math.sqrt(sq));
  }
  return worst;
}

/** max_i |‖J_{ε/2} vᵢ‖²_M − λᵢ| / |λ₁| over the first r pairs (fd's own error, see the module comment). */
async function halfStepCheck(lin: Linearisation, values: Float64Array, vectors: Float64Array, r: number, eps: number, opts: MetricOptions): Promise<number> {
  await checkpoint(opts);
  const n = lin.x0.size;
  const quad = tf.tidy(() => {
    const u = jvpFD(lin, tf.tensor2d(Float32Array.from(vectors.subarray(0, r * n)), [r, n]), eps / 2);
    return tf.sum(tf.mul(u, lin.weight ? lin.weight(u) : u), 1);
  });
  const q = await quad.data();
  quad.dispose();
  let worst = 0;
  for (let i = 0; i < r; i++) worst = Math.max(worst, Math.abs(q[i] - values[i]));
  return worst / (Math.abs(values[0]) || 1);
}

/**
 * The length fd's step is relative to: ‖x₀‖, or for W+ [1, L, wDim] the norm of one style vector
 * (‖x₀‖/√L), so that W+ takes the same step per coordinate as W (W+ is W repeated L times).
 */
function latentScale(x0: tf.Tensor): number {
  const t = tf.norm(x0);
  const value = t.dataSync()[0];
  t.dispose();
  return x0.rank === 3 ? value / Math.sqrt(x0.shape[1]!) : value;
}

type Pairs = { values: Float64Array; vectors: Float64Array; errorEstimate: number | null; products: number };

async function solve(g: Generator, lin: Linearisation, dist: AnchoredDistance, opts: MetricOptions): Promise<Pairs> {
  const n = lin.x0.size;
  const checked = (k: number) => Math.min(k, 10);
  const { method, space } = opts;
  const checking = opts.check ?? true;
  if (method === 'lanczos') {
    const k = Math.min(opts.k ?? 10, n);
    const op = hvpOperator(lin);
    const res = await lanczos(async (v) => { await checkpoint(opts); return op(v); }, n, {
      k, krylovDim: opts.krylovDim, tol: opts.tol ?? 1e-7, seed: opts.seed, signal: opts.signal,
      onProgress: (done, total) => opts.onProgress?.({ phase: 'lanczos', done, total }),
    });
    const errorEstimate = checking ? await residualCheck(lin, res.values, res.vectors, k, opts) : null;
    return { values: res.values, vectors: res.vectors, errorEstimate, products: res.matvecs + (checking ? k : 0) };
  }
  const k = Math.min(opts.k ?? n, n);
  if (method === 'bp') {
    const squared = (x: tf.Tensor) => dist.squared(g.generate(x, space));
    const [h] = await basisProducts(n, opts, (v) => [hvpBackprop(squared, lin.x0, v)]);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) h[i * n + j] = h[j * n + i] = (h[i * n + j] + h[j * n + i]) / 2;
    const { values, vectors } = topOfEigh(h, n, k, opts);
    return { values, vectors, errorEstimate: checking ? await residualCheck(lin, values, vectors, checked(k), opts) : null, products: n };
  }
  const eps = method === 'fd' ? (opts.relEps ?? DEFAULT_REL_EPS) * Math.max(latentScale(lin.x0), 1) : 0;
  const columns = method === 'exact' ? (v: tf.Tensor2D) => jvp(lin, v) : (v: tf.Tensor2D) => jvpFD(lin, v, eps);
  const weight = lin.weight;
  const [jt, mjt] = await basisProducts(n, opts, (v) => {
    const c = columns(v);
    return weight ? [c, weight(c)] : [c];
  });
  const h = await gram(jt, mjt ?? jt, n, opts);
  const { values, vectors } = topOfEigh(h, n, k, opts);
  const errorEstimate = !checking ? null : method === 'exact'
    ? await transposeCheck(lin, values, vectors, checked(k), mjt ?? jt, opts)
    : await halfStepCheck(lin, values, vectors, checked(k), eps, opts);
  return { values, vectors, errorEstimate, products: n };
}

/**
 * The metric at `latent` (given in `space`: [zDim], [wDim] or [L, wDim] values, as a tensor or array),
 * eigen-decomposed. Rejects with the signal's reason when aborted.
 */
export async function computeMetric(g: Generator, latent: tf.Tensor | ArrayLike<number>, opts: MetricOptions): Promise<MetricResult> {
  const t0 = performance.now();
  if (!METRIC_METHODS.includes(opts.method)) throw new Error(`Unknown metric method '${String(opts.method)}'; expected one of ${METRIC_METHODS.join(', ')}.`);
  if (opts.k !== undefined && !(Number.isInteger(opts.k) && opts.k >= 1)) throw new Error(`k must be a positive integer, got ${opts.k}.`);
  opts.signal?.throwIfAborted();
  const x0 = latentTensor(g, latent, opts.space);
  let dist: AnchoredDistance | undefined;
  try {
    // The anchor image is rendered only if the distance needs it (not for mse's Jacobian: see anchorMse).
    const d = anchorDistance(opts.distance, g, () => tf.tidy(() => g.generate(x0, opts.space)));
    dist = d;
    const lin = linearisation(g, d, x0, opts.space, opts.jvp ?? 'forward');
    // bp differentiates d² twice in reverse mode whatever the model supports, so it takes the reverse-mode
    // batch: at forward mode's 64 it exhausted the wasm heap on the 64-px faces model (bench).
    const chunk = opts.chunk ?? (lin.push && opts.method !== 'bp' ? FORWARD_CHUNK : DOUBLE_VJP_CHUNK);
    const pairs = await solve(g, lin, d, { ...opts, chunk });
    return {
      space: opts.space, distance: opts.distance, method: opts.method, n: x0.size,
      eigenvalues: pairs.values, eigenvectors: pairs.vectors,
      ms: performance.now() - t0, errorEstimate: pairs.errorEstimate, products: pairs.products,
      jvp: lin.push ? 'forward' : 'double-vjp', fallbacks: lin.fallbacks ?? [],
    };
  } finally {
    dist?.dispose();
    x0.dispose();
  }
}
