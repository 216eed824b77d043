/**
 * The app's handle on the engine worker. Everything is a comlink call; rendering goes through a
 * latest-wins scheduler so only the newest request waits while a frame is computed, and no reply
 * older than the newest frame delivered ever reaches the canvas.
 */
import * as Comlink from 'comlink';
import { LatestWins } from '../../src/engine/latestWins';
import type {
  BackendName, Catalogue, EngineApi, EngineInfo, LatentSpace, LatentSpec, LoadResult, MemoryInfo, ModelSource, RenderResult,
} from '../../src/engine/types';

export class EngineClient {
  private readonly worker: Worker;
  private readonly remote: Comlink.Remote<EngineApi>;
  private readonly frames: LatestWins<{ latent: LatentSpec; space: LatentSpace }, RenderResult>;

  constructor() {
    this.worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
    this.remote = Comlink.wrap<EngineApi>(this.worker);
    this.frames = new LatestWins(({ latent, space }, seq) => this.remote.render({ seq, latent, space }));
  }

  start(modelsBaseUrl: string, backends?: BackendName[]): Promise<EngineInfo> {
    return this.remote.start({ modelsBaseUrl, ...(backends ? { backends } : {}) });
  }

  catalogue(): Promise<Catalogue> {
    return this.remote.catalogue();
  }

  load(source: ModelSource): Promise<LoadResult> {
    return this.remote.load(source);
  }

  /** The frame for this latent, or null when a newer request made it obsolete. */
  async render(latent: LatentSpec, space: LatentSpace): Promise<RenderResult | null> {
    const outcome = await this.frames.submit({ latent, space });
    return outcome.status === 'done' ? outcome.value : null;
  }

  memory(): Promise<MemoryInfo> {
    return this.remote.memory();
  }

  info(): Promise<EngineInfo> {
    return this.remote.info();
  }

  terminate(): void {
    this.remote[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
