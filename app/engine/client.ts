/**
 * The app's handle on the render worker. Everything is a comlink call; rendering goes through a
 * latest-wins scheduler so only the newest request waits while a frame is computed, and no reply
 * older than the newest frame delivered ever reaches the canvas. The worker is supervised: if it dies or
 * its backend is lost, it is restarted on the next backend with the same model, and the frame retried.
 */
import { LatestWins } from '../../src/engine/latestWins';
import type {
  BackendName, Catalogue, EngineApi, EngineInfo, LatentEdit, LatentSpace, LatentSpec, LoadResult, MemoryInfo, ModelSource, RenderResult,
} from '../../src/engine/types';
import { isBackendLoss, SupervisedWorker, type RestartNotice } from './supervised';

type FrameRequest = { latent: LatentSpec; space: LatentSpace; edit?: LatentEdit };

export class EngineClient {
  private readonly supervised: SupervisedWorker<EngineApi>;
  private readonly frames: LatestWins<FrameRequest, RenderResult>;

  constructor() {
    this.supervised = new SupervisedWorker<EngineApi>('render', () =>
      new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' }));
    this.frames = new LatestWins((req, seq) => this.renderOnce(req, seq));
  }

  set onRestart(f: ((n: RestartNotice) => void) | null) {
    this.supervised.onRestart = f;
  }

  /** `wasmThreads`: XNNPACK threads for frames on wasm (main.tsx chooses them). */
  start(modelsBaseUrl: string, backends?: BackendName[], wasmThreads?: number): Promise<EngineInfo> {
    return this.supervised.start(modelsBaseUrl, backends, wasmThreads);
  }

  catalogue(): Promise<Catalogue> {
    return this.supervised.call((api) => api.catalogue());
  }

  load(source: ModelSource): Promise<LoadResult> {
    return this.supervised.load(source);
  }

  /** The frame for this latent, or null when a newer request made it obsolete. */
  async render(latent: LatentSpec, space: LatentSpace, edit?: LatentEdit): Promise<RenderResult | null> {
    const outcome = await this.frames.submit({ latent, space, ...(edit ? { edit } : {}) });
    return outcome.status === 'done' ? outcome.value : null;
  }

  memory(): Promise<MemoryInfo> {
    return this.supervised.call((api) => api.memory());
  }

  info(): Promise<EngineInfo> {
    return this.supervised.call((api) => api.info());
  }

  /** Diagnostics: transposed matmuls on the render worker's backend against float64. */
  matmulCheck(): Promise<{ backend: string; maxRelError: number }> {
    return this.supervised.call((api) => api.matmulCheck());
  }

  /** Diagnostics (tests, the console): make the worker crash, to watch it recover. */
  crash(): Promise<void> {
    return this.supervised.call((api) => api.crash());
  }

  terminate(): void {
    this.supervised.terminate();
  }

  /** One frame; a lost worker or backend is restarted and the frame asked for once more. */
  private async renderOnce({ latent, space, edit }: FrameRequest, seq: number): Promise<RenderResult> {
    const ask = () => this.supervised.call((api) => api.render({ seq, latent, space, ...(edit ? { edit } : {}) }));
    try {
      return await ask();
    } catch (e) {
      if (!isBackendLoss(e)) throw e;
      await this.supervised.restart(e instanceof Error ? e.message : String(e));
      return ask();
    }
  }
}
