/**
 * The session wires the store to the engine: it starts the worker, picks the first model (from the
 * link or the catalogue's default), loads models on request, and asks for a new frame whenever the
 * view changes. It holds no view state of its own; the store does.
 */
import type { LoadResult, ModelSource, PickedFile } from '../src/engine/types';
import type { ViewState } from '../src/state/url';
import type { EngineClient } from './engine/client';
import { effectiveSpace, wantedFrameKey, type AtlasStore, type ModelRef } from './state/store';

export class Session {
  readonly store: AtlasStore;
  private readonly client: EngineClient;
  private unsubscribe: (() => void) | null = null;

  constructor(client: EngineClient, store: AtlasStore) {
    this.client = client;
    this.store = store;
  }

  /** Start the engine and show the first model; `initial` is the view decoded from the link. */
  async start(modelsBaseUrl: string, initial: ViewState, notices: string[], backends?: Parameters<EngineClient['start']>[1]): Promise<void> {
    this.applyView(initial, notices);
    this.unsubscribe = this.store.subscribe((s, prev) => {
      if (s.model !== prev.model || s.z !== prev.z || wantedFrameKey(s) !== wantedFrameKey(prev)) void this.renderCurrent();
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
    if (first) await this.loadBundled(first);
    else this.store.setState({ error: 'No bundled model is available yet.' });
  }

  stop(): void {
    this.unsubscribe?.();
    this.client.terminate();
  }

  /** Apply a view decoded from a link (at start, or when the reader edits the hash). */
  applyView(view: ViewState, notices: string[]): void {
    const patch: Partial<ReturnType<AtlasStore['getState']>> = {};
    if (view.seed !== undefined) patch.seed = view.seed;
    patch.z = view.z ?? null;
    if (view.space !== undefined) patch.space = view.space;
    if (notices.length) patch.notices = [...this.store.getState().notices, ...notices];
    this.store.setState(patch);
    const ref = this.store.getState().modelRef;
    // A changed model in an edited hash: bundled ones load directly, remote ones ask first.
    if (ref && view.model && !(ref.kind === 'bundled' && ref.id === view.model)) void this.loadBundled(view.model);
    if (ref && view.modelUrl && !(ref.kind === 'url' && ref.url === view.modelUrl)) this.store.setState({ pendingRemoteUrl: view.modelUrl });
  }

  loadBundled(id: string): Promise<void> {
    const name = this.store.getState().catalogue?.models.find((m) => m.id === id)?.name ?? id;
    return this.load({ kind: 'bundled', id }, { kind: 'bundled', id }, name);
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

  setSeed(seed: number): void {
    this.store.setState({ seed, z: null });
  }

  randomSeed(): void {
    // Small numbers are easier to read, remember and share.
    this.setSeed(Math.floor(Math.random() * 100_000));
  }

  notice(text: string): void {
    this.store.setState((s) => ({ notices: [...s.notices, text] }));
  }

  private async load(source: ModelSource, ref: ModelRef, what: string): Promise<void> {
    this.store.setState({ loading: what });
    let result: LoadResult;
    try {
      result = await this.client.load(source);
    } catch (e) {
      result = { ok: false, error: messageOf(e), model: this.store.getState().model };
    }
    if (this.store.getState().loading === what) this.store.setState({ loading: null });
    if (result.ok) {
      this.store.setState({ model: result.model, modelRef: ref, error: null });
    } else {
      this.store.setState({ error: result.error });
    }
  }

  private async renderCurrent(): Promise<void> {
    const s = this.store.getState();
    const key = wantedFrameKey(s);
    if (!key) return;
    const latent = s.z ? { z: s.z } : { seed: s.seed };
    try {
      const frame = await this.client.render(latent, effectiveSpace(s));
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
