/**
 * Ground-truth scoring of latent directions (beyond the papers; issue 3 §8): on a data set with known
 * generative factors (src/data/shapes.ts) and a probe that reads them back from images, how much does
 * each factor move per unit of IMAGE change along a direction, and how cleanly does a direction move one
 * factor rather than several?
 *
 * For a direction v at a latent x₀ (any space), with G the generator, φ the image features of the
 * distance (mse: d² = ½‖φ(G(x)) − φ(G(x₀))‖², so vᵀHv = ‖J_φ v‖²) and p the probe's factor read-outs:
 *
 *   image rate   ρ(v)   = √(vᵀHv) = ‖∂/∂t φ(G(x₀ + tv))‖ at t = 0
 *   target rate  a_t(v) = ∂/∂t p_t(G(x₀ + tv)) at t = 0        (one per probe target t)
 *   factor rate  s_f(v) = ‖(a_t(v))_{t ∈ f}‖ / (ρ(v) · range_f)  (targets grouped by factor)
 *
 * s_f is invariant to the length and sign of v (both rates are linear in v), so directions of different
 * methods (unit eigenvectors, singular vectors, PCA components, in Z or W) compare on one footing: factor
 * units per unit of image change. Angular factors are read by the probe as (cos, sin) pairs on the unit
 * circle; the norm of the pair's derivative is the angle's rate (|dθ/dt| for hue θ = 2πh, |k·dθ/dt| for a
 * k-fold symmetric rotation), so grouping the pair gives one rate per factor.
 *
 * s_f is in "fractions of the factor's full range per unit of image change", so factors with different
 * units compare: without range_f a hue turn (2π on the unit circle) would outweigh a full sweep of x (2).
 *
 * Purity of a direction: its largest factor's share of the total squared factor rate,
 *   purity(v) = max_f s_f² / Σ_f s_f²  ∈ [1/F, 1]
 * (1: moves exactly one factor; 1/F: moves all equally).
 *
 * Averaging over positions (seeds): a method's i-th direction at seed s gives shares q_{s,i,f}. We report
 *   - response_{i,f} = √(mean_s s_{s,i,f}²)      (RMS factor rate of direction i),
 *   - purity_i       = mean_s max_f q_{s,i,f}     (how clean direction i is, position by position),
 *   - dominant_i     = argmax_f mean_s q_{s,i,f}, with the fraction of seeds where it is the argmax,
 *   - clarity_f      = mean_s max_i q_{s,i,f}     (the cleanest f-direction among the top K at each seed),
 *   - fixedClarity_f = max_i mean_s q_{s,i,f}     (the cleanest f-direction with ONE index for all seeds:
 *                                                  what a global slider offers; ≤ clarity_f).
 *
 * The derivatives are exact — by forward mode when the caller supplies `forward` (responseForward: one
 * batched pass of the directions through generator, distance and probe), else by the batched double-VJP of
 * hvp.ts (render, features and probe must then be twice differentiable in tfjs) — or central differences
 * (`fd`). The app's factors job uses forward mode: on WebGPU the double-VJP through the probe gave NaN
 * rates and left the GPU process dead for every other worker (the WebGPU e2e test caught it).
 */
import * as tf from '@tensorflow/tfjs';
import type { AnchoredDistance } from '../distance';
import { tangentOrZeros, type Dual, type ForwardFallback } from '../model/forward/dual';
import type { Generator, LatentSpace } from '../model/generator';
import { jvp, jvpFD, type Linearisation } from './hvp';
import type { BatchedMap } from './jacobian';
import { SHAPES_FACTOR_GROUPS, type FactorGroup } from './factorGroups';

export { factorGroupsOf, FACES_FACTOR_GROUPS, SHAPES_FACTOR_GROUPS, type FactorGroup } from './factorGroups';

export interface ResponseMaps {
  /** Latent batch [B, ...s] → images [B, H, W, C]. */
  render: BatchedMap;
  /** Images → distance features [B, m] (e.g. the mse distance's `features`): ρ(v) = ‖J v‖ in this space. */
  imageFeatures: BatchedMap;
  /** Images → probe targets [B, T]. */
  readout: BatchedMap;
  /**
   * Forward mode of the three maps at x₀ (optional): directions [k, n] → tangents [k, m + T] of the image
   * features then the probe targets, in one batched pass (see responseForward).
   */
  forward?: (x0: tf.Tensor, directions: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * Forward mode for ResponseMaps: the directions pushed through the generator (in `space`), the distance's
 * features and the probe's readout (`readout`: an image dual → the targets' dual, [1, T] and [k, T]).
 * Undefined when the generator or the distance cannot push tangents; layers without a rule are added to
 * `fallbacks` as the interpreter met them.
 */
export function responseForward(
  g: Generator, space: LatentSpace, dist: AnchoredDistance, readout: (image: Dual) => { out: Dual; fallbacks: ForwardFallback[] }, fallbacks: ForwardFallback[] = [],
): ResponseMaps['forward'] {
  const pushImage = g.pushForward?.bind(g), pushFeatures = dist.pushForward?.bind(dist);
  if (!pushImage || !pushFeatures) return undefined;
  return (x0, v) => tf.tidy(() => {
    const k = v.shape[0];
    const { image, fallbacks: imageFallbacks } = pushImage(x0, v.reshape([k, ...x0.shape.slice(1)]), space);
    const features = pushFeatures(image);
    const targets = readout(image);
    fallbacks.push(...imageFallbacks, ...features.fallbacks, ...targets.fallbacks);
    const T = targets.out.primal.shape[1]!;
    return tf.concat([features.tangent.reshape([k, -1]), tangentOrZeros(targets.out, k).reshape([k, T])], 1) as tf.Tensor2D;
  });
}

export interface DirectionalRates {
  k: number;
  /** Number of probe targets T. */
  targets: number;
  /** ρ(vᵢ) = √(vᵢᵀHvᵢ), length k. */
  imageRates: Float64Array;
  /** k×T row-major: ∂pₜ/∂t along vᵢ. */
  targetRates: Float64Array;
}

/**
 * Image and target rates along the k rows of `directions` (k×n, any lengths) at x₀ [1, ...s], in one
 * batched pass (chunks of `chunk` directions). No tensor outlives the call.
 */
export async function directionalRates(maps: ResponseMaps, x0: tf.Tensor, directions: Float64Array, opts: { method?: 'exact' | 'fd'; relEps?: number; chunk?: number } = {}): Promise<DirectionalRates> {
  const n = x0.size;
  if (directions.length === 0 || directions.length % n !== 0) throw new Error(`directionalRates: ${directions.length} direction entries is not a multiple of the latent size ${n}`);
  const k = directions.length / n;
  const [m, T] = tf.tidy(() => {
    const img = maps.render(x0);
    return [maps.imageFeatures(img).size, maps.readout(img).size];
  });
  const f = (x: tf.Tensor) => {
    const img = maps.render(x);
    const b = x.shape[0];
    return tf.concat([maps.imageFeatures(img).reshape([b, m]), maps.readout(img).reshape([b, T])], 1);
  };
  const forward = maps.forward;
  const lin: Linearisation = { f, x0, m: m + T, ...(forward ? { push: (v: tf.Tensor2D) => forward(x0, v) } : {}) };
  let eps = 0;
  if (opts.method === 'fd') {
    const normT = tf.norm(x0);
    const norm = (await normT.data())[0];
    normT.dispose();
    eps = (opts.relEps ?? 1e-3) * Math.max(norm, 1);
  }
  const chunk = opts.chunk ?? 16;
  const imageRates = new Float64Array(k), targetRates = new Float64Array(k * T);
  for (let s = 0; s < k; s += chunk) {
    const c = Math.min(chunk, k - s);
    const out = tf.tidy(() => {
      const v = tf.tensor2d(Float32Array.from(directions.subarray(s * n, (s + c) * n)), [c, n]);
      return opts.method === 'fd' ? jvpFD(lin, v, eps) : jvp(lin, v);
    });
    // Read asynchronously: a synchronous read stalls a GPU backend's worker (and warns on WebGPU).
    const data = await out.data();
    out.dispose();
    for (let i = 0; i < c; i++) {
      let sq = 0;
      for (let j = 0; j < m; j++) sq += data[i * (m + T) + j] ** 2;
      imageRates[s + i] = Math.sqrt(sq);
      for (let t = 0; t < T; t++) targetRates[(s + i) * T + t] = data[i * (m + T) + m + t];
    }
  }
  return { k, targets: T, imageRates, targetRates };
}

/** For each factor, the columns of its targets among `targetNames` (a target the probe lacks is an error of `caller`). */
export function factorColumns(groups: readonly FactorGroup[], targetNames: readonly string[], caller: string): number[][] {
  return groups.map((g) => g.targets.map((name) => {
    const c = targetNames.indexOf(name);
    if (c < 0) throw new Error(`${caller}: factor '${g.name}' needs target '${name}', which the probe does not have (${targetNames.join(', ')})`);
    return c;
  }));
}

/**
 * Factor rates s_f = ‖a_{t∈f}‖/(ρ·range_f) per direction: k×F row-major, F = groups.length. `targetNames` names the
 * columns of `rates.targetRates`. A direction with ρ = 0 (it does not change the image) gets NaN.
 */
export function factorRates(rates: DirectionalRates, targetNames: readonly string[], groups: readonly FactorGroup[] = SHAPES_FACTOR_GROUPS): Float64Array {
  const { k, targets: T } = rates;
  if (targetNames.length !== T) throw new Error(`factorRates: ${targetNames.length} target names for ${T} targets`);
  const cols = factorColumns(groups, targetNames, 'factorRates');
  const F = groups.length;
  const ranges = groups.map((g) => g.range ?? 1);
  const out = new Float64Array(k * F);
  for (let i = 0; i < k; i++) {
    const rho = rates.imageRates[i];
    for (let f = 0; f < F; f++) {
      let sq = 0;
      for (const c of cols[f]) sq += rates.targetRates[i * T + c] ** 2;
      out[i * F + f] = rho > 0 ? Math.sqrt(sq) / (rho * ranges[f]) : NaN;
    }
  }
  return out;
}

/** Largest share of the total squared factor rate (1/F … 1); NaN when nothing moves. */
export function purity(row: ArrayLike<number>): number {
  let total = 0, top = 0;
  for (let f = 0; f < row.length; f++) { const s2 = row[f] ** 2; total += s2; top = Math.max(top, s2); }
  return total > 0 ? top / total : NaN;
}

export interface DirectionScore {
  index: number;
  /** √(mean over seeds of s_f²), per factor. */
  response: number[];
  /** Mean over seeds of the direction's purity. */
  purity: number;
  /** Factor with the largest mean share, and the fraction of seeds at which it was the direction's top factor. */
  dominant: string;
  dominantAgreement: number;
  /** Mean share per factor (sums to 1 over factors). */
  share: number[];
}

export interface FactorScore {
  factors: string[];
  /** Seeds (positions) averaged. */
  seeds: number;
  directions: DirectionScore[];
  /** Mean purity of the top K directions. */
  purity: number;
  /** Per factor: mean over seeds of the best share among the K directions. */
  clarity: number[];
  /** Per factor: the best mean share of one fixed direction index. */
  fixedClarity: number[];
  /** Per factor: the index achieving fixedClarity. */
  fixedIndex: number[];
}

/**
 * Summarise factor rates over seeds. `perSeed[s]` is a k×F array from factorRates for the same method's top k
 * directions at seed s (rows in the method's order). Rows with NaN (no image change) are skipped for that seed.
 */
export function scoreDirections(perSeed: Float64Array[], k: number, factors: readonly string[]): FactorScore {
  const F = factors.length;
  if (perSeed.length === 0) throw new Error('scoreDirections: no seeds');
  for (const r of perSeed) if (r.length !== k * F) throw new Error(`scoreDirections: expected ${k}×${F} rates per seed, got ${r.length}`);
  const shares = perSeed.map((r) => {
    const q = new Float64Array(k * F);
    for (let i = 0; i < k; i++) {
      let total = 0;
      for (let f = 0; f < F; f++) total += r[i * F + f] ** 2;
      for (let f = 0; f < F; f++) q[i * F + f] = total > 0 ? r[i * F + f] ** 2 / total : NaN;
    }
    return q;
  });
  const mean = (xs: number[]) => { const v = xs.filter(Number.isFinite); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; };
  const directions: DirectionScore[] = [];
  for (let i = 0; i < k; i++) {
    const response = factors.map((_, f) => Math.sqrt(mean(perSeed.map((r) => r[i * F + f] ** 2))));
    const share = factors.map((_, f) => mean(shares.map((q) => q[i * F + f])));
    const p = mean(perSeed.map((r) => purity(r.subarray(i * F, (i + 1) * F))));
    let d = 0;
    for (let f = 1; f < F; f++) if (share[f] > share[d] || !Number.isFinite(share[d])) d = f;
    const agree = mean(shares.map((q) => {
      const row = Array.from(q.subarray(i * F, (i + 1) * F));
      if (!row.every(Number.isFinite)) return NaN;
      return row.indexOf(Math.max(...row)) === d ? 1 : 0;
    }));
    directions.push({ index: i, response, purity: p, dominant: factors[d], dominantAgreement: agree, share });
  }
  const clarity = factors.map((_, f) => mean(shares.map((q) => {
    let best = NaN;
    for (let i = 0; i < k; i++) { const v = q[i * F + f]; if (Number.isFinite(v) && !(v <= best)) best = v; }
    return best;
  })));
  const fixedIndex = factors.map((_, f) => {
    let best = 0;
    for (let i = 1; i < k; i++) if (directions[i].share[f] > directions[best].share[f] || !Number.isFinite(directions[best].share[f])) best = i;
    return best;
  });
  return {
    factors: [...factors], seeds: perSeed.length, directions,
    purity: mean(directions.map((d) => d.purity)),
    clarity,
    fixedClarity: fixedIndex.map((i, f) => directions[i].share[f]),
    fixedIndex,
  };
}
