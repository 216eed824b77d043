/**
 * Slider edits of a latent. A slider's position is a predicted image change (the distance's own units,
 * see types.ts "Explorer"); the latent step along its direction is position / rate, so equal travel on any
 * slider predicts an equal change of the image. The edited latent is reference + Σ stepᵢ·directionᵢ in the
 * basis space: Z for space 'z', W for 'w', and W on a range of style layers for 'wplus'.
 *
 * Edits arrive from another thread, so they are checked here (one plain sentence per problem) rather than
 * trusted from the type system.
 *
 * Plain arithmetic without tfjs, so the UI can import it (slider positions → steps); the tensor side,
 * the edited latent itself, is editedLatent.ts.
 */
import type { Generator } from '../model/generator';
import { DEFAULT_SLIDER_RANGE, LAYER_RANGES, MAX_DIRECTIONS, SLIDER_RANGE_FACTORS } from '../state/vocabulary';
import type { DistanceName, LatentEdit, LatentSpace } from './types';

export { DEFAULT_SLIDER_RANGE, MAX_DIRECTIONS, SLIDER_RANGE_FACTORS };

/** The smallest offered reach for `distance` that holds every position (for links carrying positions). */
export function rangeHolding(distance: DistanceName, positions: readonly number[]): number {
  const need = Math.max(0, ...positions.map((p) => Math.abs(p)));
  const base = DEFAULT_SLIDER_RANGE[distance];
  if (need <= base) return base;
  for (const f of SLIDER_RANGE_FACTORS) if (base * f >= need) return base * f;
  return base * SLIDER_RANGE_FACTORS[SLIDER_RANGE_FACTORS.length - 1];
}

/**
 * Rates below this fraction of the basis's largest rate are raised to it before dividing. A direction
 * the image barely responds to (a null direction, rate → 0) would otherwise ask for an unbounded latent
 * step and leave the prior's support; with the floor its step is at most 1000× the most effective
 * direction's (the same bound eigenScaledSteps puts on eigenvalues: 1e-6 on λ is 1e-3 on √λ).
 */
export const RELATIVE_RATE_FLOOR = 1e-3;

/** The rates actually divided by: max(rateᵢ, RELATIVE_RATE_FLOOR·max rate); all 0 when no rate is positive. */
export function flooredRates(rates: ArrayLike<number>): number[] {
  let top = 0;
  for (let i = 0; i < rates.length; i++) {
    const r = rates[i];
    if (!(Number.isFinite(r) && r >= 0)) throw new Error(`Rate ${i + 1} is ${r}; rates must be finite and not negative.`);
    top = Math.max(top, r);
  }
  return Array.from(rates, (r) => (top > 0 ? Math.max(r, RELATIVE_RATE_FLOOR * top) : 0));
}

/**
 * Latent steps for slider positions: positionᵢ / max(rateᵢ, floor) (see RELATIVE_RATE_FLOOR). When no
 * direction changes the image at all (every rate 0) there is no scale to travel by, and every step is 0.
 */
export function sliderSteps(rates: ArrayLike<number>, positions: ArrayLike<number>): number[] {
  if (rates.length !== positions.length) throw new Error(`There are ${positions.length} slider positions for ${rates.length} rates.`);
  const floored = flooredRates(rates);
  return floored.map((r, i) => {
    const p = positions[i];
    if (!Number.isFinite(p)) throw new Error(`Slider position ${i + 1} is not a finite number.`);
    return r > 0 ? p / r : 0;
  });
}

/** Size of the basis space a space's edits live in: Z for 'z', W for 'w' and 'wplus'. */
export function editDim(g: Generator, space: LatentSpace): number {
  return space === 'z' ? g.zDim : g.wDim!;
}

/** Throws one plain sentence if `edit` is not a valid edit for `space` of `g`. */
export function validateEdit(g: Generator, space: LatentSpace, edit: LatentEdit): void {
  if (!edit || typeof edit !== 'object') throw new Error('An edit must be an object with directions and steps.');
  const { directions, steps } = edit;
  if (!Array.isArray(directions) || !Array.isArray(steps)) throw new Error('An edit needs a list of directions and a list of steps.');
  if (directions.length !== steps.length) throw new Error(`The edit has ${directions.length} directions but ${steps.length} steps.`);
  if (directions.length > MAX_DIRECTIONS) throw new Error(`An edit may move along at most ${MAX_DIRECTIONS} directions, not ${directions.length}.`);
  const dim = editDim(g, space);
  const basis = space === 'z' ? 'Z' : 'W';
  directions.forEach((d, i) => {
    if (!Array.isArray(d) || d.length !== dim) throw new Error(`Edit direction ${i + 1} has ${Array.isArray(d) ? d.length : 0} values; ${basis} of this model has ${dim}.`);
    if (!d.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`Edit direction ${i + 1} contains a value that is not a finite number.`);
  });
  if (!steps.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error('An edit step is not a finite number.');
  if (edit.layers !== undefined && !LAYER_RANGES.includes(edit.layers)) throw new Error(`The layer range must be one of ${LAYER_RANGES.join(', ')}.`);
  if (edit.spherical && space !== 'z') throw new Error('A spherical edit moves on a sphere in Z, so it needs space z.');
}

/** True when the edit moves nowhere (absent, no directions, or every step 0). */
export function isIdentityEdit(edit: LatentEdit | undefined): boolean {
  return !edit || edit.steps.every((s) => s === 0);
}

/** Σ stepsᵢ·directionsᵢ in float64. */
export function editOffset(edit: LatentEdit, dim: number): Float64Array {
  const out = new Float64Array(dim);
  edit.directions.forEach((d, i) => {
    const t = edit.steps[i];
    if (t !== 0) for (let j = 0; j < dim; j++) out[j] += t * d[j];
  });
  return out;
}
