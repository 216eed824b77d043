/**
 * The app's handle on the job workers (the kinds of src/engine/registry.ts): a pool (src/engine/pool.ts)
 * whose members are supervised workers. The pool's size comes from navigator.hardwareConcurrency (one core
 * left to the render worker) or `?jobWorkers=N`; member 0 starts at once and holds the current model, the
 * others start when a sweep first needs them. Each run gets a fresh id, so it can be cancelled on its own;
 * progress arrives through a comlink proxy of the caller's callback. Only types and tfjs-free modules of
 * src/ are imported, so tfjs stays in the workers. Unlike renders there is no latest-wins queue here: the
 * caller decides what to cancel.
 */
import * as Comlink from 'comlink';
import { isBackendLoss, SupervisedWorker, type RestartNotice } from './supervised';
import { JobPool, type PoolMember } from '../../src/engine/pool';
import type { JobKind, JobRequest, JobResult, JobsApi } from '../../src/engine/registry';
import type { BackendName, EngineInfo, JobProgress, LoadResult, MemoryInfo, ModelSource } from '../../src/engine/types';

export interface RunningJob<T> {
  id: number;
  /** Resolves with the result; rejects with a plain sentence, or a JobCancelled (isCancelled) after cancel(). */
  promise: Promise<T>;
  cancel(): void;
}

export class JobsClient {
  private readonly pool: JobPool;
  private readonly workers: SupervisedWorker<JobsApi>[] = [];
  private startArgs: { modelsBaseUrl: string; backends?: BackendName[] } | null = null;
  private restartListener: ((n: RestartNotice) => void) | null = null;

  /** `size` job workers (see poolSize in src/engine/pool.ts). */
  constructor(size: number) {
    this.pool = new JobPool(size, (k) => this.member(k));
  }

  /** Called after a worker was lost and restarted (its running jobs then failed with WorkerLost). */
  set onRestart(f: ((n: RestartNotice) => void) | null) {
    this.restartListener = f;
  }

  /** Job workers the pool may use, and how many exist now. */
  get size(): number {
    return this.pool.size;
  }

  get spawned(): number {
    return this.pool.spawned;
  }

  start(modelsBaseUrl: string, backends?: BackendName[]): Promise<EngineInfo> {
    this.startArgs = { modelsBaseUrl, ...(backends ? { backends } : {}) };
    return this.pool.start();
  }

  /** Loads the model into the first job worker (the others load it when they are needed); running jobs are cancelled first. */
  load(source: ModelSource): Promise<LoadResult> {
    return this.pool.load(source);
  }

  /** Tensors of the first job worker (it runs every kind; the others run sweep items only). */
  memory(): Promise<MemoryInfo> {
    return this.workers[0].call((api) => api.memory());
  }

  run<K extends JobKind>(kind: K, req: JobRequest<K>, onProgress?: (p: JobProgress) => void): RunningJob<JobResult<K>> {
    return this.pool.run<JobResult<K>>(kind, req, onProgress);
  }

  /** Hold background jobs (the user is dragging on a GPU backend); resume() lets them go on. */
  pause(): void {
    this.pool.pause();
  }

  resume(): void {
    this.pool.resume();
  }

  terminate(): void {
    this.pool.terminate();
  }

  private member(k: number): PoolMember {
    const worker = new SupervisedWorker<JobsApi>(k === 0 ? 'job' : `job ${k + 1}`, () =>
      new Worker(new URL('../../workers/jobs.worker.ts', import.meta.url), { type: 'module', name: `jobs-${k}` }));
    worker.onRestart = (n) => this.restartListener?.(n);
    this.workers[k] = worker;
    // A restarted worker starts unpaused; runs tell it again while the pool is paused.
    let paused = false;
    const tell = (f: (api: Comlink.Remote<JobsApi>) => Promise<void>) => void worker.call(f).catch(() => undefined);
    return {
      start: () => {
        if (!this.startArgs) return Promise.reject(new Error('The job workers have not been started.'));
        return worker.start(this.startArgs.modelsBaseUrl, this.startArgs.backends);
      },
      load: (source) => worker.load(source),
      run: (kind, id, req, onProgress) => {
        const progress = Comlink.proxy(onProgress ?? (() => undefined));
        if (paused) tell((api) => api.pause());
        return worker.call((r) => (r as unknown as JobsApi).run(kind as JobKind, id, req as never, progress)).catch(async (e: unknown) => {
          // A lost worker is replaced (same model, next backend); this job fails, the next one runs there.
          if (isBackendLoss(e)) await worker.restart(e instanceof Error ? e.message : String(e)).catch(() => undefined);
          throw e;
        });
      },
      cancel: (id) => tell((api) => api.cancel(id)),
      pause: () => { paused = true; tell((api) => api.pause()); },
      resume: () => { paused = false; tell((api) => api.resume()); },
      terminate: () => worker.terminate(),
    };
  }
}
