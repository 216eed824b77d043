/**
 * Pure state transitions of the explorer and the requests it sends: each takes the state (and an input)
 * and returns a store patch or a request, so the session only applies them and talks to the workers.
 */
import { sliderSteps } from '../../src/engine/edit';
import type { BasisRequest, DistanceName, LatentEdit, LatentSpace, LatentSpec } from '../../src/engine/types';
import type { AscentRequest, VeffRequest, LikelihoodMapRequest, LikelihoodRequest } from '../../src/engine/likelihood';
import type { CompareRequest } from '../../src/engine/compare';
import type { CurveWalkRequest } from '../../src/engine/curveWalk';
import type { MontageRequest } from '../../src/engine/montage';
import type { SearchRequest } from '../../src/engine/search';
import type { SweepRequest } from '../../src/engine/sweep';
import { DEFAULT_SLIDER_RANGE, MAX_DIRECTIONS, type LogdetFloor, type SliderBasisKind } from '../../src/state/vocabulary';
import { directionsDigest, viewSpaceFor, type ImportedDirections } from '../../src/state/importedBasis';
import { currentBasis, effectiveSpace, referenceKey } from './keys';
import type { AtlasState } from './store';
import { settingPatch } from './view';

export interface MontageOptions { rows: number; columns: number; extent: number }

/** A slider position held within the reach (a non-finite one is 0). */
export function clampPosition(v: number, range: number): number {
  return Number.isFinite(v) ? Math.max(-range, Math.min(range, v)) : 0;
}

/** Set slider positions by index (missing ones before them become 0), each clamped to the reach. */
export function withSliders(s: Pick<AtlasState, 'sliders' | 'sliderRange'>, positions: Record<number, number>): Pick<AtlasState, 'sliders'> {
  const sliders = [...s.sliders];
  for (const [i, v] of Object.entries(positions)) {
    const index = Number(i);
    if (!Number.isInteger(index) || index < 0 || index >= MAX_DIRECTIONS) continue;
    while (sliders.length <= index) sliders.push(0);
    sliders[index] = clampPosition(v, s.sliderRange);
  }
  return { sliders };
}

/**
 * One cycle of a traversal along a slider, 0 → +reach → 0 → −reach → (0 again starts the next cycle), in
 * `perSide` equal steps from 0 to either end: the presenter's Space plays it in a loop.
 */
export function traversalCycle(range: number, perSide: number): number[] {
  if (!(range > 0) || !Number.isInteger(perSide) || perSide < 1) throw new Error('A traversal needs a positive reach and at least one step per side.');
  const up = Array.from({ length: perSide }, (_, i) => (range * i) / perSide);
  const out = [...up, range, ...up.slice(1).reverse()];
  return [...out, ...out.map((v) => -v)].map((v) => (v === 0 ? 0 : v));
}

/** A new reach; positions beyond it are pulled in. */
export function withSliderRange(s: Pick<AtlasState, 'sliders'>, range: number): Pick<AtlasState, 'sliders' | 'sliderRange'> {
  return { sliderRange: range, sliders: s.sliders.map((v) => clampPosition(v, range)) };
}

/** Each distance has its own units: the reach follows, and positions in the old units are dropped. */
export function withDistance(distance: DistanceName): Partial<AtlasState> {
  return { ...settingPatch('distance', distance), sliderRange: DEFAULT_SLIDER_RANGE[distance] };
}

/** The number of directions, as a whole number in [1, MAX_DIRECTIONS]. */
export function withK(k: number): Partial<AtlasState> {
  return settingPatch('k', Math.max(1, Math.min(MAX_DIRECTIONS, Math.round(Number.isFinite(k) ? k : 1))));
}

/**
 * Imported directions as the sliders' basis: every direction a slider, shown in their own space (W directions
 * stay on a W+ view), from the centre.
 */
export function withImported(s: Pick<AtlasState, 'model' | 'space' | 'z' | 'w'>, imported: ImportedDirections): Partial<AtlasState> {
  return { basisKind: 'imported', imported, space: viewSpaceFor(imported.space, effectiveSpace(s)), k: imported.directions.length, sliders: [] };
}

/** A new seed replaces a link's explicit latent. */
export function withSeed(seed: number): Partial<AtlasState> {
  return { ...settingPatch('seed', seed), z: null, w: null };
}

/**
 * Explore an explicit latent from here (an inversion's, search's or ascent's result): a z, or a W / W+ code,
 * which replaces any other explicit latent and is shown in its own space (a code has no Z).
 */
export function withLatent(latent: { space: LatentSpace; values: number[] }): Partial<AtlasState> {
  if (latent.space === 'z') return { ...settingPatch('z', latent.values), w: null };
  return { ...settingPatch('w', latent.values), z: null, space: latent.space };
}

/** The latent the engine is asked for: the link's z, its W code, or the seed with its truncation. */
export function latentOf(s: Pick<AtlasState, 'z' | 'w' | 'seed' | 'truncation'>): LatentSpec {
  if (s.z) return { z: s.z };
  if (s.w) return { w: s.w };
  return s.truncation === 1 ? { seed: s.seed } : { seed: s.seed, truncation: s.truncation };
}

/** The slider edit of the current basis (undefined when no slider is moved or no current basis). */
export function editOf(s: AtlasState): LatentEdit | undefined {
  const basis = currentBasis(s);
  if (!basis || !s.sliders.some((v) => v !== 0)) return undefined;
  const n = Math.min(basis.directions.length, s.sliders.length);
  const space = effectiveSpace(s);
  return {
    directions: basis.directions.slice(0, n),
    steps: sliderSteps(basis.rates.slice(0, n), s.sliders.slice(0, n)),
    ...(space === 'wplus' ? { layers: s.layers } : {}),
    ...(space === 'z' && s.spherical ? { spherical: true } : {}),
  };
}

/** The basis request of the current settings. */
export function basisRequest(s: AtlasState): BasisRequest {
  const imported = s.basisKind === 'imported' && s.imported ? { imported: { space: s.imported.space, directions: s.imported.directions } } : {};
  return { latent: latentOf(s), space: effectiveSpace(s), kind: s.basisKind, distance: s.distance, k: s.k, seed: 0, ...imported };
}

/** The montage for these options at the current view, and its key (null while there is no current basis). */
export function montageJob(s: AtlasState, opts: MontageOptions): { key: string; request: MontageRequest } | null {
  const basis = currentBasis(s);
  const key = s.results.basis?.key;
  if (!basis || !key) return null;
  const n = Math.min(opts.rows, basis.directions.length);
  const space = effectiveSpace(s);
  return {
    key: `${key}|${n}|${opts.columns}|${opts.extent}|${s.spherical}|${s.layers}`,
    request: {
      latent: latentOf(s),
      space,
      basis: { directions: basis.directions, rates: basis.rates, distance: basis.distance },
      rows: Array.from({ length: n }, (_, i) => i),
      columns: opts.columns,
      extent: opts.extent,
      ...(space === 'z' && s.spherical ? { spherical: true } : {}),
      ...(space === 'wplus' ? { layers: s.layers } : {}),
    },
  };
}

/** A curve walk from the current reference, and its key. */
export function curveJob(s: AtlasState, opts: { index: number; steps: number; intensity: number }): { key: string; request: CurveWalkRequest } | null {
  const ref = referenceKey(s);
  if (!ref) return null;
  return {
    key: `${ref}|${opts.index}|${opts.steps}|${opts.intensity}`,
    request: { latent: latentOf(s), index: opts.index, steps: opts.steps, intensity: opts.intensity },
  };
}

/** A sweep over `count` seeds from the current one, in the current space and distance, and its key. */
export function sweepJob(s: AtlasState, opts: { count: number }): { key: string; request: SweepRequest } | null {
  if (!s.model) return null;
  const space = effectiveSpace(s);
  return {
    key: `${s.model.id}|${s.seed}|${opts.count}|${space}|${s.distance}`,
    request: { seed: s.seed, count: opts.count, space, distance: s.distance },
  };
}

/** Algorithm 1's settings the Likelihood panel offers (the rest are the paper's defaults). */
export interface LikelihoodOptions { eps: number; floor: LogdetFloor; degree: number; probes: number }

/** ln Q at the current latent (in Z: the likelihood needs the prior's density), and its key. */
export function likelihoodJob(s: AtlasState, opts: LikelihoodOptions): { key: string; request: LikelihoodRequest } | null {
  const ref = referenceKey(s);
  if (!ref) return null;
  return { key: `${ref}|${opts.eps}|${opts.floor}|${opts.degree}|${opts.probes}`, request: { latent: latentOf(s), ...opts } };
}

/** The view's likelihood ascent (its settings in the store) from the current latent, and its key; null without one. */
export function ascentJob(s: AtlasState): { key: string; request: AscentRequest } | null {
  const ref = referenceKey(s);
  const a = s.ascent;
  if (!ref || !a) return null;
  const every = Math.max(1, Math.round(a.steps / 8));
  return {
    key: `${ref}|${a.steps}|${a.lr}|${a.eps}|${a.floor}|${a.gradient}`,
    request: { latent: latentOf(s), steps: a.steps, lr: a.lr, eps: a.eps, floor: a.floor, gradient: a.gradient, every },
  };
}

/**
 * The ascent settings after a state change: an ascent belongs to the latent it started from, so when the
 * reference moves (another seed, latent, space or model) the old settings are dropped — unless they came
 * with the change (a link), or there was no reference before (the link's model still loading).
 */
export function ascentAfter(s: AtlasState, prev: AtlasState): AtlasState['ascent'] {
  if (!s.ascent || s.ascent !== prev.ascent) return s.ascent;
  const before = referenceKey(prev);
  return before !== null && referenceKey(s) !== before ? null : s.ascent;
}

/** v_eff over `samples` prior samples from the current seed, and its key (a property of the model, not of the image). */
export function veffJob(s: AtlasState, opts: { samples: number }): { key: string; request: VeffRequest } | null {
  if (!s.model) return null;
  return { key: `${s.model.id}|${s.seed}|${opts.samples}`, request: { seed: s.seed, samples: opts.samples } };
}

/** ln Q over a grid × grid slice through the current latent, ±extent along two axes, and its key. */
export function likelihoodMapJob(s: AtlasState, opts: { axes: 'eigen' | 'random'; extent: number; grid: number; eps: number; floor: LogdetFloor }): { key: string; request: LikelihoodMapRequest } | null {
  const ref = referenceKey(s);
  if (!ref) return null;
  return { key: `${ref}|${opts.axes}|${opts.extent}|${opts.grid}|${opts.eps}|${opts.floor}`, request: { latent: latentOf(s), ...opts } };
}

/** The Search panel's settings: the objective (src/methods/search.ts) and CMA-ES's budget. */
export interface SearchOptions { objective: string; generations: number; sigma: number; k: number; seed: number }

/** CMA-ES beside Hessian CMA-ES from the current latent, and its key. */
export function searchJob(s: AtlasState, opts: SearchOptions): { key: string; request: SearchRequest } | null {
  const ref = referenceKey(s);
  if (!ref) return null;
  return {
    key: `${ref}|${opts.objective}|${opts.generations}|${opts.sigma}|${opts.k}|${opts.seed}`,
    request: { latent: latentOf(s), objective: opts.objective, generations: opts.generations, sigma: opts.sigma, k: opts.k, seed: opts.seed },
  };
}

export interface CompareOptions { rows: number; columns: number; extent: number }

/**
 * The chosen bases the current view can show side by side, and why any other is left out: Local Basis needs a
 * mapping network, and loaded directions must be loaded and live in the view's basis space (W for W and W+).
 */
export function comparableKinds(s: Pick<AtlasState, 'compareKinds' | 'model' | 'imported' | 'space' | 'z' | 'w'>): { kinds: SliderBasisKind[]; left: string[] } {
  const basisSpace = effectiveSpace(s) === 'z' ? 'z' : 'w';
  const why = (k: SliderBasisKind): string | null => {
    if (k === 'local' && !s.model?.isStyleBased) return 'Local Basis needs a style model; it is left out for this one.';
    if (k !== 'imported') return null;
    if (!s.imported) return 'No directions are loaded (Load directions…); their column is left out.';
    if (s.imported.space !== basisSpace) {
      return `The loaded directions live in ${s.imported.space === 'z' ? 'Z' : 'W'}: switch to ${s.imported.space === 'z' ? 'Z' : 'W or W+'} to compare them.`;
    }
    return null;
  };
  const reasons = s.compareKinds.map(why);
  return { kinds: s.compareKinds.filter((_, i) => reasons[i] === null), left: reasons.filter((w): w is string => w !== null) };
}

/** The comparison of the chosen bases at the current view, and its key (null while no model is shown or fewer than two bases can be). */
export function compareJob(s: AtlasState, opts: CompareOptions): { key: string; request: CompareRequest } | null {
  const ref = referenceKey(s);
  const { kinds } = comparableKinds(s);
  if (!ref || kinds.length < 2) return null;
  const space = effectiveSpace(s);
  const spherical = space === 'z' && s.spherical;
  const layers = space === 'wplus' ? s.layers : undefined;
  // Loaded directions are named in the key by their digest, as the sliders' basis is (keys.ts).
  const imported = kinds.includes('imported') && s.imported ? s.imported : null;
  return {
    key: `${ref}|compare|${kinds.join(',')}${imported ? `:${directionsDigest(imported)}` : ''}|${s.distance}|${opts.rows}|${opts.columns}|${opts.extent}|${spherical}|${layers ?? ''}`,
    request: {
      latent: latentOf(s), space, distance: s.distance, kinds, rows: opts.rows, columns: opts.columns, extent: opts.extent,
      ...(imported ? { imported: { space: imported.space, directions: imported.directions } } : {}),
      ...(spherical ? { spherical: true } : {}), ...(layers ? { layers } : {}),
    },
  };
}
