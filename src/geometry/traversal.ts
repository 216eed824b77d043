/**
 * Straight-line traversals of a latent code: the moves a slider makes. Pure float64 arithmetic on codes;
 * the engine runs G on the rows. (The curved, re-linearised walk is curveTraversal.ts.)
 *
 * - linear:     z(t) = z + t·v.
 * - spherical:  Wang & Ponce footnote 1 — "project vᵢ onto the tangent space of z₀ and then [use the]
 *               exponential map [to] travel on the big circle from z₀ along vᵢ": z(t) stays on the sphere
 *               ‖z(t)‖ = ‖z‖, where a Gaussian prior's mass concentrates (‖z‖ ≈ √n), instead of drifting off it.
 * - eigen-scaled steps: with H the metric of a squared distance, d²(z, z + t·uᵢ) ≈ t²λᵢ (Eq. 9 with v = uᵢ),
 *               so tᵢ = c/√λᵢ changes the image by the same predicted amount c along every eigenvector.
 * - subspace:   Choi et al. App. I, Eq. 22 (garbled in the text; read as G(w + x·vᵢ + y·vⱼ)): a 2-D grid.
 * - W+ ranges:  apply a W direction only to some style layers (coarse / middle / fine), producing w+ codes.
 */

function check(z: ArrayLike<number>, v: ArrayLike<number>, what: string): void {
  if (z.length !== v.length) throw new Error(`${what}: direction has ${v.length} entries, the code ${z.length}`);
}

/** z + t·v. */
export function linearStep(z: ArrayLike<number>, v: ArrayLike<number>, t: number): Float64Array {
  check(z, v, 'linearStep');
  return Float64Array.from(z, (zi, i) => zi + t * v[i]);
}

/** Rows z + tₖ·v for each t in ts: ts.length × n. */
export function linearPath(z: ArrayLike<number>, v: ArrayLike<number>, ts: ArrayLike<number>): Float64Array {
  check(z, v, 'linearPath');
  const n = z.length;
  const out = new Float64Array(ts.length * n);
  for (let k = 0; k < ts.length; k++) for (let i = 0; i < n; i++) out[k * n + i] = z[i] + ts[k] * v[i];
  return out;
}

/**
 * Coordinates of each row of `path` (count × n) relative to `origin`, in the first `dims` rows of `basis`
 * (unit rows, n each): where a walk goes in the plane of two directions (the curve-walk plot). Missing
 * basis rows give 0.
 */
export function planeCoordinates(path: Float64Array, count: number, origin: ArrayLike<number>, basis: Float64Array, rows: number, dims = 2): number[][] {
  const n = origin.length;
  return Array.from({ length: count }, (_, i) => Array.from({ length: dims }, (_, a) => {
    if (a >= rows) return 0;
    let s = 0;
    for (let j = 0; j < n; j++) s += (path[i * n + j] - origin[j]) * basis[a * n + j];
    return s;
  }));
}

/** The component of v tangent to the sphere through z: v − (⟨v, z⟩/‖z‖²) z. */
export function tangentProjection(z: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  check(z, v, 'tangentProjection');
  let zz = 0, vz = 0;
  for (let i = 0; i < z.length; i++) { zz += z[i] * z[i]; vz += v[i] * z[i]; }
  if (!(zz > 0)) throw new Error('tangentProjection: z = 0 has no sphere through it');
  const c = vz / zz;
  const out = Float64Array.from(v, (vi, i) => vi - c * z[i]);
  // One re-projection: removes the O(ε‖v‖) radial residue the subtraction leaves when v is nearly radial.
  let rz = 0;
  for (let i = 0; i < z.length; i++) rz += out[i] * z[i];
  const c2 = rz / zz;
  for (let i = 0; i < z.length; i++) out[i] -= c2 * z[i];
  return out;
}

/**
 * The great-circle move of footnote 1: with r = ‖z‖, p = tangentProjection(z, v), θ = t‖p‖/r,
 *   z(t) = cos θ · z + sin θ · r · p/‖p‖,
 * so ‖z(t)‖ = r for every t and dz/dt(0) = p (the exponential map on the sphere of radius r applied to t·p).
 * A purely radial v (p = 0) leaves z where it is: on the sphere there is nowhere for it to go.
 */
export function sphericalStep(z: ArrayLike<number>, v: ArrayLike<number>, t: number): Float64Array {
  const p = tangentProjection(z, v);
  let zz = 0, pp = 0, vv = 0;
  for (let i = 0; i < z.length; i++) { zz += z[i] * z[i]; pp += p[i] * p[i]; vv += v[i] * v[i]; }
  const r = Math.sqrt(zz), pn = Math.sqrt(pp);
  // Radial (or zero) v: what is left after projection is round-off, not a direction.
  if (!(pn > 1e-13 * Math.sqrt(vv))) return Float64Array.from(z);
  const theta = (t * pn) / r;
  const c = Math.cos(theta), s = (Math.sin(theta) * r) / pn;
  const out = Float64Array.from(z, (zi, i) => c * zi + s * p[i]);
  // Renormalise: cos²+sin² = 1 only to rounding, and a slider may chain thousands of steps.
  let oo = 0;
  for (const x of out) oo += x * x;
  const fix = r / Math.sqrt(oo);
  for (let i = 0; i < out.length; i++) out[i] *= fix;
  return out;
}

/** Rows sphericalStep(z, v, tₖ): ts.length × n. */
export function sphericalPath(z: ArrayLike<number>, v: ArrayLike<number>, ts: ArrayLike<number>): Float64Array {
  const n = z.length;
  const out = new Float64Array(ts.length * n);
  for (let k = 0; k < ts.length; k++) out.set(sphericalStep(z, v, ts[k]), k * n);
  return out;
}

export interface EigenScaledSteps {
  /** tᵢ = c/√max(λᵢ, floor). */
  steps: Float64Array;
  /** Predicted image distance √(tᵢ²λᵢ) (0 for λᵢ ≤ 0): c, except where clamped. */
  predicted: Float64Array;
  /** 1 where λᵢ was below the floor (the step was capped, so its predicted distance is < c). */
  clamped: Uint8Array;
  floor: number;
}

/**
 * Steps tᵢ = c/√λᵢ so each eigen-direction changes the image at the same predicted rate. Tiny or
 * non-positive λ (null space, round-off) would ask for absurd steps that leave the prior's support:
 * λ is floored at max(absFloor, relFloor·λ_max) (defaults 0 and 1e-6, i.e. steps at most 1000× the top
 * direction's), and `maxStep` caps tᵢ outright if given.
 */
export function eigenScaledSteps(eigenvalues: ArrayLike<number>, c: number, opts: { relFloor?: number; absFloor?: number; maxStep?: number } = {}): EigenScaledSteps {
  if (!(c >= 0)) throw new Error(`eigenScaledSteps: c must be ≥ 0, got ${c}`);
  let top = 0;
  for (let i = 0; i < eigenvalues.length; i++) top = Math.max(top, eigenvalues[i]);
  const floor = Math.max(opts.absFloor ?? 0, (opts.relFloor ?? 1e-6) * top, Number.MIN_VALUE);
  const k = eigenvalues.length;
  const steps = new Float64Array(k), predicted = new Float64Array(k), clamped = new Uint8Array(k);
  for (let i = 0; i < k; i++) {
    const l = eigenvalues[i];
    const raw = c / Math.sqrt(Math.max(l, floor));
    const capped = opts.maxStep !== undefined && raw > opts.maxStep;
    const t = capped ? opts.maxStep! : raw;
    steps[i] = t;
    predicted[i] = l > 0 ? t * Math.sqrt(l) : 0;
    clamped[i] = l < floor || capped ? 1 : 0;
  }
  return { steps, predicted, clamped, floor };
}

/**
 * Choi et al. App. I (Eq. 22): codes z + x·v₁ + y·v₂ on the grid xs × ys, row-major with y outer and x
 * inner (row = yIndex·xs.length + xIndex), i.e. ready to tile as an image grid with x horizontal.
 */
export function subspaceGrid(z: ArrayLike<number>, v1: ArrayLike<number>, v2: ArrayLike<number>, xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Array {
  check(z, v1, 'subspaceGrid');
  check(z, v2, 'subspaceGrid');
  const n = z.length;
  const out = new Float64Array(xs.length * ys.length * n);
  let o = 0;
  for (let b = 0; b < ys.length; b++) {
    for (let a = 0; a < xs.length; a++) {
      for (let i = 0; i < n; i++) out[o + i] = z[i] + xs[a] * v1[i] + ys[b] * v2[i];
      o += n;
    }
  }
  return out;
}

// ── W+ layer ranges ──────────────────────────────────────────────────────────────────────────────

export type LayerRange = 'coarse' | 'middle' | 'fine' | 'all';
export const LAYER_RANGES: readonly LayerRange[] = ['coarse', 'middle', 'fine', 'all'];

/**
 * Style-layer index range [start, end) for a named range, for L style inputs ordered coarse (lowest
 * resolution) to fine. Split by thirds at b₁ = round(L/3), b₂ = round(2L/3): coarse [0, b₁), middle
 * [b₁, b₂), fine [b₂, L). (StyleGAN's own split of its 18 layers is 4/4/10, by resolution; with our small
 * models' 2 layers per resolution, thirds are the honest generic choice — L = 8 gives 3/2/3.) For L < 3 a
 * third can be empty; each range is then widened to one layer (coarse → the first, fine → the last,
 * middle → ⌊(L−1)/2⌋), so ranges may overlap but never apply a direction to nothing.
 */
export function layerRange(L: number, range: LayerRange): [number, number] {
  if (!Number.isInteger(L) || L < 1) throw new Error(`layerRange: need a positive number of style layers, got ${L}`);
  const b1 = Math.round(L / 3), b2 = Math.round((2 * L) / 3);
  const [s, e] = range === 'all' ? [0, L] : range === 'coarse' ? [0, b1] : range === 'middle' ? [b1, b2] : [b2, L];
  if (e > s) return [s, e];
  const one = range === 'coarse' ? 0 : range === 'fine' ? L - 1 : Math.floor((L - 1) / 2);
  return [one, one + 1];
}

/** w repeated over L layers: L×wDim (the W → W+ embedding; Generator.broadcastW on plain numbers). */
export function broadcastToWplus(w: ArrayLike<number>, L: number): Float64Array {
  const d = w.length;
  const out = new Float64Array(L * d);
  for (let l = 0; l < L; l++) for (let i = 0; i < d; i++) out[l * d + i] = w[i];
  return out;
}

/**
 * w+ code (L×wDim) = base + t·v on the layers in `range` and base elsewhere. `base` is either a w
 * (wDim values, broadcast) or a w+ (L·wDim values); v is a W direction (wDim), or a full W+ direction
 * (L·wDim) of which only the rows in range are used.
 */
export function wplusStep(base: ArrayLike<number>, v: ArrayLike<number>, t: number, shape: { layers: number; wDim: number }, range: LayerRange | [number, number]): Float64Array {
  const { layers: L, wDim } = shape;
  const out = base.length === wDim ? broadcastToWplus(base, L) : Float64Array.from(base);
  if (out.length !== L * wDim) throw new Error(`wplusStep: base has ${base.length} entries, expected ${wDim} or ${L}×${wDim}`);
  if (v.length !== wDim && v.length !== L * wDim) throw new Error(`wplusStep: direction has ${v.length} entries, expected ${wDim} or ${L}×${wDim}`);
  const [s, e] = typeof range === 'string' ? layerRange(L, range) : range;
  if (!(Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s < e && e <= L)) throw new Error(`wplusStep: layer range [${s}, ${e}) is not inside 0…${L}`);
  const perLayer = v.length === L * wDim && L > 1;
  for (let l = s; l < e; l++) {
    for (let i = 0; i < wDim; i++) out[l * wDim + i] += t * v[perLayer ? l * wDim + i : i];
  }
  return out;
}
