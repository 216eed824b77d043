/**
 * The engine's public vocabulary: what the UI may ask for and what it gets back. Everything here is
 * plain, structured-cloneable data, because these values cross the worker boundary (comlink).
 */
import type { BasisKind, DistanceName, LatentSpace, LayerRangeName, SliderBasisKind } from '../state/vocabulary';

export type { BasisKind, DistanceName, LatentSpace, LayerRangeName, SliderBasisKind };
export { BASIS_KINDS, SLIDER_BASIS_KINDS } from '../state/vocabulary';

/** tfjs backends in the order the engine prefers them (fastest first). */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Where the wasm backend finds its binaries: a folder prefix or one URL per binary file. */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

/**
 * One dropped or picked file with its path inside the dropped folder ("mine/generator/model.json"),
 * or just its name. A Blob (not an object with methods) so that it survives structured cloning into
 * the worker; browsers lose `webkitRelativePath` on dropped folders, hence the separate path.
 */
export interface PickedFile {
  path: string;
  file: Blob;
}

/** A model to load: a bundled id (public/models/<id>/), a folder URL, or the user's own files. */
export type ModelSource =
  | { kind: 'bundled'; id: string }
  | { kind: 'url'; url: string }
  | { kind: 'files'; files: PickedFile[] };

/**
 * A latent code: the seed of a prior sample, optionally truncated by ψ in (0, 2] (fewer oddities, less
 * variety), or explicit Z coordinates. ψ acts where it can: in W for a style model (w̄ + ψ(w − w̄)), on z
 * for a z-space model (ψ·z); see src/engine/truncation.ts. Or a style model's W code (wDim values) or W+ code
 * (styleLayers·wDim, layer after layer), e.g. an inversion's result: src/engine/explicitLatent.ts.
 */
export type LatentSpec = { seed: number; truncation?: number } | { z: number[] } | { w: number[] };

export interface RenderRequest {
  /** Caller's sequence number, echoed back so that stale replies can be recognised. */
  seq: number;
  latent: LatentSpec;
  /** The space the image is generated through (Z, W or W+); z-space models always use 'z'. */
  space: LatentSpace;
  /** Slider edit applied to the latent before generating (see LatentEdit). */
  edit?: LatentEdit;
}

export interface RenderResult {
  seq: number;
  width: number;
  height: number;
  /** width·height·4 bytes, row-major RGBA. */
  rgba: Uint8ClampedArray;
  /** Wall-clock milliseconds the engine spent on this frame (generation + read-back). */
  ms: number;
  /** The space actually used (a z-space model renders 'w' requests through 'z'). */
  space: LatentSpace;
}

export interface ModelSummary {
  id: string;
  name: string;
  description: string;
  /** Where it came from, e.g. "bundled model shapes-style" or the URL. */
  source: string;
  zDim: number;
  /** The prior of z (the likelihood needs its density: none for 'sphere'). */
  prior: 'normal' | 'uniform' | 'sphere';
  wDim?: number;
  styleLayers?: number;
  isStyleBased: boolean;
  spaces: LatentSpace[];
  width: number;
  height: number;
  channels: number;
  hasDiscriminator: boolean;
  assumptions: string[];
  /** The probe the manifest names (what it reads, for the Search panel), or why it cannot be read. */
  probe?: ProbeSummary;
}

/** A model's probe as the UI sees it: its output names, or one sentence saying why it is unavailable. */
export type ProbeSummary = { id: string; name: string; categorical: ProbeCategorical[]; targets: string[] } | { id: string; error: string };

/** One categorical factor a probe classifies (shapes: the class; faces: hair style, glasses). */
export interface ProbeCategorical { name: string; classes: string[] }

/** How the wasm backend runs, for the status bar (threads need a cross-origin-isolated page: COOP + COEP). */
export interface WasmInfo {
  /** XNNPACK threads (1 when single-threaded). */
  threads: number;
  simd: boolean;
  /** The threaded (pthreads) binary is in use. */
  threadedBuild: boolean;
  /** The worker's `crossOriginIsolated` (false on static hosting without COOP/COEP headers, and in Node). */
  crossOriginIsolated: boolean;
}

export interface EngineInfo {
  backend: BackendName | null;
  /** Why preferred backends were skipped, in order; empty when the first choice worked. */
  backendNotes: string[];
  /** Present when the backend is wasm. */
  wasm?: WasmInfo;
  model: ModelSummary | null;
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  numDataBuffers: number;
}

/** A load never throws across the worker boundary: failure keeps the previous model and says why. */
export type LoadResult =
  | { ok: true; model: ModelSummary }
  | { ok: false; error: string; model: ModelSummary | null };

export interface CatalogueEntry {
  id: string;
  name: string;
  description: string;
  /** Set when the manifest could not be read; the entry is then not loadable. */
  error?: string;
}

export interface Catalogue {
  defaultId: string | null;
  models: CatalogueEntry[];
}

/** What the worker exposes over comlink (the app sees only this and the types above). */
export interface EngineApi {
  /** Create the engine and start its backend; must come first. */
  /** `wasmThreads`: XNNPACK threads for frames on wasm (backend.ts; only a cross-origin-isolated page has threads). */
  start(opts: { modelsBaseUrl: string; backends?: BackendName[]; wasmThreads?: number }): Promise<EngineInfo>;
  catalogue(): Promise<Catalogue>;
  load(source: ModelSource): Promise<LoadResult>;
  render(req: RenderRequest): Promise<RenderResult>;
  memory(): Promise<MemoryInfo>;
  info(): Promise<EngineInfo>;
  /** Diagnostics: fail the way a crashed worker does (an uncaught error), so recovery can be exercised. */
  crash(): Promise<void>;
  /** Diagnostics: transposed matmuls on this backend against float64 (src/engine/matmulCheck.ts). */
  matmulCheck(): Promise<{ backend: string; maxRelError: number }>;
}

// ── Explorer: bases, edits, montages, curve walks, spectra and sweeps ─────────────────────────────
//
// Directions live in the *basis space*: Z for space 'z', W for 'w' and 'wplus' (a W direction is
// applied to a range of W+ layers). A slider's position is measured in predicted image change (the
// distance's own units, ‖φ(x) − φ(x₀)‖ to first order), so that equal travel on any slider means an equal
// predicted change: the latent step along direction i is position / rate_i (see src/engine/edit.ts).

/** An edit of the reference latent: Σ steps[i]·directions[i] added in the basis space. */
export interface LatentEdit {
  /** k rows of `dim` numbers each (unit vectors in Z, or in W for 'w'/'wplus'). */
  directions: number[][];
  /** One latent step per direction (latent units, not slider units). */
  steps: number[];
  /** 'wplus' only: the style layers that receive the W offset (default all). */
  layers?: LayerRangeName;
  /**
   * Move on the sphere of radius ‖reference‖ instead of the straight line (Z only, rejected for W/W+; Wang &
   * Ponce's spherical traversal along the combined offset, arc length = its tangential length).
   */
  spherical?: boolean;
}

export interface BasisRequest {
  latent: LatentSpec;
  space: LatentSpace;
  kind: SliderBasisKind;
  /**
   * 'imported': the directions and the space they live in (rows of its length; at most 32, unit length not
   * required: the engine normalises them). The first k are used.
   */
  imported?: { space: 'z' | 'w'; directions: number[][] };
  /** The image distance of 'metric' and 'average', and the one every kind's `rates` are measured in. */
  distance: DistanceName;
  /** Directions wanted (1…32; fewer when the space is smaller). */
  k: number;
  /** Seed for 'random' directions and for the samples of 'average' and 'ganspace'. */
  seed?: number;
  /** 'average': number of prior samples averaged (default 12). */
  samples?: number;
  /**
   * How Jacobian products are taken: 'exact' (double-VJP, needs second-order gradients) or 'fd' (central
   * differences). Left out, the job runner picks 'exact' when the model has second-order gradients, else 'fd'.
   */
  derivatives?: 'exact' | 'fd';
}

export interface SpectrumSummary {
  /** All n eigenvalues of the metric at the reference, descending. */
  eigenvalues: number[];
  /** Number of eigenvalues holding each fraction of the eigenvalue sum (Wang & Ponce Tab. 2). */
  anisotropy: { fraction: number; dims: number }[];
  /** α(v) = vᵀHv / vᵀv for random v (the "illusion of isotropy"): samples and the analytic law. */
  alpha: { samples: number[]; sampleMean: number; sampleStd: number; analyticMean: number; analyticStd: number };
}

export interface Basis {
  kind: SliderBasisKind;
  /** The space the directions live in ('z' or 'w'). */
  basisSpace: 'z' | 'w';
  /** The explorer space the basis was computed for ('z', 'w' or 'wplus'; always 'z' for a z-space model, as in RenderResult). */
  space: LatentSpace;
  distance: DistanceName;
  dim: number;
  /** k unit rows of length dim, most important first (orthonormal, except GANSpace in Z: regressed directions). */
  directions: number[][];
  /** The basis's own numbers: eigenvalues, singular values, PCA variances, SeFa eigenvalues; empty for 'random'. */
  values: number[];
  /** What `values` are, for labels: "eigenvalue", "singular value", "variance", … ('' for random). */
  valueName: string;
  /**
   * √(vᵢᵀ H vᵢ) under `distance` at the reference: predicted image change per unit latent step. For 'wplus'
   * the rate of the W direction applied to every style layer.
   */
  rates: number[];
  /** The latent the basis was computed at, in the basis space (z, or w = f(z)). */
  reference: number[];
  /** Present for 'metric' when the full metric was computed (n ≤ 128), and for 'average' (the averaged metric's spectrum). */
  spectrum?: SpectrumSummary;
  ms: number;
  /** How it was computed (method, samples, layers), in words. */
  notes: string[];
  /** Set when the basis was computed in a fallback way the user should know about (one plain sentence). */
  warning?: string;
}

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
  /** A sweep's results so far (log C^H over the pairs of the metrics computed yet), for a live histogram. */
  partial?: { logCorrelations: number[]; logCorrelationMean: number };
}

// Each job kind's request and result types live beside its compute function (src/engine/<kind>.ts:
// montage, curveWalk, sweep, likelihood, invert, factors, search); what the job worker exposes (JobsApi)
// lives with the job registry: src/engine/registry.ts.
