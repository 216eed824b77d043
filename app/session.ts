/**
 * The session wires the store to the two workers: the render worker (frames, latest-wins) and the job
 * worker (the kinds of src/engine/registry.ts: slow, with progress, cancellable). It starts both, picks the
 * first model (from the link or the catalogue's default), loads models into both, asks for a new frame
 * whenever the view changes and for a new basis whenever the reference or the basis settings change, and
 * runs the panels' jobs. It holds no view state of its own, and no rules about it: state transitions,
 * cache keys and requests are pure functions in app/state/.
 */
import type { JobKind, JobRequest, JobResult } from '../src/engine/registry';
import type { Basis, LatentSpace, LoadResult, ModelSource, PickedFile } from '../src/engine/types';
import { decodeView, URL_VERSION, type ViewState, type ViewStoreKey } from '../src/state/url';
import { tourOf } from '../src/state/tours';
import { readDirectionsFile } from '../src/export/directionsFile';
import { importDirections } from '../src/state/importedBasis';
import { isCancelled } from '../src/util/jobContext';
import { dragHoldsJobs } from '../src/engine/pool';
import type { EngineClient } from './engine/client';
import type { JobsClient } from './engine/jobsClient';
import { basisKey, factorsKey, referenceKey, wantedFrameKey } from './state/keys';
import { IDLE_JOB, type AtlasState, type AtlasStore, type JobState, type ModelRef } from './state/store';
import { ascentAfter, ascentJob, basisRequest, editOf, latentOf, withDistance, withImported, withK, withLatent, withSeed, withSliderRange, withSliders } from './state/transitions';
import { settingPatch, viewPatch } from './state/view';

type Running = { cancel(): void; key: string };

/** Longest a drag may hold background jobs without a pointer move (a pointerup lost to another window must not stop them for ever). */
const MAX_DRAG_PAUSE_MS = 15_000;

export class Session {
  readonly store: AtlasStore;
  private readonly client: EngineClient;
  private readonly jobs: JobsClient;
  private readonly cores: number | undefined;
  private unsubscribe: (() => void) | null = null;
  private readonly running: Partial<Record<JobKind, Running>> = {};
  /** Resolves when the job worker holds the current model (jobs wait for it). */
  private jobsModel: Promise<boolean> = Promise.resolve(false);
  private jobsStarted: Promise<boolean> = Promise.resolve(false);
  /** Slider positions from a link, applied when the first basis for that link's reference arrives. */
  private pendingSliders: number[] | null = null;
  /** Models whose fallback warning was shown already (once per model and warning). */
  private readonly warned = new Set<string>();
  private dragTimer: ReturnType<typeof setTimeout> | null = null;

  /** `cores`: the machine's logical cores (navigator.hardwareConcurrency), for holding jobs during drags. */
  constructor(client: EngineClient, jobs: JobsClient, store: AtlasStore, cores?: number) {
    this.client = client;
    this.jobs = jobs;
    this.store = store;
    this.cores = cores;
  }

  /** Start the engine and show the first model; `initial` is the view decoded from the link. */
  async start(modelsBaseUrl: string, initial: ViewState, notices: string[], backends?: Parameters<EngineClient['start']>[1], wasmThreads?: number): Promise<void> {
    this.applyView(initial, notices);
    // A lost worker comes back on the next backend with the same model; the view (in this store) is kept.
    this.client.onRestart = (n) => {
      this.store.setState({ backend: n.backend, wasm: null });
      this.notice(`The ${n.worker} worker stopped (${n.reason}); it was restarted on ${n.backend ?? 'no backend'} and your view is unchanged.`);
      void this.renderCurrent();
    };
    this.jobs.onRestart = (n) => this.notice(`The ${n.worker} worker stopped (${n.reason}); it was restarted on ${n.backend ?? 'no backend'}.`);
    this.unsubscribe = this.store.subscribe((s, prev) => this.react(s, prev));
    this.jobsStarted = this.jobs.start(modelsBaseUrl, backends).then(() => true, (e) => {
      this.notice(`The background worker could not start (${messageOf(e)}); sliders and panels are unavailable.`);
      return false;
    });
    try {
      const info = await this.client.start(modelsBaseUrl, backends, wasmThreads);
      this.store.setState({ backend: info.backend, backendNotes: info.backendNotes, wasm: info.wasm ?? null, jobWorkers: this.jobs.size });
    } catch (e) {
      this.store.setState({ error: `The engine could not start: ${messageOf(e)}` });
      return;
    }
    let catalogue;
    try {
      catalogue = await this.client.catalogue();
      this.store.setState({ catalogue });
    } catch (e) {
      this.store.setState({ error: messageOf(e) });
      return;
    }
    const available = (id: string) => catalogue.models.some((m) => m.id === id && !m.error);
    if (initial.modelUrl) this.store.setState({ pendingRemoteUrl: initial.modelUrl });
    let first = catalogue.defaultId;
    if (initial.model && available(initial.model)) first = initial.model;
    else if (initial.model) this.notice(`The link's model "${initial.model}" is not available here; showing the default model instead.`);
    if (first && !available(first)) first = catalogue.models.find((m) => !m.error)?.id ?? null;
    if (first) await this.loadBundled(first, true);
    else this.store.setState({ error: 'No bundled model is available yet.' });
  }

  stop(): void {
    this.endDrag();
    this.unsubscribe?.();
    for (const job of Object.values(this.running)) job?.cancel();
    this.client.terminate();
    this.jobs.terminate();
  }

  /** Apply a view decoded from a link (at start, or when the reader edits the hash). */
  applyView(view: ViewState, notices: string[]): void {
    const { patch, pendingSliders } = viewPatch(view, this.store.getState());
    this.pendingSliders = pendingSliders;
    if (notices.length) patch.notices = [...this.store.getState().notices, ...notices];
    this.store.setState(patch);
    const ref = this.store.getState().modelRef;
    // A changed model in an edited hash: bundled ones load directly, remote ones ask first.
    if (ref && view.model && !(ref.kind === 'bundled' && ref.id === view.model)) void this.loadBundled(view.model, true);
    if (ref && view.modelUrl && !(ref.kind === 'url' && ref.url === view.modelUrl)) this.store.setState({ pendingRemoteUrl: view.modelUrl });
  }

  /**
   * Show step `step` (1-based) of a guided tour: its view, as a link would set it, with the tour position
   * (presenter mode stays as it is: a presenter walks the class through a tour).
   */
  showTourStep(id: string, step: number): void {
    const view = tourOf(id)?.steps[step - 1]?.view;
    if (!view) return;
    const { state, notices } = decodeView(`v=${URL_VERSION}&${view}&tour=${id}.${step}`);
    this.applyView({ ...state, presenter: this.store.getState().presenter }, notices);
  }

  loadBundled(id: string, keepView = false): Promise<void> {
    const name = this.store.getState().catalogue?.models.find((m) => m.id === id)?.name ?? id;
    return this.load({ kind: 'bundled', id }, { kind: 'bundled', id }, name, keepView);
  }

  loadUrl(url: string): Promise<void> {
    return this.load({ kind: 'url', url }, { kind: 'url', url }, url);
  }

  loadFiles(files: PickedFile[]): Promise<void> {
    const n = files.length;
    return this.load({ kind: 'files', files }, { kind: 'files' }, `${n} file${n === 1 ? '' : 's'}`);
  }

  /** The reader agreed to fetch the model URL that came with a shared link. */
  confirmRemote(): Promise<void> {
    const url = this.store.getState().pendingRemoteUrl;
    this.store.setState({ pendingRemoteUrl: null });
    return url ? this.loadUrl(url) : Promise.resolve();
  }

  declineRemote(): void {
    this.store.setState({ pendingRemoteUrl: null });
  }

  // ── Settings (a change that moves the reference or the basis resets the sliders: the URL table says which) ──

  /** Set one setting of the URL table from its control. */
  set<K extends ViewStoreKey>(key: K, value: AtlasState[K]): void {
    this.store.setState(settingPatch(key, value));
  }

  setSeed(seed: number): void {
    this.store.setState(withSeed(seed));
  }

  /** Make an explicit latent the current one ("Explore from here"): a z, or a W / W+ code shown in its own space. */
  explore(space: LatentSpace, values: number[]): void {
    this.store.setState(withLatent({ space, values }));
  }

  randomSeed(): void {
    // Small numbers are easier to read, remember and share.
    this.setSeed(Math.floor(Math.random() * 100_000));
  }

  setDistance(distance: AtlasState['distance']): void {
    this.store.setState(withDistance(distance));
  }

  setK(k: number): void {
    this.store.setState(withK(k));
  }

  /**
   * Make a directions file (Export → Basis JSON, or atlas basis's output) the sliders' basis: read and checked
   * by src/export/directionsFile.ts, matched to the model and space by src/state/importedBasis.ts; the view moves
   * to the file's space and shows every direction. A bad file leaves the view as it was and says why in one
   * sentence (returned, and shown as a notice).
   */
  loadDirections(fileName: string, text: string): string | null {
    const s = this.store.getState();
    if (!s.model) return null;
    try {
      const imported = importDirections(readDirectionsFile(text), fileName, { model: s.model, isCode: !s.z && s.w !== null });
      this.store.setState(withImported(s, imported));
      return null;
    } catch (e) {
      const problem = `${fileName}: ${messageOf(e)}`;
      this.notice(problem);
      return problem;
    }
  }

  /** Show the loaded directions again (the basis list's "Imported" entry), in their own space. */
  showImported(): void {
    const s = this.store.getState();
    if (s.imported) this.store.setState(withImported(s, s.imported));
  }

  /** Compute the basis again (after an error, or to see the timing). */
  recomputeBasis(): void {
    this.store.setState((s) => ({ results: { ...s.results, basis: undefined } }));
    this.ensureBasis();
  }

  cancelJob(kind: JobKind): void {
    this.running[kind]?.cancel();
  }

  // ── Sliders ──

  setSlider(index: number, position: number): void {
    this.store.setState((s) => withSliders(s, { [index]: position }));
  }

  setSliders(positions: Record<number, number>): void {
    this.store.setState((s) => withSliders(s, positions));
  }

  resetSliders(): void {
    this.store.setState({ sliders: [] });
  }

  setSliderRange(range: number): void {
    this.store.setState((s) => withSliderRange(s, range));
  }

  setPad(pad: [number, number]): void {
    this.store.setState({ pad });
  }

  /**
   * A slider or the pad is being dragged: background jobs are held until the drag ends when they would
   * slow its frames (src/engine/pool.ts dragHoldsJobs: a GPU backend, or too few cores for the render
   * worker to have one of its own); otherwise they carry on.
   */
  startDrag(): void {
    if (!dragHoldsJobs(this.store.getState().backend, this.cores, this.jobs.size)) return;
    if (this.dragTimer !== null) clearTimeout(this.dragTimer);
    // A lost pointerup must not hold the jobs for ever.
    this.dragTimer = setTimeout(() => this.endDrag(), MAX_DRAG_PAUSE_MS);
    if (this.store.getState().jobsPaused) return;
    this.jobs.pause();
    this.store.setState({ jobsPaused: true });
  }

  endDrag(): void {
    if (this.dragTimer !== null) clearTimeout(this.dragTimer);
    this.dragTimer = null;
    if (!this.store.getState().jobsPaused) return;
    this.jobs.resume();
    this.store.setState({ jobsPaused: false });
  }

  notice(text: string): void {
    this.store.setState((s) => ({ notices: [...s.notices, text] }));
  }

  // ── Jobs ──

  /**
   * Run one job of a kind, replacing (cancelling) the previous one of that kind, unless one is already
   * running for `key`; `key` names what it computes, and the result is stored under it in `results[kind]`
   * (a panel shows it while the key is still the one it asks for). Progress and errors go to `jobs[kind]`,
   * a kind's partial results to `live[kind]`.
   */
  async runJob<K extends JobKind>(kind: K, key: string, req: JobRequest<K>, done?: (result: JobResult<K>) => void): Promise<void> {
    if (this.running[kind]?.key === key) return;
    this.running[kind]?.cancel();
    const entry: Running = { cancel: () => undefined, key };
    this.running[kind] = entry;
    this.setJob(kind, { progress: { phase: 'starting', done: 0, total: 1 }, error: null, ms: null });
    this.store.setState((s) => ({ live: { ...s.live, [kind]: undefined } }));
    const ready = (await this.jobsStarted) && (await this.jobsModel);
    if (this.running[kind] !== entry) return;
    if (!ready) {
      delete this.running[kind];
      this.setJob(kind, { progress: null, error: 'The background worker has no model loaded.', ms: null });
      return;
    }
    const job = this.jobs.run(kind, req, (progress) => {
      if (this.running[kind] !== entry) return;
      this.setJob(kind, { progress: { phase: progress.phase, done: progress.done, total: progress.total }, error: null, ms: null });
      if (progress.partial !== undefined) this.store.setState((s) => ({ live: { ...s.live, [kind]: progress.partial } }));
    });
    entry.cancel = job.cancel;
    const t0 = performance.now();
    try {
      const value = await job.promise;
      if (this.running[kind] !== entry) return;
      this.store.setState((s) => ({ results: { ...s.results, [kind]: { key, value } }, live: { ...s.live, [kind]: undefined } }));
      done?.(value);
      this.setJob(kind, { progress: null, error: null, ms: performance.now() - t0 });
    } catch (e) {
      if (this.running[kind] !== entry) return;
      this.setJob(kind, { progress: null, error: isCancelled(e) ? null : messageOf(e), ms: null });
    } finally {
      if (this.running[kind] === entry) delete this.running[kind];
    }
  }

  // ── Internals ──

  private react(s: AtlasState, prev: AtlasState): void {
    if (s.model !== prev.model || s.z !== prev.z || wantedFrameKey(s) !== wantedFrameKey(prev)) void this.renderCurrent();
    if (basisKey(s) !== basisKey(prev) || s.model !== prev.model) this.ensureBasis();
    const ascent = ascentAfter(s, prev);
    if (ascent !== s.ascent) this.store.setState({ ascent });
    // A new ascent (the panel's button, or a link once its model is shown) runs; a dropped one does not.
    else if (s.ascent && (s.ascent !== prev.ascent || referenceKey(prev) === null)) this.startAscent();
  }

  /** Run the view's likelihood ascent (src/engine/likelihood.ts) unless it is running or done for this latent. */
  private startAscent(): void {
    const s = this.store.getState();
    const job = ascentJob(s);
    if (!job || !s.model || s.model.prior === 'sphere') return;
    if (s.results.ascent?.key === job.key && !this.running.ascent) return;
    void this.runJob('ascent', job.key, job.request);
  }

  /** Start a basis job for the current settings unless one is running for them or already done. */
  private ensureBasis(): void {
    const s = this.store.getState();
    const key = basisKey(s);
    if (!key || !s.model || key === s.results.basis?.key) return;
    const refused = s.basisKind === 'local' && !s.model.isStyleBased ? 'Local Basis needs a mapping network (a style-based model).'
      : s.basisKind === 'imported' && !s.imported ? 'No directions are loaded: use Load directions… to pick a file.' : null;
    if (refused) {
      this.running.basis?.cancel();
      delete this.running.basis;
      this.setJob('basis', { progress: null, error: refused, ms: null });
      return;
    }
    void this.runJob('basis', key, basisRequest(s), (basis) => {
      const sliders = this.pendingSliders?.slice(0, basis.directions.length) ?? [];
      this.pendingSliders = null;
      this.store.setState({ sliders });
      const model = this.store.getState().model?.id ?? '';
      if (basis.warning && !this.warned.has(`${model}|${basis.warning}`)) {
        this.warned.add(`${model}|${basis.warning}`);
        this.notice(basis.warning);
      }
      this.labelFactors(basis);
    });
  }

  /**
   * Label the sliders with the factor each direction moves most, when the model's probe reads factors (its
   * failure only leaves the labels out: the sliders work without them).
   */
  private labelFactors(basis: Basis): void {
    const s = this.store.getState();
    const key = factorsKey(s);
    const probe = s.model?.probe;
    if (!key || !probe || !('targets' in probe) || probe.targets.length === 0 || s.results.factors?.key === key) return;
    void this.runJob('factors', key, { basisSpace: basis.basisSpace, reference: basis.reference, directions: basis.directions });
  }

  private setJob(kind: JobKind, state: JobState): void {
    this.store.setState((s) => ({ jobs: { ...s.jobs, [kind]: state } }));
  }

  private async load(source: ModelSource, ref: ModelRef, what: string, keepView = false): Promise<void> {
    this.store.setState({ loading: what });
    let result: LoadResult;
    try {
      result = await this.client.load(source);
    } catch (e) {
      result = { ok: false, error: messageOf(e), model: this.store.getState().model };
    }
    if (this.store.getState().loading === what) this.store.setState({ loading: null });
    if (!result.ok) {
      this.store.setState({ error: result.error });
      return;
    }
    // The job worker loads the same model; jobs wait for it. Its failure leaves the image working.
    for (const job of Object.values(this.running)) job?.cancel();
    for (const kind of Object.keys(this.running) as JobKind[]) delete this.running[kind];
    this.jobsModel = this.jobsStarted.then(async (started) => {
      if (!started) return false;
      const r = await this.jobs.load(source).catch((e: unknown) => ({ ok: false as const, error: messageOf(e) }));
      if (!r.ok) this.notice(`The background worker could not load the model (${r.error}); sliders and panels are unavailable.`);
      return r.ok;
    });
    const idle = Object.fromEntries(Object.keys(this.store.getState().jobs).map((k) => [k, IDLE_JOB]));
    const patch: Partial<AtlasState> = { model: result.model, modelRef: ref, error: null, results: {}, live: {}, jobs: idle };
    if (!keepView) patch.sliders = [];
    // Imported directions belong to the model they were loaded with (a link's, to the link's model).
    const before = this.store.getState();
    if (!keepView && before.imported && before.model?.id !== result.model.id) {
      patch.imported = null;
      if (before.basisKind === 'imported') {
        patch.basisKind = 'metric';
        this.notice(`The loaded directions belong to ${before.model?.id ?? 'the previous model'}; the sliders now show the local metric of ${result.model.id}.`);
      }
    }
    this.store.setState(patch);
  }

  private async renderCurrent(): Promise<void> {
    const s = this.store.getState();
    const key = wantedFrameKey(s);
    if (!key) return;
    try {
      const frame = await this.client.render(latentOf(s), s.model && s.model.spaces.includes(s.space) ? s.space : 'z', editOf(s));
      if (!frame) return; // superseded by a newer request
      this.store.setState({ frame: { rgba: frame.rgba, width: frame.width, height: frame.height, ms: frame.ms, key } });
    } catch (e) {
      this.store.setState({ error: `The image could not be drawn: ${messageOf(e)}` });
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
