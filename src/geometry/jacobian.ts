/**
 * Jacobians of a batched map f: R^n → R^m (latent → image or features), as float64 rows of Jᵀ.
 *
 * `exact` uses the batched double-VJP trick: with u ∈ R^m, g(u) = Jᵀu is a VJP; since g is linear in u,
 * ∂/∂u ⟨g(u), e_i⟩ = J e_i. Replicating x over a batch of n (sample b paired with e_b) gives all n
 * columns from one forward pass, one backward pass and one double-backward pass. Requires f to be twice
 * differentiable in tfjs (see src/model/layers.ts) and to treat batch items independently.
 *
 * `fd` uses central differences with all 2n perturbed codes in one batch, ε relative to ‖x‖ (default
 * 1e-4: the bundled models are piecewise linear (leaky ReLU), and a step across a kink errs like √ε).
 */
import * as tf from '@tensorflow/tfjs';

/** A batched map: [B, ...inShape] → [B, ...outShape]; must not mix batch items. */
export type BatchedMap = (x: tf.Tensor) => tf.Tensor;

export interface Jacobian {
  /** Input dimension n (columns of J). */
  n: number;
  /** Output dimension m (rows of J). */
  m: number;
  /** Jᵀ row-major: row i (length m) is the column J e_i. */
  jt: Float64Array;
}

/** Exact Jacobian at x0 (shape [1, ...inShape]) by the batched double-VJP trick, in chunks of ≤ `chunk` columns. */
export function jacobianExact(f: BatchedMap, x0: tf.Tensor, chunk = 64): Jacobian {
  const n = x0.size;
  const inShape = x0.shape.slice(1);
  let m = 0;
  let jt = new Float64Array(0);
  for (let start = 0; start < n; start += chunk) {
    const k = Math.min(chunk, n - start);
    const cols = tf.tidy(() => {
      const xs = tf.tile(x0, [k, ...inShape.map(() => 1)]);
      const out = f(xs);
      const outShape = out.shape;
      // E[b] = e_{start+b}, reshaped like x: selects component start+b of sample b's VJP.
      const e = tf.oneHot(tf.range(start, start + k, 1, 'int32'), n).reshape([k, ...inShape]);
      const u0 = tf.zeros(outShape);
      const vjpDotE = (u: tf.Tensor) => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), u)))(xs);
        return tf.sum(tf.mul(g, e));
      };
      return tf.grad(vjpDotE)(u0).reshape([k, -1]);
    });
    const data = cols.dataSync();
    if (m === 0) {
      m = cols.shape[1] as number;
      jt = new Float64Array(n * m);
    }
    jt.set(data, start * m);
    cols.dispose();
  }
  return { n, m, jt };
}

/** Central-difference Jacobian at x0 with step ε = relEps·max(‖x0‖, 1); all 2n codes in one batch per chunk. */
export function jacobianFD(f: BatchedMap, x0: tf.Tensor, relEps = 1e-4, chunk = 64): Jacobian {
  const n = x0.size;
  const inShape = x0.shape.slice(1);
  const norm = Math.sqrt(tf.tidy(() => tf.sum(tf.square(x0))).dataSync()[0]);
  const eps = relEps * Math.max(norm, 1);
  let m = 0;
  let jt = new Float64Array(0);
  for (let start = 0; start < n; start += chunk) {
    const k = Math.min(chunk, n - start);
    const cols = tf.tidy(() => {
      const e = tf.mul(tf.oneHot(tf.range(start, start + k, 1, 'int32'), n), eps).reshape([k, ...inShape]);
      const xs = tf.tile(x0, [k, ...inShape.map(() => 1)]);
      const out = f(tf.concat([tf.add(xs, e), tf.sub(xs, e)], 0)).reshape([2 * k, -1]);
      const [plus, minus] = tf.split(out, 2, 0);
      return tf.div(tf.sub(plus, minus), 2 * eps);
    });
    const data = cols.dataSync();
    if (m === 0) {
      m = cols.shape[1] as number;
      jt = new Float64Array(n * m);
    }
    jt.set(data, start * m);
    cols.dispose();
  }
  return { n, m, jt };
}

/** H = JᵀJ (n×n, float64, row-major): the metric of the squared-L2 distance pulled back through f. */
export function metricFromJacobian(j: Jacobian): Float64Array {
  const { n, m, jt } = j;
  const h = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      const oa = a * m, ob = b * m;
      for (let i = 0; i < m; i++) s += jt[oa + i] * jt[ob + i];
      h[a * n + b] = s;
      h[b * n + a] = s;
    }
  }
  return h;
}
