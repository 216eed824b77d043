/**
 * The explorer's slow computations (the kinds of registry.ts: bases, montages, curve walks, sweeps) as
 * cancellable jobs with progress, for the job worker (workers/jobs.worker.ts) and Node tests alike.
 *
 * Jobs hold their own Engine (its own backend and a copy of the model), so a long job never delays a
 * frame of the render worker. The Engine runs one job at a time with the generator lent to it
 * (Engine.withGenerator), so a model swap never frees weights under a job; a load cancels the running
 * jobs first, since their results would describe the old model.
 *
 * Every job: a caller-chosen id to cancel it by; progress as {phase, done, total}; on cancel, a rejection
 * with a JobCancelled (recognised by name, src/util/jobContext.ts); no tensor left behind after success,
 * failure or cancel; a result of plain structured-cloneable data. A request carrying a truncated latent
 * runs on the truncated view of the model (truncation.ts), so every kind honours ψ the way frames do; one
 * carrying a W or W+ code runs on the view anchored at it (explicitLatent.ts), or is refused by kinds that need z.
 */
import { Engine, type EngineOptions } from './engine';
import { isCancelled, jobContext, JobCancelled, type JobResources } from './jobContext';
import { jobSpec, type JobKind, type JobRequest, type JobResult } from './registry';
import { plainDerivativeError } from './secondOrder';
import { atLatent, isCodeLatent } from './explicitLatent';
import { PauseGate } from '../util/pauseGate';
import type { EngineInfo, JobProgress, LatentSpec, LoadResult, MemoryInfo, ModelSource } from './types';

export type ProgressCallback = (p: JobProgress) => unknown;

function cancelled(id: number, why: string): JobCancelled {
  // The message is for people (and keeps the old "Cancelled: …" form); code checks the name (isCancelled).
  return new JobCancelled(`Cancelled: job ${id} was stopped ${why}.`);
}

export class Jobs {
  private readonly engine: Engine;
  private readonly running = new Map<number, AbortController>();
  /** Holds jobs at their checkpoints while paused (pause/resume). */
  private readonly gate = new PauseGate();

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

  /** Run a job of the registry under a caller-chosen id (unique among running jobs). */
  async run<K extends JobKind>(kind: K, id: number, req: JobRequest<K>, onProgress?: ProgressCallback): Promise<JobResult<K>> {
    const spec = jobSpec(kind);
    if (typeof id !== 'number' || !Number.isFinite(id)) throw new Error('A job needs a numeric id.');
    if (this.running.has(id)) throw new Error(`Job ${id} is already running; ids must be unique.`);
    const checked = spec.check(req);
    const controller = new AbortController();
    this.running.set(id, controller);
    const ctx = jobContext(controller.signal, onProgress, this.gate);
    try {
      return await this.engine.withGenerator(async (g) => {
        // Cancelled while waiting for an earlier job: stop before doing anything.
        controller.signal.throwIfAborted();
        // Started while paused: wait before the first chunk (most jobs only check the gate between chunks).
        await this.gate.wait(controller.signal);
        // Resources belong to the model itself, never to a view of it (truncation).
        const resources: JobResources = { probe: () => this.engine.probeOf(g) };
        const latent = (checked as { latent?: LatentSpec }).latent;
        if (latent === undefined) return spec.run(g, checked, ctx, resources);
        if (isCodeLatent(latent) && spec.needsZ) throw new Error(spec.needsZ);
        const at = atLatent(g, latent);
        return spec.run(at.g, { ...(checked as object), latent: at.latent } as JobRequest<K>, ctx, resources);
      });
    } catch (e) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        throw isCancelled(reason) ? reason : cancelled(id, 'on request');
      }
      const plain = plainDerivativeError(e);
      throw plain instanceof Error ? plain : new Error(String(plain));
    } finally {
      this.running.delete(id);
    }
  }

  /** Stop a running or queued job (unknown or finished ids are ignored: the job may have just ended). */
  cancel(id: number): void {
    this.running.get(id)?.abort(cancelled(id, 'on request'));
  }

  /**
   * Hold every running and queued job at its next checkpoint (a job in the middle of one metric finishes
   * that chunk first) until resume(); cancel still works while paused.
   */
  pause(): void {
    this.gate.pause();
  }

  resume(): void {
    this.gate.resume();
  }

  get paused(): boolean {
    return this.gate.paused;
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
}
