/**
 * Iterative Curve-Traversal (Choi et al., ICLR 2022, §3.2, Algorithm 2; guided and stochastic variants
 * §3.4 and App. H): walk the image f(Z) ⊂ W of the mapping network along a Local Basis direction by
 * re-linearising at every step, so the walk follows the curved manifold instead of leaving it as the
 * straight line w + t·vₖ does.
 *
 * Our reading of Algorithm 2 (the extracted text is garbled; reconstructed with Eq. 10–12):
 *
 *   z₀ ← z;  c ← ones                                   (so at i = 0: index k as given, sign +)
 *   for i = 0 … N−1:
 *     {σⱼ, vⱼ ∈ W, uⱼ ∈ Z} ← LocalBasis(zᵢ, f)          (Alg. 1 — the paper's U are W vectors, V Z vectors)
 *     if i > 0:  cⱼ ← ⟨vⱼ, v_{i−1}⟩ for every j;  k ← argmaxⱼ |cⱼ|     (Eq. 12: most similar W direction)
 *     vᵢ, uᵢ ← sign(c_k)·v_k, sign(c_k)·u_k             (keep the orientation of the previous piece)
 *     zᵢ₊₁ ← zᵢ + I/(N·σ_k) · uᵢ                         (Eq. 11: Z step scaled by 1/σ so each piece has
 *                                                        W-length ≈ I/N, since J uᵢ = σ_k vᵢ)
 *   return z₀ … z_N  (and wᵢ = f(zᵢ))
 *
 * Line 16 prints "zᵢ₊₁ ← zᵢ + sᵢINvᵢ" with sᵢ = S_kk; Eq. 11 (z₁ = z₀ + I/(N·σ_k) u_k) settles it as
 * I/(N·sᵢ), the Z vector being the right singular vector. The comparison is in W (left vectors), as Eq. 12
 * says. We compare only against the r = min(dZ, dW) singular directions of the thin SVD, and skip those
 * with σ ≤ relSigmaFloor·σ₁: a null direction has no step size (I/(Nσ) = ∞) and is not a tangent of f(Z).
 * The negative half γ⁻ is "the same procedure using the reversed tangent vector −v_k" (`sign: −1`).
 *
 * Guided (§3.4 / App. H): with a global W direction g, the departure direction of each piece is the
 * Local Basis vector most similar to g ("every-step", App. H's second option — the one the paper uses for
 * Fig. 7/15), or only the first piece is (`departure`, App. H's first option, Fig. 14), with the sign
 * that agrees with g. A W+ guide (L·wDim) is reduced to its layer mean: for the canonical extension
 * f⁺ = broadcast∘f the W+ Local Basis is (v, …, v)/√L, and ⟨g⁺, v⁺⟩ = √L·⟨mean_l g_l, v⟩.
 * Stochastic (§3.4, Fig. 7 right: "step size sampled from Uniform Noise on [0.05, 0.15]" with the overall
 * intensity fixed): piece lengths are drawn from U[min, max] until they sum to I, the last one clipped,
 * so the number of pieces is random and `steps` is ignored.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchedMap } from './jacobian';
import { localBasis } from './localBasis';
import type { Generator } from '../model/generator';
import { Rng } from '../util/random';

export interface CurveTraversalOptions {
  /** I: total perturbation intensity, the W path length to first order. */
  intensity: number;
  /** N ≥ 1: pieces of equal length I/N. Default 10. Ignored with `stochastic`. */
  steps?: number;
  /** k (0-based): Local Basis direction to depart along. Default 0. Ignored when a guide picks the departure. */
  index?: number;
  /** +1 (default): γ⁺; −1: γ⁻, departing along −v_k (or against the guide). */
  sign?: 1 | -1;
  /** A global W direction (wDim values, or L·wDim for W+) to follow (§3.4). */
  guide?: ArrayLike<number>;
  /** 'every-step' (default when guided): every piece picks the vector most similar to the guide; 'departure': only the first. */
  guideMode?: 'every-step' | 'departure';
  /** Random piece lengths ~ U[min, max] (App. H), seeded. */
  stochastic?: { min: number; max: number; seed?: number };
  /** Never select directions with σ ≤ relSigmaFloor·σ₁. Default 1e-6. */
  relSigmaFloor?: number;
  /** Batch bound of the Jacobian (see localBasis). */
  chunk?: number;
  /** Called after each piece with (done, planned) — planned is exact unless stochastic. */
  onStep?: (done: number, planned: number) => void;
}

export interface CurveTraversal {
  zDim: number;
  wDim: number;
  /** Number of points = pieces + 1. */
  points: number;
  /** points×zDim: z₀ … z_N. */
  z: Float64Array;
  /** points×wDim: wᵢ = f(zᵢ). */
  w: Float64Array;
  /** Per piece: the Local Basis index followed (it may change as singular values cross). */
  indices: Int32Array;
  /** Per piece: σ of that direction (the Z step was length/σ). */
  sigmas: Float64Array;
  /** Per piece: |⟨reference, v_chosen⟩| (reference = previous piece's direction, or the guide; 1 for an unguided first piece). */
  similarity: Float64Array;
  /** Per piece: the W length aimed for (I/N, or the stochastic draw). */
  stepLengths: Float64Array;
  /** Σ‖wᵢ₊₁ − wᵢ‖: the chord length actually travelled in W (≈ I for small pieces). */
  wLength: number;
}

function pieceLengths(opts: CurveTraversalOptions): number[] {
  const I = opts.intensity;
  if (!(I > 0 && Number.isFinite(I))) throw new Error(`curveTraversal: intensity must be positive, got ${I}`);
  if (opts.stochastic) {
    const { min, max, seed = 0 } = opts.stochastic;
    if (!(min > 0 && max >= min)) throw new Error(`curveTraversal: stochastic steps need 0 < min ≤ max, got [${min}, ${max}]`);
    const rng = new Rng(seed);
    const out: number[] = [];
    let sum = 0;
    while (sum < I * (1 - 1e-12)) {
      const h = Math.min(rng.uniform(min, max), I - sum);
      out.push(h);
      sum += h;
    }
    return out;
  }
  const N = opts.steps ?? 10;
  if (!Number.isInteger(N) || N < 1) throw new Error(`curveTraversal: steps must be a positive integer, got ${N}`);
  return new Array<number>(N).fill(I / N);
}

/** Layer mean of a W+ guide, or a copy of a W guide. */
function guideInW(g: ArrayLike<number>, wDim: number): Float64Array {
  if (g.length === wDim) return Float64Array.from(g);
  if (g.length % wDim !== 0) throw new Error(`curveTraversal: guide has ${g.length} entries, expected ${wDim} (W) or a multiple (W+)`);
  const L = g.length / wDim;
  const out = new Float64Array(wDim);
  for (let l = 0; l < L; l++) for (let i = 0; i < wDim; i++) out[i] += g[l * wDim + i] / L;
  return out;
}

/** argmaxⱼ |⟨ref, vⱼ⟩| over usable directions, with the inner product's sign. */
function mostSimilar(ref: Float64Array, dirs: Float64Array, usable: number, wDim: number): { k: number; c: number } {
  let k = 0, c = 0;
  for (let j = 0; j < usable; j++) {
    let d = 0;
    for (let i = 0; i < wDim; i++) d += ref[i] * dirs[j * wDim + i];
    if (Math.abs(d) > Math.abs(c) || j === 0) { k = j; c = d; }
  }
  return { k, c };
}

/**
 * Iterative Curve-Traversal of f: Z → W from z (see the header for the algorithm). f is a batched map
 * [B, zDim] → [B, wDim] (e.g. `(x) => generator.mapZ(x)`), twice differentiable in tfjs (jacobianExact).
 */
export function curveTraversal(f: BatchedMap, z: ArrayLike<number>, opts: CurveTraversalOptions): CurveTraversal {
  const lengths = pieceLengths(opts);
  const sign = opts.sign ?? 1;
  const floor = opts.relSigmaFloor ?? 1e-6;
  const zDim = z.length;
  const zs: Float64Array[] = [Float64Array.from(z)];
  const ws: Float64Array[] = [];
  const indices: number[] = [], sigmas: number[] = [], similarity: number[] = [];
  let prev: Float64Array | null = null;
  let guide: Float64Array | null = null;
  let wDim = 0;

  for (let i = 0; i < lengths.length; i++) {
    const lb = localBasis(f, zs[i], { chunk: opts.chunk });
    wDim = lb.wDim;
    ws.push(lb.w);
    if (opts.guide && !guide) guide = guideInW(opts.guide, wDim);
    let usable = 0;
    while (usable < lb.r && lb.singularValues[usable] > floor * lb.singularValues[0]) usable++;
    if (usable === 0) throw new Error(`curveTraversal: the Jacobian vanishes at piece ${i} (σ₁ = ${lb.singularValues[0]})`);

    let k: number, s: number, sim: number;
    const guided = guide && (i === 0 || (opts.guideMode ?? 'every-step') === 'every-step');
    if (guided) {
      const m = mostSimilar(guide!, lb.wDirections, usable, wDim);
      const gn = Math.sqrt(guide!.reduce((acc, x) => acc + x * x, 0));
      [k, s, sim] = [m.k, sign * (m.c < 0 ? -1 : 1), gn > 0 ? Math.abs(m.c) / gn : 0];
    } else if (i === 0) {
      k = opts.index ?? 0;
      if (!Number.isInteger(k) || k < 0 || k >= usable) throw new Error(`curveTraversal: index ${k} is not among the ${usable} directions with σ > ${floor}·σ₁`);
      [s, sim] = [sign, 1];
    } else {
      const m = mostSimilar(prev!, lb.wDirections, usable, wDim);
      [k, s, sim] = [m.k, m.c < 0 ? -1 : 1, Math.abs(m.c)];
    }
    const sigma = lb.singularValues[k];
    const step = (s * lengths[i]) / sigma;
    const u = lb.zDirections.subarray(k * zDim, (k + 1) * zDim);
    zs.push(Float64Array.from(zs[i], (x, t) => x + step * u[t]));
    prev = Float64Array.from(lb.wDirections.subarray(k * wDim, (k + 1) * wDim), (x) => s * x);
    indices.push(k);
    sigmas.push(sigma);
    similarity.push(sim);
    opts.onStep?.(i + 1, lengths.length);
  }
  // w_N: one more forward pass (no basis needed at the end point).
  const last = tf.tidy(() => f(tf.tensor2d(Float32Array.from(zs[zs.length - 1]), [1, zDim])));
  ws.push(Float64Array.from(last.dataSync()));
  last.dispose();

  const points = zs.length;
  const zOut = new Float64Array(points * zDim), wOut = new Float64Array(points * wDim);
  zs.forEach((r, i) => zOut.set(r, i * zDim));
  ws.forEach((r, i) => wOut.set(r, i * wDim));
  let wLength = 0;
  for (let i = 0; i + 1 < points; i++) {
    let d = 0;
    for (let t = 0; t < wDim; t++) d += (wOut[(i + 1) * wDim + t] - wOut[i * wDim + t]) ** 2;
    wLength += Math.sqrt(d);
  }
  return {
    zDim, wDim, points, z: zOut, w: wOut,
    indices: Int32Array.from(indices), sigmas: Float64Array.from(sigmas), similarity: Float64Array.from(similarity),
    stepLengths: Float64Array.from(lengths), wLength,
  };
}

/** Curve traversal in W of a style model, through its mapping network (Generator.mapZ). */
export function curveTraversalOfGenerator(g: Pick<Generator, 'mapZ' | 'zDim' | 'isStyleBased'>, z: ArrayLike<number>, opts: CurveTraversalOptions): CurveTraversal {
  if (!g.isStyleBased) throw new Error('curveTraversal: this model has no mapping network (no W space) to traverse');
  if (z.length !== g.zDim) throw new Error(`curveTraversal: z has ${z.length} entries, the model's Z has ${g.zDim}`);
  return curveTraversal((x) => g.mapZ(x as tf.Tensor2D), z, opts);
}
