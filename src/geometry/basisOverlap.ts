/**
 * How much two bases agree at one reference (the Compare panel; issue 18 "side by side"): the |cos| between every
 * direction of one and every direction of the other — does metric #1 reappear as GANSpace #3? — and, for the
 * spans of their top r directions, the principal angles and the two Grassmannian distances Choi et al. use
 * (src/linalg/principalAngles.ts). Directions are compared by angle only, so their signs and lengths do not matter.
 */
import { grassmannGeodesicDistance, grassmannProjectionDistance, principalAngles } from '../linalg/principalAngles';

export interface BasisOverlap {
  /** |cos| between direction i of the first basis (rows) and direction j of the second (columns). */
  cosines: number[][];
  /** Principal angles between the two spans, ascending, in radians. */
  angles: number[];
  /** ‖P₁ − P₂‖₂ = sin θ_max (0: the same span; 1: some direction of one is orthogonal to the other). */
  projection: number;
  /** ‖θ‖₂, the geodesic distance on the Grassmannian (max √r·π/2). */
  geodesic: number;
  /** Mean cos² θᵢ = ‖Q₁Q₂ᵀ‖²_F / r: the fraction of one span the other holds (1: the same; r/n: random spans). */
  sharedFraction: number;
}

/** The overlap of the first r rows of `a` and of `b` (each at least r rows of n numbers). */
export function basisOverlap(a: readonly (readonly number[])[], b: readonly (readonly number[])[], r: number): BasisOverlap {
  const n = a[0]?.length ?? 0;
  if (!(Number.isInteger(r) && r >= 1 && r <= n && a.length >= r && b.length >= r)) throw new Error(`basisOverlap: need r between 1 and n with r rows in each basis (r = ${r}, n = ${n}, rows ${a.length} and ${b.length}).`);
  if ([...a.slice(0, r), ...b.slice(0, r)].some((row) => row.length !== n)) throw new Error('basisOverlap: every direction must have the same length.');
  const unit = (row: readonly number[]) => {
    const len = Math.hypot(...row);
    if (!(len > 0)) throw new Error('basisOverlap: a direction is zero or not finite.');
    return row.map((v) => v / len);
  };
  const ua = a.slice(0, r).map(unit), ub = b.slice(0, r).map(unit);
  const cosines = ua.map((x) => ub.map((y) => Math.abs(x.reduce((s, v, i) => s + v * y[i], 0))));
  const flatA = Float64Array.from(ua.flat()), flatB = Float64Array.from(ub.flat());
  const angles = Array.from(principalAngles(flatA, flatB, r, n));
  return {
    cosines, angles,
    projection: grassmannProjectionDistance(flatA, flatB, r, n),
    geodesic: grassmannGeodesicDistance(flatA, flatB, r, n),
    sharedFraction: angles.reduce((s, t) => s + Math.cos(t) ** 2, 0) / r,
  };
}
