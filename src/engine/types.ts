/**
 * The engine's public vocabulary: what the UI may ask for and what it gets back. Everything here is
 * plain, structured-cloneable data, because these values cross the worker boundary (comlink).
 */
import type { LatentSpace } from '../model/generator';

export type { LatentSpace };

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

/** A latent code, given by the seed of a prior sample or as explicit Z coordinates. */
export type LatentSpec = { seed: number } | { z: number[] };

export interface RenderRequest {
  /** Caller's sequence number, echoed back so that stale replies can be recognised. */
  seq: number;
  latent: LatentSpec;
  /** The space the image is generated through (Z, W or W+); z-space models always use 'z'. */
  space: LatentSpace;
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
  wDim?: number;
  styleLayers?: number;
  isStyleBased: boolean;
  spaces: LatentSpace[];
  width: number;
  height: number;
  channels: number;
  hasDiscriminator: boolean;
  assumptions: string[];
}

export interface EngineInfo {
  backend: BackendName | null;
  /** Why preferred backends were skipped, in order; empty when the first choice worked. */
  backendNotes: string[];
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
  start(opts: { modelsBaseUrl: string; backends?: BackendName[] }): Promise<EngineInfo>;
  catalogue(): Promise<Catalogue>;
  load(source: ModelSource): Promise<LoadResult>;
  render(req: RenderRequest): Promise<RenderResult>;
  memory(): Promise<MemoryInfo>;
  info(): Promise<EngineInfo>;
}
