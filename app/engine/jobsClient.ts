/**
 * The app's handle on the job worker (bases, montages, curve walks, sweeps). Each run gets a fresh id, so
 * it can be cancelled on its own; progress arrives through a comlink proxy of the caller's callback.
 * Unlike renders there is no latest-wins queue here: the caller decides what to cancel.
 */
import * as Comlink from 'comlink';
import { isBackendLoss, SupervisedWorker, type RestartNotice } from './supervised';
import type {
  Basis, BackendName, BasisRequest, CurveWalk, CurveWalkRequest, EngineInfo, JobProgress, JobsApi, LoadResult, MemoryInfo, ModelSource,
  Montage, MontageRequest, Sweep, SweepRequest,
} from '../../src/engine/types';

export type JobKind = 'basis' | 'montage' | 'curve' | 'sweep';

export interface JobRequests {
  basis: BasisRequest;
  montage: MontageRequest;
  curve: CurveWalkRequest;
  sweep: SweepRequest;
}

export interface JobResults {
  basis: Basis;
  montage: Montage;
  curve: CurveWalk;
  sweep: Sweep;
}

export interface RunningJob<T> {
  id: number;
  /** Resolves with the result; rejects with a plain sentence, or one starting "Cancelled" after cancel(). */
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

  run<K extends JobKind>(kind: K, req: JobRequests[K], onProgress?: (p: JobProgress) => void): RunningJob<JobResults[K]> {
    const id = this.nextId++;
    const progress = Comlink.proxy(onProgress ?? (() => undefined));
    const call = (): Promise<unknown> => this.supervised.call<unknown>((r) => {
      switch (kind) {
        case 'basis': return r.basis(id, req as BasisRequest, progress);
        case 'montage': return r.montage(id, req as MontageRequest, progress);
        case 'curve': return r.curveWalk(id, req as CurveWalkRequest, progress);
        case 'sweep': return r.sweep(id, req as SweepRequest, progress);
        default: return Promise.reject(new Error(`Unknown job kind '${String(kind)}'.`));
      }
    }).catch(async (e: unknown) => {
      // A lost worker is replaced (same model, next backend); this job fails, the next one runs there.
      if (isBackendLoss(e)) await this.supervised.restart(e instanceof Error ? e.message : String(e)).catch(() => undefined);
      throw e;
    });
    return {
      id,
      promise: call() as Promise<JobResults[K]>,
      cancel: () => void this.supervised.call((r) => r.cancel(id)).catch(() => undefined),
    };
  }

  terminate(): void {
    this.supervised.terminate();
  }
}
