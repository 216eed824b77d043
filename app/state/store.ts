/**
 * The app's state: what is shown and what the engine reported. A vanilla zustand store made per app
 * instance (no module-level singletons); components read it through `useAtlas`, the session writes it.
 * The view settings a link carries start at the defaults of the URL table (src/state/url.ts VIEW_FIELDS).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JobKind, JobResult } from '../../src/engine/registry';
import type { BackendName, Catalogue, DistanceName, JobProgress, LatentSpace, LayerRangeName, ModelSummary, WasmInfo } from '../../src/engine/types';
import type { PanelName, ViewStoreKey } from '../../src/state/url';
import { DEFAULT_SLIDER_RANGE, type AscentSettings, type SliderBasisKind } from '../../src/state/vocabulary';
import type { ImportedDirections } from '../../src/state/importedBasis';
import type { SteerLink } from '../../src/state/url';
import type { TourPosition } from '../../src/state/tours';
import { viewDefaults } from './view';

export interface Frame {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  ms: number;
  /** Which view this frame shows ("model|seed|space…"); the canvas exposes it for tests. */
  key: string;
}

/** How the current model can be named in a link: a bundled id, a URL, or not at all (dropped files). */
export type ModelRef = { kind: 'bundled'; id: string } | { kind: 'url'; url: string } | { kind: 'files' };

export interface JobState {
  /** Progress of the running job; null when idle. */
  progress: JobProgress | null;
  error: string | null;
  /** Milliseconds the last successful job took. */
  ms: number | null;
}

/** The last result of each job kind, with the key of what it was computed for (a result for another key is stale). */
export type JobResults = { [K in JobKind]?: { key: string; value: JobResult<K> } };

/** The settings a link carries (bound through the URL table) and what the UI keeps beside them. */
export interface ViewSettings {
  seed: number;
  /** An explicit latent from a link; overrides the seed until the seed is changed. */
  z: number[] | null;
  /** An explicit W or W+ code (an inversion's result); z overrides it, a new seed clears it. */
  w: number[] | null;
  space: LatentSpace;
  /** Truncation ψ of the seed's prior sample (1 = none). */
  truncation: number;
  basisKind: SliderBasisKind;
  /** Directions loaded from a file (session.loadDirections), the basis when basisKind is 'imported'; null for none. */
  imported: ImportedDirections | null;
  distance: DistanceName;
  k: number;
  /** Slider positions in predicted image change, one per basis direction (missing = 0). */
  sliders: number[];
  layers: LayerRangeName;
  spherical: boolean;
  panel: PanelName;
  /** Presenter mode (large image and sliders, keyboard-driven; components/Presenter.tsx). */
  presenter: boolean;
  /** The guided tour shown and its step (components/Tour.tsx), null for none. */
  tour: TourPosition | null;
  /** The likelihood ascent of this view (its settings; run from the current latent), null for none. */
  ascent: AscentSettings | null;
  /** A linear steering walk carried by the link (the Steer panel applies it), null for none. */
  steerWalk: SteerLink | null;
  /** The bases the Compare panel sets side by side ('imported': the loaded directions, `imported`). */
  compareKinds: SliderBasisKind[];
}

export interface AtlasState extends ViewSettings {
  backend: BackendName | null;
  backendNotes: string[];
  /** The render worker's wasm threads, SIMD and isolation (wasm backend only). */
  wasm: WasmInfo | null;
  /** Size of the job-worker pool. */
  jobWorkers: number;
  /** Background jobs are held while a slider is dragged on a GPU backend. */
  jobsPaused: boolean;
  catalogue: Catalogue | null;
  model: ModelSummary | null;
  modelRef: ModelRef | null;
  /** What is being loaded right now, in words; null when idle. */
  loading: string | null;
  frame: Frame | null;
  error: string | null;
  notices: string[];
  /** A model URL from a shared link, waiting for the reader's consent before it is fetched. */
  pendingRemoteUrl: string | null;
  helpOpen: boolean;
  /** The direction the presenter's keys move (↑/↓ choose it, ←/→ move it). */
  presenterDirection: number;
  /** The presenter's traversal (Space): the chosen direction's slider swept back and forth until stopped. */
  presenterPlaying: boolean;
  /** Bumped by the presenter's Space when the curve walk panel shows a walk: its player toggles play on each change. */
  curvePlayToggles: number;
  /** Largest slider position: the predicted image change at either end of a slider. */
  sliderRange: number;
  /** The two directions driven by the 2-D pad. */
  pad: [number, number];
  /** Per job kind: what it is doing now, or its last error and timing (absent = idle, never run). */
  jobs: Partial<Record<JobKind, JobState>>;
  results: JobResults;
  /** A running job's results so far (a sweep's live histogram), by kind. */
  live: Partial<Record<JobKind, JobProgress['partial']>>;
}

/** Compile-time check that every store key the URL table binds exists here (view.test.ts checks the values). */
export type BoundSettings = { [K in ViewStoreKey]: AtlasState[K] };

export type AtlasStore = StoreApi<AtlasState>;

export const IDLE_JOB: JobState = { progress: null, error: null, ms: null };

export function createAtlasStore(): AtlasStore {
  return createStore<AtlasState>()(() => ({
    backend: null,
    backendNotes: [],
    wasm: null,
    jobWorkers: 1,
    jobsPaused: false,
    catalogue: null,
    model: null,
    modelRef: null,
    loading: null,
    frame: null,
    error: null,
    notices: [],
    pendingRemoteUrl: null,
    helpOpen: false,
    presenterDirection: 0,
    presenterPlaying: false,
    curvePlayToggles: 0,
    ...viewDefaults(),
    sliderRange: DEFAULT_SLIDER_RANGE.mse,
    pad: [0, 1],
    jobs: {},
    results: {},
    live: {},
  }));
}
