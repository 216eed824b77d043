/**
 * The app's state: what is shown and what the engine reported. A vanilla zustand store made per app
 * instance (no module-level singletons); components read it through `useAtlas`, the session writes it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  BackendName, Basis, BasisKind, Catalogue, CurveWalk, DistanceName, JobProgress, LatentSpace, LayerRangeName, ModelSummary, Montage, Sweep,
} from '../../src/engine/types';
import type { PanelName } from '../../src/state/url';
import { DEFAULT_SLIDER_RANGE } from '../../src/engine/edit';

export interface Frame {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  ms: number;
  /** Which view this frame shows ("model|seed|space"); the canvas exposes it for tests. */
  key: string;
}

/** How the current model can be named in a link: a bundled id, a URL, or not at all (dropped files). */
export type ModelRef = { kind: 'bundled'; id: string } | { kind: 'url'; url: string } | { kind: 'files' };

export interface AtlasState {
  backend: BackendName | null;
  backendNotes: string[];
  catalogue: Catalogue | null;
  model: ModelSummary | null;
  modelRef: ModelRef | null;
  /** What is being loaded right now, in words; null when idle. */
  loading: string | null;
  seed: number;
  /** An explicit latent from a link; overrides the seed until the seed is changed. */
  z: number[] | null;
  space: LatentSpace;
  frame: Frame | null;
  error: string | null;
  notices: string[];
  /** A model URL from a shared link, waiting for the reader's consent before it is fetched. */
  pendingRemoteUrl: string | null;
  helpOpen: boolean;

  /** Truncation ψ of the seed's prior sample (1 = none). */
  truncation: number;
  basisKind: BasisKind;
  distance: DistanceName;
  k: number;
  /** The basis for the current reference, or null while none is computed (or it is stale). */
  basis: Basis | null;
  /** The basisKey the shown basis was computed for (a basis for another key is stale). */
  basisFor: string | null;
  /** Slider positions in predicted image change, one per basis direction (missing = 0). */
  sliders: number[];
  /** Largest slider position: the predicted image change at either end of a slider. */
  sliderRange: number;
  /** The two directions driven by the 2-D pad. */
  pad: [number, number];
  layers: LayerRangeName;
  spherical: boolean;
  panel: PanelName;
  /** One entry per kind of background job: what it is doing now, its last result or error. */
  jobs: Record<JobKind, JobState>;
  montage: Montage | null;
  /** The montage key (Session.montageKey) the shown montage was made for. */
  montageFor: string | null;
  curve: CurveWalk | null;
  sweep: Sweep | null;
  /** log C^H of the pairs computed so far by a running sweep (the live histogram). */
  sweepLive: { logCorrelations: number[]; logCorrelationMean: number } | null;
}

export type JobKind = 'basis' | 'montage' | 'curve' | 'sweep';

export interface JobState {
  /** Progress of the running job; null when idle. */
  progress: JobProgress | null;
  error: string | null;
  /** Milliseconds the last successful job took. */
  ms: number | null;
}

const idleJob = (): JobState => ({ progress: null, error: null, ms: null });

export type AtlasStore = StoreApi<AtlasState>;

export const DEFAULT_SEED = 1;
export const DEFAULT_K = 10;


export function createAtlasStore(): AtlasStore {
  return createStore<AtlasState>()(() => ({
    backend: null,
    backendNotes: [],
    catalogue: null,
    model: null,
    modelRef: null,
    loading: null,
    seed: DEFAULT_SEED,
    z: null,
    space: 'z',
    frame: null,
    error: null,
    notices: [],
    pendingRemoteUrl: null,
    helpOpen: false,
    truncation: 1,
    basisKind: 'metric',
    distance: 'mse',
    k: DEFAULT_K,
    basis: null,
    basisFor: null,
    sliders: [],
    sliderRange: DEFAULT_SLIDER_RANGE.mse,
    pad: [0, 1],
    layers: 'all',
    spherical: false,
    panel: 'spectrum',
    jobs: { basis: idleJob(), montage: idleJob(), curve: idleJob(), sweep: idleJob() },
    montage: null,
    montageFor: null,
    curve: null,
    sweep: null,
    sweepLive: null,
  }));
}

/** The key of the frame the current state asks for (null while no model is loaded). */
export function wantedFrameKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'space' | 'truncation' | 'basis' | 'sliders' | 'layers' | 'spherical'>): string | null {
  if (!s.model) return null;
  const edit = s.basis && s.sliders.some((v) => v !== 0) ? `|${s.basis.kind}:${s.sliders.join(',')}|${s.layers}|${s.spherical ? 'sph' : 'lin'}` : '';
  return `${referenceKey(s)}${edit}`;
}

/** The key of the reference latent a basis belongs to: model, latent, space, truncation. */
export function referenceKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'space' | 'truncation'>): string | null {
  if (!s.model) return null;
  return `${s.model.id}|${s.z ? 'z' : s.seed}|${effectiveSpace(s)}|${s.z ? 1 : s.truncation}`;
}

/**
 * The basis the sliders and panels may use: the one computed for the current reference and settings.
 * A basis for an earlier reference is stale (its directions belong to another latent), so it is null
 * while the new one is computed.
 */
export function currentBasis(s: Pick<AtlasState, 'basis' | 'basisFor' | 'model' | 'seed' | 'z' | 'space' | 'truncation' | 'basisKind' | 'distance' | 'k'>): Basis | null {
  return s.basis && s.basisFor !== null && s.basisFor === basisKey(s) ? s.basis : null;
}

/** The key of the basis the controls ask for at the current reference. */
export function basisKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'space' | 'truncation' | 'basisKind' | 'distance' | 'k'>): string | null {
  const ref = referenceKey(s);
  return ref && `${ref}|${s.basisKind}|${s.distance}|${s.k}`;
}

/** The space the engine will actually use: z-space models have no W. */
export function effectiveSpace(s: Pick<AtlasState, 'model' | 'space'>): LatentSpace {
  return s.model && s.model.spaces.includes(s.space) ? s.space : 'z';
}
