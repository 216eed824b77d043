/**
 * Products with the Jacobian J of a batched map f (latent → features) at x₀, and with the pulled-back
 * metric H = Jᵀ M J, without ever forming J. Every product is batched: k directions at once, as a batch
 * of k copies of x₀ (so f must not mix batch items, see jacobian.ts).
 *
 * - jvp: J V by true forward mode when the linearisation has a `push` (src/model/forward: every
 *   direction pushed through the layers in one batched pass), else by the double-VJP trick (forward mode
 *   emulated with reverse mode): g(u) = Jᵀu is linear in u, so ∂/∂u ⟨g(u), v⟩ = J v, which needs f
 *   twice differentiable in tfjs (src/model/layers.ts) and costs three passes.
 * - jvpFD: J V by central differences, the fallback for models that are not twice differentiable.
 * - vjp: Jᵀ U, one ordinary backward pass.
 * - hvp: H V = Jᵀ(M(J V)) — what Lanczos iterates on (paper Eq. 7, "backward iteration", but through
 *   the Gauss–Newton factorisation, which at x₀ is exact since the residual φ(x) − φ(x₀) vanishes).
 * - hvpBackprop: the paper's "full backprop" baseline, H V = ∂/∂x ⟨∇ₓ d²(x, x₀), V⟩ at x = x₀: a genuine
 *   second-order derivative of the scalar distance. Slower (it differentiates the whole distance twice)
 *   and kept for comparison; for SSIM it is an independent check of the closed-form M.
 *
 * Callers own the returned tensors; nothing else is left allocated.
 */
import * as tf from '@tensorflow/tfjs';
import type { MatVec } from '../linalg/operator';
import type { BatchedMap } from './jacobian';
import type { ForwardFallback } from '../model/forward/dual';

/** A symmetric positive semi-definite operator on feature tangents [k, m] → [k, m] (identity if absent). */
export type FeatureWeight = (t: tf.Tensor2D) => tf.Tensor2D;

/** The pulled-back metric's ingredients at one point: H = Jᵀ M J with J = ∂f/∂x at x₀. */
export interface Linearisation {
  /** Latent batch [B, ...s] → features [B, ...] (flattened to [B, m] here). */
  f: BatchedMap;
  /** The point [1, ...s]; n = x0.size. */
  x0: tf.Tensor;
  /** Feature dimension (size of one item of f's output); saves a forward pass just to learn a shape. */
  m: number;
  weight?: FeatureWeight;
  /** J V [k, m] for directions V [k, n] by forward mode; when present, `jvp` uses it. */
  push?: (v: tf.Tensor2D) => tf.Tensor2D;
  /** Layers `push` had no rule for, with how their derivatives were taken (filled as products run). */
  fallbacks?: ForwardFallback[];
}

/** k copies of x₀ [1, ...s] → [k, ...s]. */
function replicate(x0: tf.Tensor, k: number): tf.Tensor {
  return tf.tile(x0, [k, ...x0.shape.slice(1).map(() => 1)]);
}

/** Directions [k, n] reshaped like a batch of latents [k, ...s]. */
function asLatents(v: tf.Tensor2D, x0: tf.Tensor): tf.Tensor {
  if (v.shape[1] !== x0.size) throw new Error(`directions have ${v.shape[1]} entries, the latent has ${x0.size}`);
  return v.reshape([v.shape[0], ...x0.shape.slice(1)]);
}

/** J V for directions V [k, n]: [k, m], exact: forward mode if the linearisation has it, else double-VJP. */
export function jvp(lin: Linearisation, v: tf.Tensor2D): tf.Tensor2D {
  return lin.push ? lin.push(v) : jvpDoubleVjp(lin, v);
}

/** J V for directions V [k, n]: [k, m], exact, by the double-VJP trick. */
export function jvpDoubleVjp(lin: Linearisation, v: tf.Tensor2D): tf.Tensor2D {
  const { f, x0, m } = lin;
  return tf.tidy(() => {
    const k = v.shape[0];
    const xs = replicate(x0, k);
    const dirs = asLatents(v, x0);
    const vjpDotV = (u: tf.Tensor) => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x).reshape([k, m]), u)))(xs);
      return tf.sum(tf.mul(g, dirs));
    };
    // g(u) is linear in u, so the point u = 0 is as good as any and costs nothing.
    return tf.grad(vjpDotV)(tf.zeros([k, m])) as tf.Tensor2D;
  });
}

/** J V by central differences with step eps along each (not normalised) direction: [k, m], one batch of 2k. */
export function jvpFD(lin: Linearisation, v: tf.Tensor2D, eps: number): tf.Tensor2D {
  const { f, x0, m } = lin;
  return tf.tidy(() => {
    const k = v.shape[0];
    const xs = replicate(x0, k);
    const step = tf.mul(asLatents(v, x0), eps);
    const out = f(tf.concat([tf.add(xs, step), tf.sub(xs, step)], 0)).reshape([2 * k, m]);
    const [plus, minus] = tf.split(out, 2, 0);
    return tf.div(tf.sub(plus, minus), 2 * eps) as tf.Tensor2D;
  });
}

/** Jᵀ U for feature covectors U [k, m]: [k, n]. */
export function vjp(lin: Linearisation, u: tf.Tensor2D): tf.Tensor2D {
  const { f, x0, m } = lin;
  return tf.tidy(() => {
    const k = u.shape[0];
    const xs = replicate(x0, k);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x).reshape([k, m]), u)))(xs);
    return g.reshape([k, -1]) as tf.Tensor2D;
  });
}

/** H V = Jᵀ M J V for directions V [k, n]: [k, n]. */
export function hvp(lin: Linearisation, v: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const jv = jvp(lin, v);
    return vjp(lin, lin.weight ? lin.weight(jv) : jv);
  });
}

/**
 * H V by differentiating the scalar d²(x) twice at x₀ (paper Eq. 7 and A.2 "full backprop"):
 * `squared` maps a batch [k, ...s] to per-item distances [k] to the fixed anchor; result [k, n].
 * With V = basis vectors this is the paper's column-by-column BP, one basis vector per batch item, so
 * its n second-order passes run as n/k batched ones.
 */
export function hvpBackprop(squared: (x: tf.Tensor) => tf.Tensor1D, x0: tf.Tensor, v: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const k = v.shape[0];
    const xs = replicate(x0, k);
    const dirs = asLatents(v, x0);
    // Items are independent, so the gradient of the batch sum holds each item's own gradient.
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(squared(x)));
    const gradDotV = (x: tf.Tensor) => tf.sum(tf.mul(gradient(x), dirs));
    return tf.grad(gradDotV)(xs).reshape([k, -1]) as tf.Tensor2D;
  });
}

/**
 * Feature numbers one batched product may carry (rows × m): forward mode through a synthesis holds several
 * activations per row, and Algorithm 1's 100 probes in one batch exhausted the wasm heap on the 64-px faces model
 * (12,288 features; 64 rows, the exact metric's batch, run fine). Under this budget shapes (3,072) takes 170 rows.
 */
export const ROW_FEATURE_BUDGET = 1 << 19;

/** How many rows one product on a linearisation with `m` features may take at once. */
export function rowsPerProduct(lin: Pick<Linearisation, 'm'>): number {
  return Math.max(1, Math.floor(ROW_FEATURE_BUDGET / lin.m));
}

/**
 * Runs a batched product on float64 rows [k·n] and reads the result back as float64 rows, at most `maxRows`
 * rows per call (the rows are independent, so chunking changes no value).
 */
export async function applyRows(product: (v: tf.Tensor2D) => tf.Tensor2D, rows: Float64Array, n: number, maxRows = Infinity): Promise<Float64Array> {
  const k = rows.length / n;
  const step = Math.max(1, Math.min(k, Math.floor(maxRows)));
  const parts: Float64Array[] = [];
  for (let s = 0; s < k; s += step) {
    const c = Math.min(step, k - s);
    const out = tf.tidy(() => product(tf.tensor2d(Float32Array.from(rows.subarray(s * n, (s + c) * n)), [c, n])));
    try {
      parts.push(Float64Array.from(await out.data()));
    } finally {
      out.dispose();
    }
  }
  if (parts.length === 1) return parts[0];
  const all = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** H as a float64 MatVec (one direction per product) for src/linalg's iterative methods. */
export function hvpOperator(lin: Linearisation): MatVec {
  return (v) => applyRows((t) => hvp(lin, t), v, lin.x0.size);
}
