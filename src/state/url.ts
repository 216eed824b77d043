/**
 * The view ↔ location-hash codec (DESIGN §5). Pure: no DOM, no globals beyond atob/btoa.
 *
 * One table (VIEW_FIELDS) lists every property a link can carry, in the spirit of TensorFlow Playground's
 * state table: how to read and write it, and how the app binds it (the store key that holds it, its default,
 * whether a change resets the sliders, when it is relevant). The app derives its view ↔ store mapping from
 * this table (app/state/view.ts), so a new setting is one row here plus its control.
 *
 * Decoding is total: whatever the hash holds, the result is a valid view plus plain-text notices for what
 * was dropped. Notices are text, never HTML, and quote at most a short, sanitised piece of the input.
 */
import { isModelId } from '../util/modelId';
import { decodeFloats, encodeFloats, MAX_LATENT_FLOATS } from './floats';
import { tourOf, type TourPosition } from './tours';
import { STEER_EDITS, type SteerEdit } from '../methods/steerEdits';
import { linkable, type ImportedDirections } from './importedBasis';
import {
  DEFAULT_COMPARED, DISTANCES, LAYER_RANGES, LOGDET_FLOORS, MAX_ASCENT_STEPS, MAX_COMPARED, MAX_DIRECTION_LENGTH, MAX_DIRECTIONS,
  MAX_LINKED_DIRECTION_NUMBERS, MAX_SEED, MAX_TRUNCATION, PANELS, SLIDER_BASIS_KINDS, SLIDER_RANGE_FACTORS, SPACES,
  type AscentSettings, type DistanceName, type LatentSpace, type LayerRangeName, type PanelName, type SliderBasisKind,
} from './vocabulary';

export { decodeFloats, encodeFloats, MAX_TRUNCATION, PANELS, type PanelName };

export const URL_VERSION = 1;

export interface ViewState {
  /** Bundled model id. */
  model?: string;
  /** A remote model folder; the app fetches it only after the reader confirms. */
  modelUrl?: string;
  /** Seed of the prior sample shown. */
  seed?: number;
  /** An explicit latent z (overrides the seed when both are present). */
  z?: number[];
  /** An explicit W code (wDim values) or W+ code (styleLayers·wDim), e.g. an inversion's result; z overrides it. */
  w?: number[];
  space?: LatentSpace;
  /** Truncation ψ of the seed's sample (1 = none). */
  truncation?: number;
  /** The basis under the sliders, its distance and number of directions. */
  basis?: SliderBasisKind;
  /** The directions of an 'imported' basis (loaded from a file), when short enough to link. */
  imported?: ImportedDirections;
  distance?: DistanceName;
  k?: number;
  /** Slider positions, in predicted image change (one per direction, at most MAX_DIRECTIONS). */
  sliders?: number[];
  /** The sliders' reach as a multiple of the distance's default (one of SLIDER_RANGE_FACTORS; 1 = default). */
  reach?: number;
  layers?: LayerRangeName;
  spherical?: boolean;
  panel?: PanelName;
  /** Presenter mode: the image and sliders large, readable from the back of a room, keyboard-driven. */
  presenter?: boolean;
  /** A guided tour and its step (src/state/tours.ts): the Tour card shows it. */
  tour?: TourPosition;
  /** A likelihood ascent from this view's latent, with these settings (the Likelihood panel runs it). */
  ascent?: AscentSettings;
  /** A learned linear steering walk and its slider's α (the Steer panel applies it to this view's latent). */
  steerWalk?: SteerLink;
  /** The bases the Compare panel shows side by side (2 to MAX_COMPARED distinct kinds; 'imported' needs `imported`). */
  compare?: SliderBasisKind[];
}

/**
 * A linear walk of one direction, carried whole by a link (a walk lives in one browser's storage, so a link
 * cannot name it by id): the edit, its space, the slider's α, and the direction as float32s. Colour's three
 * directions and non-linear walks' networks are too long for a link; they travel as exported files.
 */
export interface SteerLink {
  edit: Exclude<SteerEdit, 'color'>;
  space: 'z' | 'w';
  alpha: number;
  direction: number[];
}

export interface DecodedView {
  state: ViewState;
  /** One plain sentence per dropped or adjusted field. */
  notices: string[];
}

/** A W+ code (1024 float32s) and imported directions (2048) together fit. */
const MAX_HASH = 32_768;
const MAX_URL = 2_000;
const MAX_Z = MAX_LATENT_FLOATS;

/** The view's defaults: what the app shows for a field a link leaves out. */
export const DEFAULT_SEED = 1;
export const DEFAULT_K = 10;

/**
 * How the app binds a field: `store` names the app store's key (null: the model fields, which the
 * session resolves against the catalogue), `fallback` is the store's value when a link leaves the field
 * out (null: none), `resetsSliders` says a change moves the reference or the basis, so slider positions
 * no longer apply.
 */
/** The app store's keys the view binds (app/state/store.ts checks it has each, with the view's type). */
export type ViewStoreKey = 'seed' | 'z' | 'w' | 'space' | 'truncation' | 'basisKind' | 'distance' | 'k' | 'sliders' | 'layers' | 'spherical' | 'panel' | 'presenter' | 'tour' | 'ascent' | 'steerWalk' | 'compareKinds' | 'imported';

export interface FieldBinding<K extends keyof ViewState> {
  store: ViewStoreKey | null;
  fallback: NonNullable<ViewState[K]> | null;
  resetsSliders: boolean;
  /** The app writes it to a link only when this holds for the rest of the view (e.g. layers only in W+); the codec itself writes whatever it is given. */
  relevant?: (view: ViewState) => boolean;
  /** Left out of a link when equal to `fallback` (values that mean "nothing": ψ = 1, no slider moved). */
  omitDefault?: boolean;
}

export interface Field<K extends keyof ViewState> extends FieldBinding<K> {
  key: string;
  prop: K;
  /** Human name used in notices. */
  label: string;
  parse(raw: string): ViewState[K] | undefined;
  format(value: NonNullable<ViewState[K]>): string;
}

const field = <K extends keyof ViewState>(f: Field<K>) => f;

/** The properties whose values are one word from a fixed list. */
type ChoiceProp = { [K in keyof ViewState]-?: NonNullable<ViewState[K]> extends string ? K : never }[keyof ViewState];

/** A field holding one word of `options`, written as itself. */
const choice = <K extends ChoiceProp>(key: string, prop: K, label: string, options: readonly NonNullable<ViewState[K]>[], binding: FieldBinding<K>) =>
  field<K>({ key, prop, label, parse: (raw) => oneOf(options as readonly string[], raw) as ViewState[K] | undefined, format: (v) => v as string, ...binding });

const unbound = { store: null, fallback: null, resetsSliders: true } as const;

/** Every property a link can carry, in the order they are written. */
export const VIEW_FIELDS = [
  field({
    key: 'model', prop: 'model', label: 'model id', ...unbound,
    parse: (raw) => (isModelId(raw) ? raw : undefined),
    format: (v) => v,
  }),
  field({
    key: 'url', prop: 'modelUrl', label: 'model URL', ...unbound,
    parse: parseHttpUrl,
    format: (v) => v,
  }),
  field({
    key: 'seed', prop: 'seed', label: 'seed', store: 'seed', fallback: DEFAULT_SEED, resetsSliders: true,
    // A link with a latent code carries no seed: the code overrides it.
    relevant: (v) => v.z === undefined && v.w === undefined,
    parse: (raw) => (/^\d{1,10}$/.test(raw) && Number(raw) <= MAX_SEED ? Number(raw) : undefined),
    format: (v) => String(v),
  }),
  field({
    key: 'z', prop: 'z', label: 'latent code', store: 'z', fallback: null, resetsSliders: true,
    parse: decodeFloats,
    format: encodeFloats,
  }),
  field({
    key: 'w', prop: 'w', label: 'W code', store: 'w', fallback: null, resetsSliders: true,
    relevant: (v) => v.z === undefined,
    parse: decodeFloats,
    format: encodeFloats,
  }),
  choice('space', 'space', 'latent space', SPACES, { store: 'space', fallback: 'z', resetsSliders: true }),
  field({
    key: 'psi', prop: 'truncation', label: 'truncation', store: 'truncation', fallback: 1, resetsSliders: true, omitDefault: true,
    relevant: (v) => v.z === undefined && v.w === undefined,
    parse: (raw) => (/^\d*\.?\d+$/.test(raw) && Number(raw) > 0 && Number(raw) <= MAX_TRUNCATION ? Number(raw) : undefined),
    format: (v) => String(v),
  }),
  choice('basis', 'basis', 'basis', SLIDER_BASIS_KINDS, { store: 'basisKind', fallback: 'metric', resetsSliders: true }),
  field({
    // space,k,directions,name: e.g. dirs=z,3,<float32s>,metric-seed3.json. Written only while loaded directions are shown
    // (the basis, or a column of the Compare panel), and only up to MAX_LINKED_DIRECTION_NUMBERS numbers (a longer set
    // cannot be formatted, so its link shows the metric basis and leaves the column out).
    key: 'dirs', prop: 'imported', label: 'imported directions', store: 'imported', fallback: null, resetsSliders: true,
    relevant: (v) => v.basis === 'imported' || (v.panel === 'compare' && (v.compare ?? []).includes('imported')),
    parse: parseImportedLink,
    format: (v) => {
      if (!linkable(v)) throw new Error('too long to link');
      return [v.space, String(v.directions.length), encodeFloats(v.directions.flat(), MAX_LINKED_DIRECTION_NUMBERS), v.name].join(',');
    },
  }),
  choice('dist', 'distance', 'image distance', DISTANCES, { store: 'distance', fallback: 'mse', resetsSliders: true }),
  field({
    key: 'k', prop: 'k', label: 'number of sliders', store: 'k', fallback: DEFAULT_K, resetsSliders: true,
    parse: (raw) => (/^\d{1,2}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= MAX_DIRECTIONS ? Number(raw) : undefined),
    format: (v) => String(v),
  }),
  field({
    key: 'c', prop: 'sliders', label: 'slider positions', store: 'sliders', fallback: [], resetsSliders: false, omitDefault: true,
    // Decimal, not float32: JS prints the shortest text that reads back to the same double, so a
    // slider position survives the link exactly (and the link stays readable).
    parse: parseNumberList,
    format: (v) => v.map((x) => String(x)).join(','),
  }),
  field({
    // The reach is bound by the app's view mapping (app/state/view.ts), not one store key: the store holds it in
    // the distance's units, the link as a multiple of that distance's default, so it reads the same for any distance.
    key: 'reach', prop: 'reach', label: 'slider reach', store: null, fallback: null, resetsSliders: false,
    parse: (raw) => (/^\d*\.?\d+$/.test(raw) && (SLIDER_RANGE_FACTORS as readonly number[]).includes(Number(raw)) ? Number(raw) : undefined),
    format: (v) => String(v),
  }),
  choice('layers', 'layers', 'layer range', LAYER_RANGES, { store: 'layers', fallback: 'all', resetsSliders: false, relevant: (v) => v.space === 'wplus' }),
  field({
    key: 'sph', prop: 'spherical', label: 'spherical setting', store: 'spherical', fallback: false, resetsSliders: false, omitDefault: true,
    relevant: (v) => (v.space ?? 'z') === 'z',
    parse: (raw) => (raw === '1' ? true : raw === '0' ? false : undefined),
    format: (v) => (v ? '1' : '0'),
  }),
  choice('panel', 'panel', 'panel', PANELS, { store: 'panel', fallback: 'spectrum', resetsSliders: false }),
  field({
    key: 'present', prop: 'presenter', label: 'presenter setting', store: 'presenter', fallback: false, resetsSliders: false, omitDefault: true,
    parse: (raw) => (raw === '1' ? true : raw === '0' ? false : undefined),
    format: (v) => (v ? '1' : '0'),
  }),
  field({
    // tour=ID.STEP, e.g. tour=metric.2: a tour of src/state/tours.ts and a step it has.
    key: 'tour', prop: 'tour', label: 'tour step', store: 'tour', fallback: null, resetsSliders: false,
    parse: (raw) => {
      const m = /^([a-z-]{1,32})\.(\d{1,2})$/.exec(raw);
      const tour = m ? tourOf(m[1]) : undefined;
      const step = m ? Number(m[2]) : 0;
      return tour && step >= 1 && step <= tour.steps.length ? { id: tour.id, step } : undefined;
    },
    format: (v) => `${v.id}.${v.step}`,
  }),
  field({
    // steps,lr,ε,floor,gradient: e.g. asc=100,0.05,0.0001,clamp,exact. Written only with the Likelihood panel open.
    key: 'asc', prop: 'ascent', label: 'likelihood ascent', store: 'ascent', fallback: null, resetsSliders: false,
    relevant: (v) => v.panel === 'likelihood',
    parse: parseAscent,
    format: (v) => [v.steps, v.lr, v.eps, v.floor, v.gradient].map(String).join(','),
  }),
  field({
    // edit,space,α,direction: e.g. stw=shift-x,w,6,<float32s>. Written only with the Steer panel open.
    key: 'stw', prop: 'steerWalk', label: 'steering walk', store: 'steerWalk', fallback: null, resetsSliders: false,
    relevant: (v) => v.panel === 'steer',
    parse: parseSteerLink,
    format: (v) => [v.edit, v.space, String(v.alpha), encodeFloats(v.direction)].join(','),
  }),
  field({
    // cmp=metric,local,ganspace (or metric,imported with the directions in dirs): the Compare panel's columns.
    // Written only with that panel open.
    key: 'cmp', prop: 'compare', label: 'bases compared', store: 'compareKinds', fallback: [...DEFAULT_COMPARED], resetsSliders: false, omitDefault: true,
    relevant: (v) => v.panel === 'compare',
    parse: (raw) => {
      const kinds = raw.split(',');
      const known = kinds.every((k) => (SLIDER_BASIS_KINDS as readonly string[]).includes(k));
      return known && kinds.length >= 2 && kinds.length <= MAX_COMPARED && new Set(kinds).size === kinds.length ? (kinds as SliderBasisKind[]) : undefined;
    },
    format: (v) => v.join(','),
  }),
];

/** A decimal number as a link writes it (JS's shortest round-trip text), with an optional sign or exponent. */
const SIGNED_DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d{1,3})?$/i;
const UNSIGNED_DECIMAL = /^(\d+\.?\d*|\.\d+)(e[-+]?\d{1,3})?$/i;

function parseSteerLink(raw: string): SteerLink | undefined {
  const parts = raw.split(',');
  if (parts.length !== 4) return undefined;
  const edit = STEER_EDITS.find((e) => e === parts[0] && e !== 'color') as SteerLink['edit'] | undefined;
  const space = parts[1] === 'z' || parts[1] === 'w' ? parts[1] : undefined;
  const alpha = SIGNED_DECIMAL.test(parts[2]) ? Number(parts[2]) : NaN;
  const direction = decodeFloats(parts[3]);
  if (!edit || !space || !Number.isFinite(alpha) || Math.abs(alpha) > 1e6 || (edit === 'zoom' && !(alpha > 0))) return undefined;
  if (!direction || direction.length === 0 || direction.length > MAX_Z) return undefined;
  return { edit, space, alpha, direction };
}

function parseImportedLink(raw: string): ImportedDirections | undefined {
  const [space, count, floats, ...rest] = raw.split(',');
  const name = rest.join(',');
  const k = /^\d{1,2}$/.test(count ?? '') ? Number(count) : 0;
  const values = floats === undefined ? undefined : decodeFloats(floats, MAX_LINKED_DIRECTION_NUMBERS);
  if ((space !== 'z' && space !== 'w') || k < 1 || k > MAX_DIRECTIONS || !values || values.length % k !== 0) return undefined;
  const n = values.length / k;
  if (n > MAX_DIRECTION_LENGTH || !/^[\x20-\x7e]{1,64}$/.test(name)) return undefined;
  const directions = Array.from({ length: k }, (_, i) => values.slice(i * n, (i + 1) * n));
  if (directions.some((row) => row.every((v) => v === 0))) return undefined;
  return { space, name, directions };
}

function parseAscent(raw: string): AscentSettings | undefined {
  const parts = raw.split(',');
  if (parts.length !== 5) return undefined;
  const [steps, lr, eps] = parts.slice(0, 3).map((p) => (UNSIGNED_DECIMAL.test(p) ? Number(p) : NaN));
  const floor = LOGDET_FLOORS.find((f) => f === parts[3]);
  const gradient = (['exact', 'estimator'] as const).find((m) => m === parts[4]);
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= MAX_ASCENT_STEPS)) return undefined;
  if (!(lr > 0 && lr <= 1) || !(eps > 0 && eps < 1) || !floor || !gradient) return undefined;
  return { steps, lr, eps, floor, gradient };
}

function parseNumberList(raw: string): number[] | undefined {
  const parts = raw.split(',');
  if (parts.length === 0 || parts.length > MAX_DIRECTIONS) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!SIGNED_DECIMAL.test(p)) return undefined;
    const v = Number(p);
    if (!Number.isFinite(v) || Math.abs(v) > 1e6) return undefined;
    out.push(v);
  }
  return out;
}

function oneOf<T extends string>(options: readonly T[], raw: string): T | undefined {
  return (options as readonly string[]).includes(raw) ? (raw as T) : undefined;
}

/** The hash (without '#') for a view. Invalid values are left out rather than written. */
export function encodeView(state: ViewState): string {
  const params = new URLSearchParams();
  params.set('v', String(URL_VERSION));
  const clean = sanitiseView(state);
  for (const f of VIEW_FIELDS) {
    const value = clean[f.prop];
    if (value !== undefined) params.set(f.key, (f.format as (v: unknown) => string)(value));
  }
  return params.toString();
}

/** Never throws: any string gives a valid view and notices for whatever was ignored. */
export function decodeView(hash: unknown): DecodedView {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  if (text.trim() === '') return { state: {}, notices: [] };
  if (text.length > MAX_HASH) return { state: {}, notices: ['The link is too long to be a view of this app; it was ignored.'] };

  const params = new URLSearchParams(text);
  const version = params.get('v');
  if (version === null || !/^\d{1,6}$/.test(version)) {
    return { state: {}, notices: ['The link does not describe a view of this app; it was ignored.'] };
  }
  if (version !== String(URL_VERSION)) {
    return { state: {}, notices: [`The link uses format version ${quote(version)}, which this app does not read; it was ignored.`] };
  }

  const state: ViewState = {};
  const notices: string[] = [];
  const known = new Set(['v', ...VIEW_FIELDS.map((f) => f.key)]);
  const unknown = [...new Set([...params.keys()].filter((k) => !known.has(k)))];
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 3).map(quote).join(', ');
    notices.push(`Ignored unknown setting${unknown.length > 1 ? 's' : ''} ${shown}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}.`);
  }
  for (const f of VIEW_FIELDS) {
    const values = params.getAll(f.key);
    if (values.length === 0) continue;
    if (values.length > 1) notices.push(`The ${f.label} appears more than once; the first was used.`);
    const parsed = f.parse(values[0]);
    if (parsed === undefined) notices.push(`Ignored an invalid ${f.label}.`);
    else (state as Record<string, unknown>)[f.prop] = parsed;
  }
  if (state.model !== undefined && state.modelUrl !== undefined) {
    delete state.modelUrl;
    notices.push('The link names both a bundled model and a model URL; the bundled model was used.');
  }
  if (state.basis === 'imported' && state.imported === undefined) {
    delete state.basis;
    notices.push(`The link's basis is directions loaded from a file, too long to carry in a link (more than ${MAX_LINKED_DIRECTION_NUMBERS} numbers); it shows the local metric instead.`);
  }
  if (state.compare?.includes('imported') && state.imported === undefined) {
    // The column cannot be drawn without its directions: the others stay, with the default's next basis if one is left.
    const rest: SliderBasisKind[] = state.compare.filter((k) => k !== 'imported');
    const filler = DEFAULT_COMPARED.find((k) => !rest.includes(k));
    state.compare = rest.length >= 2 || filler === undefined ? rest : [...rest, filler];
    notices.push(`The link compares directions loaded from a file, too long to carry in a link (more than ${MAX_LINKED_DIRECTION_NUMBERS} numbers); that column is left out.`);
  }
  return { state, notices };
}

/** The view with every invalid field removed (what `encodeView` writes). */
export function sanitiseView(state: ViewState): ViewState {
  const out: ViewState = {};
  for (const f of VIEW_FIELDS) {
    const value = state[f.prop];
    if (value === undefined) continue;
    // Validate by a round trip through the field's own text form: one definition of "valid".
    let text: string;
    try {
      text = (f.format as (v: unknown) => string)(value);
    } catch {
      continue;
    }
    const back = f.parse(text);
    if (back !== undefined) (out as Record<string, unknown>)[f.prop] = back;
  }
  return out;
}

function parseHttpUrl(raw: string): string | undefined {
  if (raw.length > MAX_URL) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A short, printable rendering of untrusted text for a notice. */
function quote(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.length > 24 ? printable.slice(0, 23) + '…' : printable}"`;
}
