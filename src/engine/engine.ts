/**
 * The Engine owns the tfjs backend and the loaded generator, and turns render requests into RGBA
 * frames. It is plain TypeScript (no DOM), so the worker exposes it as is and Node tests drive it
 * directly. Scheduling policy (latest-wins) lives in the client; the engine runs what it is given, one
 * job at a time, so a model swap can never free weights under a frame being computed.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelLoadError, reasonOf } from '../model/errors';
import { urlFiles, type ModelFiles } from '../model/files';
import type { Generator } from '../model/generator';
import { loadGenerator } from '../model/load';
import { loadProbe, parseProbeManifest, type Probe } from '../model/probe';
import { isModelId } from '../util/modelId';
import { selectBackend } from './backend';
import { readCatalogue } from './catalogue';
import { editedLatent } from './editedLatent';
import { generateThrough, isSpace, spacesOf, zOf } from './latent';
import { filesFor } from './sources';
import { atLatent } from './explicitLatent';
import {
  BACKEND_ORDER, type BackendName, type Catalogue, type EngineInfo, type LoadResult, type MemoryInfo,
  type ModelSource, type ModelSummary, type ProbeSummary, type RenderRequest, type RenderResult, type WasmInfo, type WasmPaths,
} from './types';

export interface EngineOptions {
  /** Backends to try, in order (default WebGPU → WebGL → WASM → CPU). */
  backends?: readonly BackendName[];
  /** Accept emulated GPUs (default: only when `backends` is given). */
  allowSoftwareGpu?: boolean;
  /** Where the wasm binaries are served from (the worker passes URLs from its own build). */
  wasmPaths?: WasmPaths;
  /** Threads for the wasm backend (backend.ts, SelectOptions.wasmThreads). */
  wasmThreads?: number;
  /** Absolute URL of the folder holding index.json and the bundled model folders, ending in '/'. */
  modelsBaseUrl?: string;
  fetchFn?: typeof fetch;
  /** Refuse models whose files exceed this many bytes in total (the loader's default otherwise). */
  maxModelBytes?: number;
  /** The loader; injectable so tests can use a tiny in-memory generator. */
  loader?: (files: ModelFiles, opts?: { maxBytes?: number }) => Promise<Generator>;
  /**
   * The files of the probe a manifest names (manifest.probe); by default the bundled probes' folder,
   * `<modelsBaseUrl>probes/<id>/`, whatever the model's own source (a probe is the project's, not the model's).
   */
  probeFiles?: (id: string) => ModelFiles;
}

const MAX_MESSAGE = 400;

export class Engine {
  private readonly opts: EngineOptions;
  private generator: Generator | null = null;
  private summary: ModelSummary | null = null;
  private backend: BackendName | null = null;
  private backendNotes: string[] = [];
  private wasm: WasmInfo | undefined;
  private starting: Promise<void> | null = null;
  private loadTicket = 0;
  /** Tail of the chain of exclusive jobs (renders and model swaps). */
  private tail: Promise<unknown> = Promise.resolve();
  /** The current model's probe, loaded on first use (probeOf) and freed with the model. */
  private probe: { g: Generator; loading: Promise<Probe> } | null = null;

  constructor(opts: EngineOptions = {}) {
    const base = opts.modelsBaseUrl;
    // Relative resolution ('<id>/manifest.json') needs the folder URL to end in a slash.
    this.opts = { ...opts, ...(base ? { modelsBaseUrl: base.endsWith('/') ? base : base + '/' } : {}) };
  }

  /** Start the backend (idempotent; every other method calls it first). */
  init(): Promise<EngineInfo> {
    this.starting ??= selectBackend(this.opts.backends ?? BACKEND_ORDER, {
      wasmPaths: this.opts.wasmPaths,
      ...(this.opts.wasmThreads !== undefined ? { wasmThreads: this.opts.wasmThreads } : {}),
      // A backend named by the caller is taken even if emulated; the automatic choice avoids that.
      allowSoftwareGpu: this.opts.allowSoftwareGpu ?? this.opts.backends !== undefined,
    }).then((choice) => {
      this.backend = choice.backend;
      this.backendNotes = choice.notes;
      this.wasm = choice.wasm;
    });
    return this.starting.then(() => this.info());
  }

  async catalogue(): Promise<Catalogue> {
    const base = this.opts.modelsBaseUrl;
    if (!base) throw new Error('The engine was started without a location for bundled models.');
    return readCatalogue(base, this.opts.fetchFn);
  }

  /**
   * Load a model and make it current. On failure the previous model stays loaded and working, and the
   * result carries one plain sentence saying why. When loads overlap, the last one started wins.
   */
  async load(source: ModelSource): Promise<LoadResult> {
    await this.init();
    const ticket = ++this.loadTicket;
    let next: Generator;
    try {
      const files = filesFor(source, this.opts.modelsBaseUrl, this.opts.fetchFn);
      const loader = this.opts.loader ?? loadGenerator;
      next = await loader(files, this.opts.maxModelBytes !== undefined ? { maxBytes: this.opts.maxModelBytes } : {});
      await smokeTest(next);
    } catch (e) {
      return { ok: false, error: describe(e, 'The model could not be loaded'), model: this.summary };
    }
    const probe = await this.probeSummary(next);
    return this.exclusive(async () => {
      if (ticket !== this.loadTicket) {
        next.dispose();
        return { ok: false, error: 'A newer model load replaced this one.', model: this.summary };
      }
      const previous = this.generator;
      this.generator = next;
      this.summary = { ...summarise(next, sourceLabel(source)), ...(probe ? { probe } : {}) };
      this.dropProbe();
      previous?.dispose();
      return { ok: true, model: this.summary };
    });
  }

  /**
   * The probe the model's manifest names, loaded once per model (the first search job pays for it) and freed
   * with the model. Rejects with one plain sentence when the model names none or it cannot be read. Call it
   * with the generator a job was lent (Engine.withGenerator), never a view of it.
   */
  probeOf(g: Generator): Promise<Probe> {
    if (this.probe?.g === g) return this.probe.loading;
    const loading = (async () => {
      const id = g.manifest.probe;
      if (!id) throw new Error(`Model '${g.manifest.id}' names no probe in its manifest (manifest.probe), so it can only be searched by its discriminator.`);
      try {
        return await loadProbe(this.probeFilesOf(id), g.outputShape, g.manifest.output.range);
      } catch (e) {
        throw new Error(`The probe '${id}' of model '${g.manifest.id}' could not be loaded: ${reasonOf(e)}`, { cause: e });
      }
    })();
    // A failed load is not kept: the next job tries again (the server may be back).
    loading.catch(() => { if (this.probe?.loading === loading) this.probe = null; });
    this.probe = { g, loading };
    return loading;
  }

  private probeFilesOf(id: string): ModelFiles {
    if (this.opts.probeFiles) return this.opts.probeFiles(id);
    if (!isModelId(id)) throw new ModelLoadError(`'${String(id).slice(0, 40)}' is not the id of a bundled probe.`);
    const base = this.opts.modelsBaseUrl;
    if (!base) throw new ModelLoadError('The engine was started without a location for bundled probes.');
    return urlFiles(new URL(`probes/${id}/`, base).href, this.opts.fetchFn);
  }

  /** What the model's probe reads (its manifest only; the network loads when a job needs it), or why it cannot be used. */
  private async probeSummary(g: Generator): Promise<ProbeSummary | undefined> {
    const id = g.manifest.probe;
    if (!id) return undefined;
    try {
      const m = parseProbeManifest(await this.probeFilesOf(id).text('manifest.json'), `probes/${id}/manifest.json`);
      return { id, name: m.name, categorical: m.layout.categorical.map(({ name, classes }) => ({ name, classes })), targets: m.layout.targets };
    } catch (e) {
      return { id, error: `The probe '${id}' named by the manifest cannot be read here (${reasonOf(e)}).` };
    }
  }

  private dropProbe(): void {
    const p = this.probe;
    this.probe = null;
    p?.loading.then((probe) => probe.dispose(), () => undefined);
  }

  /**
   * One frame, with the request's slider edit applied (edit.ts; a zero edit gives exactly the unedited
   * frame). Throws (rejects) with a plain sentence if no model is loaded or the request is invalid.
   */
  render(req: RenderRequest): Promise<RenderResult> {
    return this.withGenerator(async (g) => {
      if (!req || typeof req.seq !== 'number') throw new Error('A render request needs a sequence number.');
      if (!isSpace(req.space)) throw new Error('The latent space must be z, w or wplus.');
      const t0 = performance.now();
      const space = g.isStyleBased ? req.space : 'z';
      // ψ acts in W for a style model (a truncated view of g), on z otherwise (zOf): truncation.ts; a W or W+
      // code is the image of its anchor z under a view of g (explicitLatent.ts).
      const at = atLatent(g, req.latent);
      const z = zOf(at.g, at.latent);
      const images = tf.tidy(() => at.g.generate(editedLatent(at.g, z, space, req.edit), space));
      let rgba: Uint8ClampedArray;
      try {
        rgba = await g.toRGBA(images);
      } finally {
        images.dispose();
      }
      const [height, width] = g.outputShape;
      return { seq: req.seq, width, height, rgba, ms: performance.now() - t0, space };
    });
  }

  /**
   * Run `job` with the current generator while nothing else runs on this engine (no frame, no model
   * swap), for long computations that live beside it (jobs.ts). The generator is lent for the duration
   * of `job` only: a later load frees it, so it must not be kept. Rejects if no model is loaded.
   */
  withGenerator<T>(job: (g: Generator) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.init();
      const g = this.generator;
      if (!g) throw new Error('No model is loaded yet.');
      return job(g);
    });
  }

  memory(): MemoryInfo {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers };
  }

  info(): EngineInfo {
    return { backend: this.backend, backendNotes: [...this.backendNotes], ...(this.wasm ? { wasm: { ...this.wasm } } : {}), model: this.summary };
  }

  /** Free the model's weights (the backend stays). */
  dispose(): void {
    this.loadTicket++;
    this.dropProbe();
    this.generator?.dispose();
    this.generator = null;
    this.summary = null;
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/**
 * Run the new model once before it replaces the old one, so a model that loads but cannot run (wrong
 * shapes, missing kernels) is reported as a load error instead of breaking every later frame.
 */
async function smokeTest(g: Generator): Promise<void> {
  let images: tf.Tensor4D | null = null;
  try {
    images = generateThrough(g, g.samplePrior(0, 1), 'z');
    const [, h, w, c] = images.shape;
    const [eh, ew, ec] = g.outputShape;
    if (h !== eh || w !== ew || c !== ec) {
      throw new ModelLoadError(`The model produced ${h}×${w}×${c} images but its manifest declares ${eh}×${ew}×${ec}.`);
    }
    await images.data();
  } catch (e) {
    g.dispose();
    throw e instanceof ModelLoadError ? e : new ModelLoadError(describe(e, 'The model loaded but failed to run'));
  } finally {
    images?.dispose();
  }
}

function summarise(g: Generator, source: string): ModelSummary {
  const m = g.manifest;
  const [height, width, channels] = g.outputShape;
  return {
    id: m.id,
    name: m.name || m.id,
    description: m.description ?? '',
    source,
    zDim: g.zDim,
    prior: m.latent.prior,
    ...(g.wDim !== undefined ? { wDim: g.wDim } : {}),
    ...(g.styleLayers !== undefined ? { styleLayers: g.styleLayers } : {}),
    isStyleBased: g.isStyleBased,
    spaces: spacesOf(g),
    width,
    height,
    channels,
    hasDiscriminator: typeof g.discriminatorScore === 'function',
    assumptions: [...g.assumptions],
  };
}

function sourceLabel(source: ModelSource): string {
  if (source.kind === 'bundled') return `bundled model ${source.id}`;
  if (source.kind === 'url') return source.url;
  return `${source.files.length} local file${source.files.length === 1 ? '' : 's'}`;
}

/** ModelLoadError messages are already one plain sentence; anything else gets a short lead-in. */
function describe(e: unknown, lead: string): string {
  const raw = e instanceof Error ? e.message : String(e);
  const msg = e instanceof ModelLoadError ? raw : `${lead}: ${raw}`;
  return msg.length > MAX_MESSAGE ? msg.slice(0, MAX_MESSAGE - 1) + '…' : msg;
}
