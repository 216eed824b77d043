/**
 * The view ↔ store mapping, derived from the URL table (src/state/url.ts VIEW_FIELDS): each row names the
 * store key that holds it, its default and whether a change resets the sliders. Nothing here lists the
 * fields by hand, so a setting added to the table is read from links, written to links and reset
 * correctly without touching this file.
 */
import { VIEW_FIELDS, type Field, type ViewState, type ViewStoreKey } from '../../src/state/url';
import { DEFAULT_SLIDER_RANGE, rangeHolding, SLIDER_RANGE_FACTORS } from '../../src/engine/edit';
import { basisKey, effectiveSpace } from './keys';
import type { AtlasState, ViewSettings } from './store';

type AnyField = Field<keyof ViewState>;
const BOUND = (VIEW_FIELDS as readonly AnyField[]).filter((f): f is AnyField & { store: ViewStoreKey } => f.store !== null);

/** The store's value of each bound setting when a link leaves it out. */
export function viewDefaults(): ViewSettings {
  const out: Record<string, unknown> = {};
  for (const f of BOUND) out[f.store] = Array.isArray(f.fallback) ? [...f.fallback] : f.fallback;
  return out as unknown as ViewSettings;
}

/** Store keys whose change makes the slider positions meaningless (they belong to another reference or basis). */
export const SLIDER_RESETTING_KEYS: ReadonlySet<ViewStoreKey> = new Set(BOUND.filter((f) => f.resetsSliders).map((f) => f.store));

/** The store's value of a bound setting as the link shows it (the space the engine really uses). */
function storeValue(s: AtlasState, key: ViewStoreKey): unknown {
  return key === 'space' ? effectiveSpace(s) : s[key];
}

function isDefault(value: unknown, fallback: unknown): boolean {
  if (Array.isArray(value)) return value.every((v) => v === 0) && Array.isArray(fallback);
  return value === fallback;
}

/** The shareable part of the state, or null while nothing is shown yet (keep the link as it came). */
export function viewOf(s: AtlasState): ViewState | null {
  if (!s.model || !s.modelRef) return null;
  const view: Record<string, unknown> = {};
  // A remote model still waiting for consent stays in the link, so reloading asks again.
  if (s.pendingRemoteUrl) view.modelUrl = s.pendingRemoteUrl;
  else if (s.modelRef.kind === 'bundled') view.model = s.modelRef.id;
  else if (s.modelRef.kind === 'url') view.modelUrl = s.modelRef.url;
  for (const f of BOUND) {
    let value = storeValue(s, f.store);
    if (value === null || value === undefined) continue;
    if (f.omitDefault && isDefault(value, f.fallback)) continue;
    // Trailing zeros of a list (slider positions) carry nothing.
    if (Array.isArray(value) && f.prop === 'sliders') value = value.slice(0, value.findLastIndex((v: number) => v !== 0) + 1);
    view[f.prop] = value;
  }
  const reach = reachFactor(s.sliderRange, s.distance);
  if (reach !== undefined && reach !== 1) view.reach = reach;
  for (const f of BOUND) if (f.relevant && !f.relevant(view as ViewState)) delete view[f.prop];
  return view as ViewState;
}

/** The reach as a link writes it: a multiple of the distance's default (undefined if not one the app offers). */
function reachFactor(range: number, distance: ViewSettings['distance']): number | undefined {
  const factor = range / DEFAULT_SLIDER_RANGE[distance];
  return SLIDER_RANGE_FACTORS.find((f) => Math.abs(f - factor) < 1e-9 * f);
}

/**
 * The store patch for a view decoded from a link: every bound setting takes the link's value or its
 * default (a link describes a whole view), the slider reach is the link's (widened to hold its positions), and the positions
 * are kept only if the basis they belong to is the one shown; otherwise they wait (`pendingSliders`) for
 * the first basis computed for the link's settings.
 */
export function viewPatch(view: ViewState, current: AtlasState): { patch: Partial<AtlasState>; pendingSliders: number[] | null } {
  const patch: Record<string, unknown> = {};
  for (const f of BOUND) {
    const value = view[f.prop];
    patch[f.store] = value !== undefined ? value : Array.isArray(f.fallback) ? [...f.fallback] : f.fallback;
  }
  const settings = patch as unknown as ViewSettings;
  const sliders = settings.sliders;
  const next = { ...current, ...settings };
  const sameBasis = current.results.basis !== undefined && current.results.basis.key === basisKey(next);
  // The link's reach, widened if its positions lie beyond it (a hand-edited link): a position is never cut.
  const linked = DEFAULT_SLIDER_RANGE[settings.distance] * (view.reach ?? 1);
  const reach = sliders.every((p) => Math.abs(p) <= linked) ? linked : rangeHolding(settings.distance, sliders);
  const out: Partial<AtlasState> = { ...settings, sliderRange: reach };
  if (sameBasis) return { patch: { ...out, sliders: sliders.slice(0, current.results.basis!.value.directions.length) }, pendingSliders: null };
  return { patch: { ...out, sliders: [] }, pendingSliders: sliders.length ? sliders : null };
}

/** The patch for setting one bound store key from a control: the value, and no slider positions if it resets them. */
export function settingPatch<K extends ViewStoreKey>(key: K, value: AtlasState[K]): Partial<AtlasState> {
  return { [key]: value, ...(SLIDER_RESETTING_KEYS.has(key) ? { sliders: [] } : {}) } as Partial<AtlasState>;
}
