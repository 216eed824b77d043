/**
 * A symmetric linear operator known only through its action v ↦ A v. This is how the metric reaches
 * linalg/: as Hessian-vector or JᵀJ-vector products computed by tfjs, possibly asynchronously (GPU
 * readback, a worker), so every iterative method here awaits the product and accepts either form.
 */
import { matvec as denseMatvec } from './dense';

export type MatVec = (v: Float64Array) => Float64Array | Promise<Float64Array>;

/** Options shared by the iterative methods: cancellation between products (DESIGN §2, latest-wins jobs). */
export interface Cancellable {
  /** Checked before every product; an aborted signal rejects with its reason. */
  signal?: AbortSignal;
}

/** A dense n×n row-major matrix as a MatVec (tests, and small metrics already held in memory). */
export function denseOperator(a: Float64Array, n: number): MatVec {
  if (a.length !== n * n) throw new Error(`denseOperator: expected ${n * n} entries, got ${a.length}`);
  return (v) => denseMatvec(a, v, n, n);
}

/** `op` applied to each of k vectors (k×n, row-major) in turn: the block form the batched drivers take. */
export function rowwise(op: MatVec, n: number): (rows: Float64Array, k: number) => Promise<Float64Array> {
  return async (rows, k) => {
    const out = new Float64Array(k * n);
    for (let j = 0; j < k; j++) out.set(await op(rows.subarray(j * n, (j + 1) * n)), j * n);
    return out;
  };
}

/**
 * Applies the operator to a private copy of `v` and returns a fresh array we may overwrite: callers'
 * matvecs are free to reuse or mutate buffers, and a wrong length or a NaN is reported here, at the
 * product that produced it, rather than as a mysterious non-convergence many iterations later.
 */
export async function applyOperator(op: MatVec, v: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
  signal?.throwIfAborted();
  const out = await op(Float64Array.from(v));
  if (out.length !== v.length) throw new Error(`operator returned ${out.length} entries for a vector of ${v.length}`);
  const w = Float64Array.from(out);
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) throw new Error(`operator returned a non-finite entry (${w[i]}) at index ${i}`);
  }
  return w;
}
