/**
 * A worker that is restarted when it dies. Both engine workers hold a tfjs backend and a model; either can
 * be lost (an uncaught error or crash in the worker, a lost GPU device). The app keeps all view state on
 * the main thread, so recovery is: end the old worker, start a new one on the next backend in the
 * preference order, load the same model again, and tell the caller — the view stays as it was.
 *
 * Calls on a dead worker would never settle (comlink waits for a reply that cannot come), so every call
 * races the worker's death and rejects with WorkerLost instead.
 */
import * as Comlink from 'comlink';
import { BACKEND_ORDER, type BackendName, type EngineInfo, type LoadResult, type ModelSource } from '../../src/engine/types';

export class WorkerLost extends Error {}

type StartOptions = { modelsBaseUrl: string; backends?: BackendName[]; wasmThreads?: number };

/** What both worker APIs share: start on a list of backends, load a model. */
interface Restartable {
  start(opts: StartOptions): Promise<EngineInfo>;
  load(source: ModelSource): Promise<LoadResult>;
}

export interface RestartNotice {
  worker: string;
  reason: string;
  backend: BackendName | null;
}

/** Errors that mean the backend itself is gone, not that one request was bad. */
const BACKEND_LOST = /device (was )?lost|context (was )?lost|GPUDevice|CONTEXT_LOST|out of memory|RuntimeError: unreachable|memory access out of bounds/i;

export function isBackendLoss(e: unknown): boolean {
  return e instanceof WorkerLost || BACKEND_LOST.test(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
}

export class SupervisedWorker<Api extends Restartable> {
  private worker!: Worker;
  private proxy!: Comlink.Remote<Api>;
  private died!: Promise<never>;
  private markDead!: (e: WorkerLost) => void;
  private startOpts: StartOptions | null = null;
  private source: ModelSource | null = null;
  private backend: BackendName | null = null;
  private restarting: Promise<void> | null = null;
  /** Called after each restart (for the notice). */
  onRestart: ((n: RestartNotice) => void) | null = null;

  constructor(private readonly name: string, private readonly create: () => Worker) {
    this.spawn();
  }

  /** Run one call against the current worker; rejects with WorkerLost if the worker dies meanwhile. */
  async call<T>(f: (api: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
    if (this.restarting) await this.restarting;
    return Promise.race([f(this.proxy), this.died]);
  }

  async start(modelsBaseUrl: string, backends?: BackendName[], wasmThreads?: number): Promise<EngineInfo> {
    this.startOpts = { modelsBaseUrl, ...(backends ? { backends } : {}), ...(wasmThreads !== undefined ? { wasmThreads } : {}) };
    const info = await this.call((api) => api.start(this.startOpts!) as Promise<EngineInfo>);
    this.backend = info.backend;
    return info;
  }

  async load(source: ModelSource): Promise<LoadResult> {
    const result = await this.call((api) => api.load(source) as Promise<LoadResult>);
    if (result.ok) this.source = source;
    return result;
  }

  /** The backend in use now. */
  get currentBackend(): BackendName | null {
    return this.backend;
  }

  /**
   * Replace the worker: the next backend after the current one (the same one if it was the last), the
   * same model. Concurrent callers share one restart.
   */
  restart(reason: string): Promise<void> {
    this.restarting ??= (async () => {
      this.markDead(new WorkerLost(`The ${this.name} worker stopped: ${reason}`));
      this.proxy[Comlink.releaseProxy]();
      this.worker.terminate();
      this.spawn();
      if (!this.startOpts) return;
      const allowed = this.startOpts.backends ?? BACKEND_ORDER;
      const after = this.backend ? allowed.slice(allowed.indexOf(this.backend) + 1) : [...allowed];
      const next = after.length > 0 ? after : [...allowed];
      const info = await Promise.race([this.proxy.start({ ...this.startOpts, backends: next }) as Promise<EngineInfo>, this.died]);
      this.backend = info.backend;
      if (this.source) await Promise.race([this.proxy.load(this.source) as Promise<LoadResult>, this.died]);
      this.onRestart?.({ worker: this.name, reason, backend: this.backend });
    })().finally(() => { this.restarting = null; });
    return this.restarting;
  }

  terminate(): void {
    this.proxy[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  private spawn(): void {
    this.worker = this.create();
    this.proxy = Comlink.wrap<Api>(this.worker);
    this.died = new Promise<never>((_, reject) => { this.markDead = reject; });
    this.died.catch(() => undefined); // observed by call(); never an unhandled rejection
    const worker = this.worker;
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      if (worker === this.worker) void this.restart(e.message || 'an uncaught error').catch(() => undefined);
    });
  }
}
