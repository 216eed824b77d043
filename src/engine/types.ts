/**
 * The engine's public vocabulary: what the UI may ask for and what it gets back. Everything here is
 * plain, structured-cloneable data, because these values cross the worker boundary (comlink).
 */
import type { BasisKind, DistanceName, LatentSpace, LayerRangeName } from '../state/vocabulary';
import type { AscentStep, EstimatorSettings, GradientMethod, LikelihoodMap, LogdetFloor } from '../methods/likelihood';
import type { InversionLoss, Precondition } from '../methods/inversion';
import type { SearchGeneration, SearchMethod } from '../methods/search';
import type { RenderedDataset } from '../methods/datasetTargets';

export type { BasisKind, DistanceName, LatentSpace, LayerRangeName };
export { BASIS_KINDS } from '../state/vocabulary';

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
  kind: BasisKind;
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
  kind: BasisKind;
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

export interface MontageRequest {
  latent: LatentSpec;
  space: LatentSpace;
  basis: Pick<Basis, 'directions' | 'rates' | 'distance'>;
  /** Rows: the indices of the directions shown. */
  rows: number[];
  /** Columns (odd, ≥ 3): steps from −extent to +extent, the middle one the reference. */
  columns: number;
  /** Largest predicted image change (slider units) at the ends of each row. */
  extent: number;
  spherical?: boolean;
  layers?: LayerRangeName;
}

export interface Montage {
  rows: number;
  columns: number;
  width: number;
  height: number;
  /** rows·columns images, row-major, each width·height·4 RGBA bytes, concatenated. */
  rgba: Uint8ClampedArray;
  /**
   * Per row: the predicted change step·rate of each column, i.e. the slider positions, except where the
   * rate floor of src/engine/edit.ts shortened a step.
   */
  predicted: number[][];
  /**
   * Per row: the measured change √(2·d²(x, x₀)) of each column under the basis's distance: ‖φ(x) − φ(x₀)‖
   * for mse and perceptual, its second-order equivalent for ssim. The middle column is 0.
   */
  measured: number[][];
  ms: number;
}

export interface CurveWalkRequest {
  latent: LatentSpec;
  /** Local Basis direction (0-based) to depart along; one with σ > 1e-6·σ₁. */
  index: number;
  /** N pieces. */
  steps: number;
  /** I, the total W path length. */
  intensity: number;
  sign?: 1 | -1;
}

export interface CurveWalk {
  /** N+1 frames of the curve walk (Choi Alg. 2) and of the linear walk along the same initial direction. */
  width: number;
  height: number;
  curveRgba: Uint8ClampedArray;
  linearRgba: Uint8ClampedArray;
  /** The paths' W coordinates on the first two Local Basis directions at the start (x, y per point). */
  curvePlane: [number, number][];
  linearPlane: [number, number][];
  /** How the walk was set up when that needs saying (a W or W+ code's anchor). */
  notes: string[];
  ms: number;
}

export interface SweepRequest {
  /** Latents: prior samples seed, seed+1, … */
  seed: number;
  count: number;
  space: LatentSpace;
  distance: DistanceName;
  /** As BasisRequest.derivatives. */
  derivatives?: 'exact' | 'fd';
}

/**
 * One independent item of a sweep, so a pool of job workers can share a sweep out (src/engine/splits.ts):
 * index < count is the exact metric at prior sample seed + index; index = count (style models) is the
 * Grassmann study, which draws its own random numbers in sequence and so stays one item.
 */
export interface SweepItemRequest {
  sweep: SweepRequest;
  index: number;
}

export interface SweepItem {
  index: number;
  /** The metric's eigenpairs (index < count). */
  eigenvalues?: Float64Array;
  eigenvectors?: Float64Array;
  /** The Grassmann curves (index = count). */
  grassmann?: Sweep['grassmann'];
}

/** Merge a sweep's items into its result; `partial` merges the metrics so far (the live histogram, no Grassmann). */
export interface SweepMergeRequest {
  sweep: SweepRequest;
  items: SweepItem[];
  partial?: boolean;
  /** Wall-clock time the items took, reported as the sweep's `ms`. */
  elapsedMs?: number;
}

export interface Sweep {
  count: number;
  /** Off-diagonal C^H on the log scale (Wang & Ponce Eq. 6), all ordered pairs, row-major; NaN entries (flat spectra) left out. */
  logCorrelations: number[];
  /** Summary of the log correlations: mean and std. */
  logCorrelationMean: number;
  logCorrelationStd: number;
  /**
   * Grassmann study (Choi Fig. 8) for style models: mean geodesic distance (Eq. 14) vs subspace dimension k,
   * curves named as in geometry/grassmann.ts GRASSMANN_CURVES: close-w, to-ganspace, random-w, to-sefa, random-O(d).
   */
  grassmann?: { ks: number[]; curves: { name: string; values: number[] }[] };
  ms: number;
}

// ── Implicit likelihood (Ramesh & LeCun; src/methods/likelihood.ts) ──────────────────────────────────

/** ln Q at the current latent, exact and by Algorithm 1 (defaults: the paper's (m, p, t, g) and ε = 1e-4). */
export interface LikelihoodRequest {
  latent: LatentSpec;
  eps?: number;
  /** How ε enters ln det M: 'clamp' Σ ln max(λ, ε) (default), 'shift' ln det(M + εI). */
  floor?: LogdetFloor;
  degree?: number;
  probes?: number;
  power?: number;
  margin?: number;
}

export interface Likelihood {
  n: number;
  eps: number;
  floor: LogdetFloor;
  logPrior: number;
  logdetExact: number;
  logdetEstimate: number;
  logdetStdError: number;
  logLikelihood: number;
  logLikelihoodEstimate: number;
  /** ln ℓ̂ − ln ℓ, the paper's relative error. */
  relativeError: number;
  /** Exact metric eigenvalues, descending. */
  eigenvalues: number[];
  settings: EstimatorSettings;
  interval: [number, number];
  polynomialError: number;
  ms: number;
}

/** Likelihood ascent from the current latent (exact gradient, Adam). */
export interface AscentRequest {
  latent: LatentSpec;
  steps: number;
  lr: number;
  eps?: number;
  floor?: LogdetFloor;
  /** ∇ ln det M exactly (default) or by differentiating Algorithm 1 at the paper's ascent settings (5, 20, 20, 1.1). */
  gradient?: GradientMethod;
  /** Render a frame every this many steps (and the last). */
  every: number;
}

/** One step of the ascent (src/methods/likelihood.ts AscentStep): ln Q, ln p, ln det, λmin, λmax, ‖z‖. */
export type AscentStepSummary = AscentStep;

export interface Ascent {
  steps: AscentStepSummary[];
  width: number;
  height: number;
  /** The steps of the rendered frames, and their RGBA, frame after frame. */
  frameSteps: number[];
  framesRgba: Uint8ClampedArray;
  /** The final z, to carry on from. */
  z: number[];
  ms: number;
}

/** ln Q over a 2-D slice of Z through the current latent (top two eigenvectors, or two random directions). */
export interface LikelihoodMapRequest {
  latent: LatentSpec;
  axes: 'eigen' | 'random';
  extent: number;
  grid: number;
  eps?: number;
  floor?: LogdetFloor;
}

export type LikelihoodMapResult = LikelihoodMap & { ms: number };

/** Effective dimension v_eff(τ) of the model over prior samples (Ramesh & LeCun §5). */
export interface VeffRequest {
  /** Prior samples seed, seed+1, … */
  seed: number;
  samples: number;
  alpha?: number;
}

export interface Veff {
  taus: number[];
  veff: number[];
  alpha: number;
  samples: number;
  zDim: number;
  ms: number;
}

// What the job worker exposes (JobsApi) lives with the job registry: src/engine/registry.ts.

/** Inversion of a target image (src/engine/invert.ts): another seed's image, or the user's decoded picture. */
export interface InvertRequest {
  /** Another seed's image; a procedural data set's image (src/methods/datasetTargets.ts: 'shapes'); or a decoded picture. */
  target: { seed: number } | { dataset: RenderedDataset; seed: number } | { rgba: Uint8ClampedArray; width: number; height: number };
  space: LatentSpace;
  /** Default 'diamond' (pixel for a model without a discriminator). */
  loss?: InversionLoss;
  /** Default 300. */
  steps?: number;
  /** Default 1. */
  starts?: number;
  /** Run plain Adam and Adam in the averaged metric's eigenbasis on the same starts (default true). */
  compare?: boolean;
  /** Seed of the starts. */
  seed?: number;
}

export interface InvertRun {
  precondition: Precondition;
  /** Loss per step (the best start's). */
  loss: number[];
  /** The latent found, flat in the request's space. */
  latent: number[];
  pixelMse: number;
  featureL1: number;
  steps: number;
  /** The reconstruction, RGBA. */
  rgba: Uint8ClampedArray;
  /** For a seed's image: ‖latent − the seed's latent‖ in the inversion's space. */
  latentError?: number;
}

export interface InvertResult {
  space: LatentSpace;
  loss: InversionLoss;
  width: number;
  height: number;
  targetRgba: Uint8ClampedArray;
  runs: InvertRun[];
  notes: string[];
  ms: number;
}

/** Latent search (src/engine/search.ts): CMA-ES in Z beside Hessian CMA-ES, from the request's latent. */
/** Which factor each direction of a basis moves most, read by the model's probe (the sliders' labels). */
export interface FactorsRequest {
  /** The basis's space and reference (Basis.basisSpace, Basis.reference). */
  basisSpace: 'z' | 'w';
  reference: number[];
  /** The basis's directions (rows), most important first. */
  directions: number[][];
  derivatives?: 'exact' | 'fd';
}

export interface FactorsResult {
  probe: string;
  /** The factors the probe reads (shapes: x, y, scale, …; faces: roll, width, …). */
  factors: string[];
  /**
   * Per direction, per factor: the factor's rate along the direction in fractions of its range per unit of RMS
   * image change (src/geometry/factorScore.ts factorRates).
   */
  rates: number[][];
  /** Per direction: the factor it moves most and that factor's share of the squared rates (null: it moves none). */
  labels: ({ factor: string; share: number } | null)[];
  ms: number;
}

export interface SearchRequest {
  /** The start (a seed, truncated or not, or a Z latent). */
  latent: LatentSpec;
  /** discriminator, class:NAME, factor:NAME or -factor:NAME (src/methods/search.ts). */
  objective: string;
  /** Default 100 (the paper's). */
  generations?: number;
  /** σ₀, default 0.2 (the paper's). */
  sigma?: number;
  /** Hessian CMA-ES's eigen-coordinates, default min(zDim, 16). */
  k?: number;
  /** Seed of CMA-ES's samples (default 1); both runs use it. */
  seed?: number;
  /** Default both, side by side. */
  methods?: SearchMethod[];
}

export interface SearchRunResult {
  method: SearchMethod;
  dimensions: number;
  population: number;
  /** Per generation: best and mean score of the population, best so far, σ, ‖mean‖ in the search space and as a latent. */
  history: SearchGeneration[];
  /** The best latent z found, its score and norm, and its image. */
  best: number[];
  bestScore: number;
  bestNorm: number;
  evaluations: number;
  rgba: Uint8ClampedArray;
}

export interface SearchResult {
  objective: string;
  /** The objective in words ("P(square)", "−x", "discriminator score"). */
  label: string;
  /** The score and norm of the start, and its image. */
  start: number;
  startNorm: number;
  startRgba: Uint8ClampedArray;
  width: number;
  height: number;
  generations: number;
  sigma: number;
  seed: number;
  runs: SearchRunResult[];
  notes: string[];
  ms: number;
}
