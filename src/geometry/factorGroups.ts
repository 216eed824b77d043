/**
 * Which factors a probe reads, grouped as the factor scores (factorScore.ts) and the sliders' factor labels use
 * them: each factor, the probe targets that read it, and its range in those targets' units. Free of tfjs, so the
 * UI can tell whether a model's probe reads factors at all.
 */
import { FACE_CONTINUOUS, FACE_TARGET_NAMES } from '../data/faces';

/** A factor, the probe targets (by name) that read it, and the length of its full range in those targets' units. */
export interface FactorGroup {
  name: string;
  targets: readonly string[];
  /** Rates are divided by this, so they read "fractions of the factor's range". Default 1. */
  range?: number;
}

/**
 * The shapes factors over the shapes probe's targets (src/data/shapes.ts FACTOR_TARGET_NAMES and
 * factorTargets): x, y, scale and background are scaled to [−1, 1] (range 2); hue and the k-fold symmetric
 * rotation are angles on the unit circle read as (cos, sin) (range 2π, one full turn). The class is
 * categorical and not scored.
 */
export const SHAPES_FACTOR_GROUPS: readonly FactorGroup[] = [
  { name: 'x', targets: ['x'], range: 2 },
  { name: 'y', targets: ['y'], range: 2 },
  { name: 'scale', targets: ['scale'], range: 2 },
  { name: 'rotation', targets: ['rot_cos', 'rot_sin'], range: 2 * Math.PI },
  { name: 'hue', targets: ['hue_cos', 'hue_sin'], range: 2 * Math.PI },
  { name: 'background', targets: ['background'], range: 2 },
];

/**
 * The faces factors over the faces probe's targets (src/data/faces.ts faceTargets): every linear factor is
 * standardised to [−1, 1] (range 2); hair hue and background hue are angles read as (cos, sin) (range 2π).
 * Hair style and glasses are categorical and not scored.
 */
export const FACES_FACTOR_GROUPS: readonly FactorGroup[] = FACE_CONTINUOUS.map((name) => {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const angle = FACE_TARGET_NAMES.includes(`${snake}_cos`);
  return angle ? { name, targets: [`${snake}_cos`, `${snake}_sin`], range: 2 * Math.PI } : { name, targets: [snake], range: 2 };
});

/**
 * The factor groups of a probe with these target names: the shapes or faces factors when it reads them in full,
 * otherwise one factor per target (a user's probe: its targets' units are unknown, so range 1); null when the
 * probe reads no targets (a classifier).
 */
export function factorGroupsOf(targets: readonly string[]): readonly FactorGroup[] | null {
  const reads = (groups: readonly FactorGroup[]) => groups.every((g) => g.targets.every((t) => targets.includes(t)));
  const known = [SHAPES_FACTOR_GROUPS, FACES_FACTOR_GROUPS].find(reads);
  if (known) return known;
  return targets.length > 0 ? targets.map((t) => ({ name: t, targets: [t], range: 1 })) : null;
}

/** A direction's dominant factor and its share of the total squared factor rate (its purity), or null when nothing moves. */
export function dominantFactor(rates: ArrayLike<number>, factors: readonly string[]): { factor: string; share: number } | null {
  let total = 0, top = -1;
  for (let f = 0; f < rates.length; f++) {
    const s2 = rates[f] ** 2;
    if (!Number.isFinite(s2)) return null;
    total += s2;
    if (top < 0 || s2 > rates[top] ** 2) top = f;
  }
  return total > 0 && top >= 0 ? { factor: factors[top], share: rates[top] ** 2 / total } : null;
}

