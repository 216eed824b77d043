/**
 * The session wires the store to the two workers: the render worker (frames, latest-wins) and the job
 * worker (bases, montages, curve walks, sweeps: slow, with progress, cancellable). It starts both, picks
 * the first model (from the link or the catalogue's default), loads models into both, asks for a new
 * frame whenever the view changes and for a new basis whenever the reference or the basis settings
 * change. It holds no view state of its own; the store does.
 */
import { DEFAULT_SLIDER_RANGE, MAX_DIRECTIONS, rangeHolding, sliderSteps } from '../src/engine/edit';
import type {
  Basis, BasisKind, DistanceName, LatentEdit, LatentSpec, LayerRangeName, LoadResult, ModelSource, PickedFile,
} from '../src/engine/types';
import type { PanelName, ViewState } from '../src/state/url';
import type { EngineClient } from './engine/client';
import type { JobRequests, JobResults, JobsClient } from './engine/jobsClient';
import {
  basisKey, currentBasis, effectiveSpace, referenceKey, wantedFrameKey, type AtlasState, type AtlasStore, type JobKind, type ModelRef,
} from './state/store';

type Running = { cancel(): void; key: string };
export interface MontageOptions { rows: number; columns: number; extent: number }

export class Session {
  readonly store: AtlasStore;
  private readonly client: EngineClient;
  private readonly jobs: JobsClient;
  private unsubscribe: (() => void) | null = null;
  private readonly running: Partial<Record<JobKind, Running>> = {};
  /** Resolves when the job worker holds the current model (jobs wait for it). */
  private jobsModel: Promise<boolean> = Promise.resolve(false);
  private jobsStarted: Promise<boolean> = Promise.resolve(false);
  /** Slider positions from a link, applied when the first basis for that link's reference arrives. */
  private pendingSliders: number[] | null = null;

  constructor(client: EngineClient, jobs: JobsClient, store: AtlasStore) {
    this.client = client;
    this.jobs = jobs;
    this.store = store;
  }

  /** Start the engine and show the first model; `initial` is the view decoded from the link. */
  async start(modelsBaseUrl: string, initial: ViewState, notices: string[], backends?: Parameters<EngineClient['start']>[1]): Promise<void> {
    this.applyView(initial, notices);
    // A lost worker comes back on the next backend with the same model; the view (in this store) is kept.
    this.client.onRestart = (n) => {
      this.store.setState({ backend: n.backend });
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
      const info = await this.client.start(modelsBaseUrl, backends);
      this.store.setState({ backend: info.backend, backendNotes: info.backendNotes });
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
    this.unsubscribe?.();
    for (const job of Object.values(this.running)) job?.cancel();
    this.client.terminate();
    this.jobs.terminate();
  }

  /** Apply a view decoded from a link (at start, or when the reader edits the hash). */
  applyView(view: ViewState, notices: string[]): void {
    const patch: Partial<AtlasState> = {};
    if (view.seed !== undefined) patch.seed = view.seed;
    patch.z = view.z ?? null;
    if (view.space !== undefined) patch.space = view.space;
    if (view.truncation !== undefined) patch.truncation = view.truncation;
    if (view.basis !== undefined) patch.basisKind = view.basis;
    if (view.distance !== undefined) patch.distance = view.distance;
    patch.sliderRange = rangeHolding(view.distance ?? this.store.getState().distance, view.sliders ?? []);
    if (view.k !== undefined) patch.k = view.k;
    if (view.layers !== undefined) patch.layers = view.layers;
    if (view.spherical !== undefined) patch.spherical = view.spherical;
    if (view.panel !== undefined) patch.panel = view.panel;
    if (notices.length) patch.notices = [...this.store.getState().notices, ...notices];
    const sliders = view.sliders ?? [];
    const current = this.store.getState();
    const sameBasis = current.basis && basisKey({ ...current, ...patch }) === current.basisFor;
    if (sameBasis) patch.sliders = sliders.slice(0, current.basis!.directions.length);
    else {
      patch.sliders = [];
      this.pendingSliders = sliders.length ? sliders : null;
    }
    this.store.setState(patch);
    const ref = this.store.getState().modelRef;
    // A changed model in an edited hash: bundled ones load directly, remote ones ask first.
    if (ref && view.model && !(ref.kind === 'bundled' && ref.id === view.model)) void this.loadBundled(view.model, true);
    if (ref && view.modelUrl && !(ref.kind === 'url' && ref.url === view.modelUrl)) this.store.setState({ pendingRemoteUrl: view.modelUrl });
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

  // ── The reference latent (a new one resets the sliders: their directions belong to the old one) ──

  setSeed(seed: number): void {
    this.store.setState({ seed, z: null, sliders: [] });
  }

  randomSeed(): void {
    // Small numbers are easier to read, remember and share.
    this.setSeed(Math.floor(Math.random() * 100_000));
  }

  setSpace(space: AtlasState['space']): void {
    this.store.setState({ space, sliders: [] });
  }

  setTruncation(truncation: number): void {
    this.store.setState({ truncation, sliders: [] });
  }

  // ── The basis under the sliders ──

  setBasisKind(basisKind: BasisKind): void {
    this.store.setState({ basisKind, sliders: [] });
  }

  setDistance(distance: DistanceName): void {
    // Each distance has its own units: the sliders' reach follows.
    this.store.setState({ distance, sliders: [], sliderRange: DEFAULT_SLIDER_RANGE[distance] });
  }

  setK(k: number): void {
    this.store.setState({ k: Math.max(1, Math.min(MAX_DIRECTIONS, Math.round(k))), sliders: [] });
  }

  /** Compute the basis again (after an error, or to see the timing). */
  recomputeBasis(): void {
    this.store.setState({ basisFor: null, basis: null });
    this.ensureBasis();
  }

  cancelJob(kind: JobKind): void {
    this.running[kind]?.cancel();
  }

  // ── Sliders ──

  setSlider(index: number, position: number): void {
    this.store.setState((s) => {
      const sliders = [...s.sliders];
      while (sliders.length <= index) sliders.push(0);
      sliders[index] = clamp(position, s.sliderRange);
      return { sliders };
    });
  }

  setSliders(positions: Record<number, number>): void {
    this.store.setState((s) => {
      const sliders = [...s.sliders];
      for (const [i, v] of Object.entries(positions)) {
        const index = Number(i);
        while (sliders.length <= index) sliders.push(0);
        sliders[index] = clamp(v, s.sliderRange);
      }
      return { sliders };
    });
  }

  resetSliders(): void {
    this.store.setState({ sliders: [] });
  }

  setSliderRange(range: number): void {
    this.store.setState((s) => ({ sliderRange: range, sliders: s.sliders.map((v) => clamp(v, range)) }));
  }

  setPad(pad: [number, number]): void {
    this.store.setState({ pad });
  }

  setLayers(layers: LayerRangeName): void {
    this.store.setState({ layers });
  }

  setSpherical(spherical: boolean): void {
    this.store.setState({ spherical });
  }

  setPanel(panel: PanelName): void {
    this.store.setState({ panel });
  }

  // ── Panels' jobs ──

  /** What a montage with these options at the current view would be computed for (null: no basis yet). */
  montageKey(opts: MontageOptions): string | null {
    const s = this.store.getState();
    const basis = currentBasis(s);
    if (!basis) return null;
    const n = Math.min(opts.rows, basis.directions.length);
    return `${s.basisFor}|${n}|${opts.columns}|${opts.extent}|${s.spherical}|${s.layers}`;
  }

  runMontage(opts: MontageOptions): void {
    const s = this.store.getState();
    const basis = currentBasis(s);
    const key = this.montageKey(opts);
    if (!basis || !key || this.running.montage?.key === key) return;
    const n = Math.min(opts.rows, basis.directions.length);
    void this.runJob('montage', key, {
      latent: this.latentOf(s),
      space: effectiveSpace(s),
      basis: { directions: basis.directions, rates: basis.rates, distance: basis.distance },
      rows: Array.from({ length: n }, (_, i) => i),
      columns: opts.columns,
      extent: opts.extent,
      ...(effectiveSpace(s) === 'z' && s.spherical ? { spherical: true } : {}),
      ...(effectiveSpace(s) === 'wplus' ? { layers: s.layers } : {}),
    }, (montage) => this.store.setState({ montage, montageFor: key }));
  }

  runCurveWalk(opts: { index: number; steps: number; intensity: number }): void {
    const s = this.store.getState();
    void this.runJob('curve', `${referenceKey(s)}|${opts.index}|${opts.steps}|${opts.intensity}`, {
      latent: this.latentOf(s), index: opts.index, steps: opts.steps, intensity: opts.intensity,
    }, (curve) => this.store.setState({ curve }));
  }

  runSweep(opts: { count: number }): void {
    const s = this.store.getState();
    void this.runJob('sweep', `${s.model?.id}|${s.seed}|${opts.count}|${effectiveSpace(s)}|${s.distance}`, {
      seed: s.seed, count: opts.count, space: effectiveSpace(s), distance: s.distance,
    }, (sweep) => this.store.setState({ sweep, sweepLive: null }));
    this.store.setState({ sweepLive: null });
  }

  notice(text: string): void {
    this.store.setState((s) => ({ notices: [...s.notices, text] }));
  }

  // ── Internals ──

  private react(s: AtlasState, prev: AtlasState): void {
    if (s.model !== prev.model || s.z !== prev.z || wantedFrameKey(s) !== wantedFrameKey(prev)) void this.renderCurrent();
    if (basisKey(s) !== basisKey(prev) || s.model !== prev.model) this.ensureBasis();
  }

  /** Start a basis job for the current settings unless one is running for them or already done. */
  private ensureBasis(): void {
    const s = this.store.getState();
    const key = basisKey(s);
    if (!key || !s.model || key === s.basisFor || this.running.basis?.key === key) return;
    if (s.basisKind === 'local' && !s.model.isStyleBased) {
      this.running.basis?.cancel();
      this.setJob('basis', { progress: null, error: 'Local Basis needs a mapping network (a style-based model).', ms: null });
      this.store.setState({ basis: null, basisFor: null });
      return;
    }
    void this.runJob('basis', key, {
      latent: this.latentOf(s), space: effectiveSpace(s), kind: s.basisKind, distance: s.distance, k: s.k, seed: 0,
    }, (basis: Basis) => {
      const sliders = this.pendingSliders?.slice(0, basis.directions.length) ?? [];
      this.pendingSliders = null;
      this.store.setState({ basis, basisFor: key, sliders });
    });
  }

  /**
   * Run one job of a kind, replacing (cancelling) the previous one of that kind; `key` names what it
   * computes, so a result that arrives after the view moved on is still kept only if it is current.
   */
  private async runJob<K extends JobKind>(kind: K, key: string, req: JobRequests[K], done: (result: JobResults[K]) => void): Promise<void> {
    this.running[kind]?.cancel();
    const ready = (await this.jobsStarted) && (await this.jobsModel);
    if (!ready) {
      this.setJob(kind, { progress: null, error: 'The background worker has no model loaded.', ms: null });
      return;
    }
    const job = this.jobs.run(kind, req, (progress) => {
      if (this.running[kind] !== entry) return;
      this.setJob(kind, { progress: { phase: progress.phase, done: progress.done, total: progress.total }, error: null, ms: null });
      if (kind === 'sweep' && progress.partial) this.store.setState({ sweepLive: progress.partial });
    });
    const entry: Running = { cancel: job.cancel, key };
    this.running[kind] = entry;
    this.setJob(kind, { progress: { phase: 'starting', done: 0, total: 1 }, error: null, ms: null });
    const t0 = performance.now();
    try {
      const result = await job.promise;
      if (this.running[kind] !== entry) return;
      done(result);
      this.setJob(kind, { progress: null, error: null, ms: performance.now() - t0 });
    } catch (e) {
      if (this.running[kind] !== entry) return;
      const message = messageOf(e);
      this.setJob(kind, { progress: null, error: message.startsWith('Cancelled') ? null : message, ms: null });
    } finally {
      if (this.running[kind] === entry) delete this.running[kind];
    }
  }

  private setJob(kind: JobKind, state: AtlasState['jobs'][JobKind]): void {
    this.store.setState((s) => ({ jobs: { ...s.jobs, [kind]: state } }));
  }

  private latentOf(s: AtlasState): LatentSpec {
    return s.z ? { z: s.z } : s.truncation === 1 ? { seed: s.seed } : { seed: s.seed, truncation: s.truncation };
  }

  private editOf(s: AtlasState): LatentEdit | undefined {
    const basis = currentBasis(s);
    if (!basis || !s.sliders.some((v) => v !== 0)) return undefined;
    const n = Math.min(basis.directions.length, s.sliders.length);
    const space = effectiveSpace(s);
    return {
      directions: basis.directions.slice(0, n),
      steps: sliderSteps(basis.rates.slice(0, n), s.sliders.slice(0, n)),
      ...(space === 'wplus' ? { layers: s.layers } : {}),
      ...(space === 'z' && s.spherical ? { spherical: true } : {}),
    };
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
    this.jobsModel = this.jobsStarted.then(async (started) => {
      if (!started) return false;
      const r = await this.jobs.load(source).catch((e: unknown) => ({ ok: false as const, error: messageOf(e) }));
      if (!r.ok) this.notice(`The background worker could not load the model (${r.error}); sliders and panels are unavailable.`);
      return r.ok;
    });
    const patch: Partial<AtlasState> = { model: result.model, modelRef: ref, error: null, basis: null, basisFor: null, montage: null, montageFor: null, curve: null, sweep: null };
    if (!keepView) patch.sliders = [];
    this.store.setState(patch);
  }

  private async renderCurrent(): Promise<void> {
    const s = this.store.getState();
    const key = wantedFrameKey(s);
    if (!key) return;
    try {
      const frame = await this.client.render(this.latentOf(s), effectiveSpace(s), this.editOf(s));
      if (!frame) return; // superseded by a newer request
      this.store.setState({ frame: { rgba: frame.rgba, width: frame.width, height: frame.height, ms: frame.ms, key } });
    } catch (e) {
      this.store.setState({ error: `The image could not be drawn: ${messageOf(e)}` });
    }
  }
}

function clamp(v: number, range: number): number {
  return Number.isFinite(v) ? Math.max(-range, Math.min(range, v)) : 0;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
