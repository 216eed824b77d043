/**
 * The explorer's slow computations (bases, montages, curve walks, sweeps) as cancellable jobs with
 * progress, for the job worker (workers/jobs.worker.ts) and Node tests alike.
 *
 * Jobs hold their own Engine (its own backend and a copy of the model), so a long job never delays a
 * frame of the render worker. The Engine runs one job at a time with the generator lent to it
 * (Engine.withGenerator), so a model swap never frees weights under a job; a load cancels the running
 * jobs first, since their results would describe the old model.
 *
 * Every job: a caller-chosen id to cancel it by; progress as {phase, done, total}; on cancel, a rejection
 * whose message starts with "Cancelled"; no tensor left behind after success, failure or cancel; a result
 * of plain structured-cloneable data.
 */
import type { Generator } from '../model/generator';
import { computeBasis } from './basis';
import { computeCurveWalk } from './curveWalk';
import { Engine, type EngineOptions } from './engine';
import { jobContext, type JobContext } from './jobContext';
import { computeMontage } from './montage';
import { computeSweep } from './sweep';
import type {
  Basis, BasisRequest, CurveWalk, CurveWalkRequest, EngineInfo, JobProgress, LoadResult, MemoryInfo, ModelSource, Montage, MontageRequest,
  Sweep, SweepRequest,
} from './types';

export type ProgressCallback = (p: JobProgress) => unknown;

/** Thrown into a job's signal by cancel(); the job's promise rejects with a message starting "Cancelled". */
function cancelled(id: number, why: string): Error {
  return new Error(`Cancelled: job ${id} was stopped ${why}.`);
}

export class Jobs {
  private readonly engine: Engine;
  private readonly running = new Map<number, AbortController>();

  /** Engine options as for Engine (backends, wasm paths, where bundled models live, a loader for tests). */
  constructor(opts: EngineOptions = {}) {
    this.engine = new Engine(opts);
  }

  /** Start the backend (idempotent). */
  start(): Promise<EngineInfo> {
    return this.engine.init();
  }

  /** Load a model for the jobs to use; running and queued jobs are cancelled first. */
  load(source: ModelSource): Promise<LoadResult> {
    for (const [id, controller] of this.running) controller.abort(cancelled(id, 'because another model is being loaded'));
    return this.engine.load(source);
  }

  basis(id: number, req: BasisRequest, onProgress?: ProgressCallback): Promise<Basis> {
    return this.run(id, onProgress, (g, ctx) => computeBasis(g, req, ctx));
  }

  montage(id: number, req: MontageRequest, onProgress?: ProgressCallback): Promise<Montage> {
    return this.run(id, onProgress, (g, ctx) => computeMontage(g, req, ctx));
  }

  curveWalk(id: number, req: CurveWalkRequest, onProgress?: ProgressCallback): Promise<CurveWalk> {
    return this.run(id, onProgress, (g, ctx) => computeCurveWalk(g, req, ctx));
  }

  sweep(id: number, req: SweepRequest, onProgress?: ProgressCallback): Promise<Sweep> {
    return this.run(id, onProgress, (g, ctx) => computeSweep(g, req, ctx));
  }

  /** Stop a running or queued job (unknown or finished ids are ignored: the job may have just ended). */
  cancel(id: number): void {
    this.running.get(id)?.abort(cancelled(id, 'on request'));
  }

  memory(): MemoryInfo {
    return this.engine.memory();
  }

  info(): EngineInfo {
    return this.engine.info();
  }

  /** Free the model's weights (the backend stays). */
  dispose(): void {
    for (const [id, controller] of this.running) controller.abort(cancelled(id, 'because the jobs were shut down'));
    this.engine.dispose();
  }

  private async run<T>(id: number, onProgress: ProgressCallback | undefined, body: (g: Generator, ctx: JobContext) => Promise<T>): Promise<T> {
    if (typeof id !== 'number' || !Number.isFinite(id)) throw new Error('A job needs a numeric id.');
    if (this.running.has(id)) throw new Error(`Job ${id} is already running; ids must be unique.`);
    const controller = new AbortController();
    this.running.set(id, controller);
    const ctx = jobContext(controller.signal, onProgress);
    try {
      return await this.engine.withGenerator(async (g) => {
        // Cancelled while waiting for an earlier job: stop before doing anything.
        controller.signal.throwIfAborted();
        return body(g, ctx);
      });
    } catch (e) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        throw reason instanceof Error && reason.message.startsWith('Cancelled') ? reason : cancelled(id, 'on request');
      }
      throw e instanceof Error ? e : new Error(String(e));
    } finally {
      this.running.delete(id);
    }
  }
}
