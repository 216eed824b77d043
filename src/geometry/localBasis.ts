/**
 * Local Basis (Choi et al., "Do not escape from the manifold: discovering the Local Coordinates on the
 * latent space of GANs", ICLR 2022, §3.1 and Algorithm 1): the SVD of the Jacobian of the mapping network
 * f: Z → W at z,
 *
 *   J = ∇_z f(z) ∈ R^{dW×dZ},   J = Σᵢ σᵢ vᵢ uᵢᵀ,   df_z(uᵢ) = σᵢ vᵢ   (Eq. 3)
 *   LocalBasis(w = f(z)) = {vᵢ}                                          (Eq. 4)
 *
 * The paper's letters: uᵢ ∈ Z are RIGHT singular vectors, vᵢ ∈ W LEFT ones (Algorithm 1 writes the usual
 * U, S, V = SVD(J), where U holds the W vectors — the opposite letters; we avoid both and name them by
 * space: `wDirections`, `zDirections`). The top-k vᵢ span the tangent space of the k-dim approximation
 * of the image f(Z) near w (Eq. 5); Prop. 1 shows they equal local PCA of f around z.
 *
 * J is computed exactly (jacobianExact: batched double-VJP, float32 on the tfjs backend), the SVD in float64
 * by Golub–Kahan (linalg/svd — not eigh of JᵀJ, which would square the tiny singular values of Fig. 9 away).
 * Everything is synchronous: the Jacobian reads back with dataSync.
 */
import * as tf from '@tensorflow/tfjs';
import { jacobianExact, type Jacobian, type BatchedMap } from './jacobian';
import { svd } from '../linalg/svd';
import type { Generator } from '../model/generator';

export interface LocalBasis {
  zDim: number;
  wDim: number;
  /** r = min(zDim, wDim). */
  r: number;
  /** σ₁ ≥ … ≥ σ_r ≥ 0. */
  singularValues: Float64Array;
  /** r×wDim, row i = vᵢ: unit W direction (the Local Basis, Eq. 4). */
  wDirections: Float64Array;
  /** r×zDim, row i = uᵢ: the unit Z direction with J uᵢ = σᵢ vᵢ. */
  zDirections: Float64Array;
  /** The base point z (copy) and w = f(z). */
  z: Float64Array;
  w: Float64Array;
}

/**
 * Local Basis of a batched map f: [B, zDim] → [B, wDim] at z. Its Jacobian comes from `jacobian` if
 * given (a generator's forward mode), else by the double-VJP, whose batch `chunk` bounds (memory ∝ chunk
 * × one forward pass).
 */
export function localBasis(f: BatchedMap, z: ArrayLike<number>, opts: { chunk?: number; jacobian?: (x0: tf.Tensor2D) => Jacobian } = {}): LocalBasis {
  const zDim = z.length;
  if (zDim === 0) throw new Error('localBasis: empty z');
  const x0 = tf.tensor2d(Float32Array.from(z), [1, zDim]);
  try {
    const w = tf.tidy(() => f(x0).reshape([-1]).dataSync());
    const jac = opts.jacobian ? opts.jacobian(x0) : jacobianExact(f, x0, opts.chunk ?? 64);
    const wDim = jac.m;
    if (w.length !== wDim) throw new Error(`localBasis: f returned ${w.length} values but its Jacobian has ${wDim} rows`);
    // jac.jt is Jᵀ (zDim×wDim): Jᵀ = Σ σᵢ uᵢ vᵢᵀ, so ITS left vectors are the Z directions, its right ones W.
    const s = svd(jac.jt, zDim, wDim);
    return {
      zDim,
      wDim,
      r: s.r,
      singularValues: s.values,
      wDirections: s.right,
      zDirections: s.left,
      z: Float64Array.from(z),
      w: Float64Array.from(w),
    };
  } finally {
    x0.dispose();
  }
}

/** Local Basis of a style model's mapping network (Generator.mapZ) at z. */
export function localBasisOfGenerator(g: Pick<Generator, 'mapZ' | 'mapZForward' | 'zDim' | 'isStyleBased'>, z: ArrayLike<number>, opts: { chunk?: number } = {}): LocalBasis {
  if (!g.isStyleBased) throw new Error('localBasis: this model has no mapping network (no W space); Local Basis is defined for f: Z → W');
  if (z.length !== g.zDim) throw new Error(`localBasis: z has ${z.length} entries, the model's Z has ${g.zDim}`);
  const forward = g.mapZForward?.bind(g);
  return localBasis((x) => g.mapZ(x as tf.Tensor2D), z, { ...opts, ...(forward ? { jacobian: (x0) => mappingJacobian(forward, x0) } : {}) });
}

/** The mapping's Jacobian at z by forward mode: all zDim unit directions in one pass (rows of Jᵀ). */
function mappingJacobian(forward: NonNullable<Generator['mapZForward']>, x0: tf.Tensor2D): Jacobian {
  const n = x0.shape[1];
  const t = tf.tidy(() => {
    const { w } = forward({ primal: x0, tangent: tf.eye(n) });
    return w.tangent ?? tf.zeros([n, w.primal.shape[1]!]);
  });
  try {
    const m = t.shape[1]!;
    return { n, m, jt: Float64Array.from(t.dataSync()) };
  } finally {
    t.dispose();
  }
}

/** Row i of a basis as a view (no copy). */
export function direction(basis: Float64Array, i: number, dim: number): Float64Array {
  return basis.subarray(i * dim, (i + 1) * dim);
}
