/**
 * The app's handle on the job worker (the kinds of src/engine/registry.ts). Each run gets a fresh id, so
 * it can be cancelled on its own; progress arrives through a comlink proxy of the caller's callback. Only
 * the registry's types are imported, so tfjs stays in the worker. Unlike renders there is no latest-wins
 * queue here: the caller decides what to cancel.
 */
import * as Comlink from 'comlink';
import { isBackendLoss, SupervisedWorker, type RestartNotice } from './supervised';
import type { JobKind, JobRequest, JobResult, JobsApi } from '../../src/engine/registry';
import type { BackendName, EngineInfo, JobProgress, LoadResult, MemoryInfo, ModelSource } from '../../src/engine/types';

export interface RunningJob<T> {
  id: number;
  /** Resolves with the result; rejects with a plain sentence, or a JobCancelled (isCancelled) after cancel(). */
  promise: Promise<T>;
  cancel(): void;
}

export class JobsClient {
  private readonly supervised: SupervisedWorker<JobsApi>;
  private nextId = 1;

  constructor() {
    this.supervised = new SupervisedWorker<JobsApi>('job', () =>
      new Worker(new URL('../../workers/jobs.worker.ts', import.meta.url), { type: 'module', name: 'jobs' }));
  }

  /** Called after the worker was lost and restarted (its running jobs then failed with WorkerLost). */
  set onRestart(f: ((n: RestartNotice) => void) | null) {
    this.supervised.onRestart = f;
  }

  start(modelsBaseUrl: string, backends?: BackendName[]): Promise<EngineInfo> {
    return this.supervised.start(modelsBaseUrl, backends);
  }

  /** Loads the model into the job worker; its running jobs are cancelled first. */
  load(source: ModelSource): Promise<LoadResult> {
    return this.supervised.load(source);
  }

  memory(): Promise<MemoryInfo> {
    return this.supervised.call((api) => api.memory());
  }

  run<K extends JobKind>(kind: K, req: JobRequest<K>, onProgress?: (p: JobProgress) => void): RunningJob<JobResult<K>> {
    const id = this.nextId++;
    const progress = Comlink.proxy(onProgress ?? (() => undefined));
    const promise = this.supervised.call((r) => (r as unknown as JobsApi).run(kind, id, req, progress)).catch(async (e: unknown) => {
      // A lost worker is replaced (same model, next backend); this job fails, the next one runs there.
      if (isBackendLoss(e)) await this.supervised.restart(e instanceof Error ? e.message : String(e)).catch(() => undefined);
      throw e;
    });
    return { id, promise, cancel: () => void this.supervised.call((r) => r.cancel(id)).catch(() => undefined) };
  }

  terminate(): void {
    this.supervised.terminate();
  }
}
