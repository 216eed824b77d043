/**
 * The app's state: what is shown and what the engine reported. A vanilla zustand store made per app
 * instance (no module-level singletons); components read it through `useAtlas`, the session writes it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  BackendName, Catalogue, LatentSpace, ModelSummary,
} from '../../src/engine/types';

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
}

export type AtlasStore = StoreApi<AtlasState>;

export const DEFAULT_SEED = 1;

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
  }));
}

/** The key of the frame the current state asks for (null while no model is loaded). */
export function wantedFrameKey(s: Pick<AtlasState, 'model' | 'seed' | 'z' | 'space'>): string | null {
  if (!s.model) return null;
  return `${s.model.id}|${s.z ? 'z' : s.seed}|${effectiveSpace(s)}`;
}

/** The space the engine will actually use: z-space models have no W. */
export function effectiveSpace(s: Pick<AtlasState, 'model' | 'space'>): LatentSpace {
  return s.model && s.model.spaces.includes(s.space) ? s.space : 'z';
}
