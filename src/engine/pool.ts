/**
 * A pool of job workers. Plain TypeScript with no tfjs and no DOM: the app's JobsClient gives it one
 * member per worker (app/engine/jobsClient.ts), tests give it in-process members (pool.test.ts).
 *
 * - Size: navigator.hardwareConcurrency − 1 (one core is left to the render worker), at least 1, at most
 *   MAX_JOB_WORKERS; a debug override (`?jobWorkers=N`) forces it.
 * - Models load lazily: member 0 holds the current model at all times (bases, montages and curve walks
 *   run there); the others are created and load the model only when a split job first needs them, and
 *   again after a model change.
 * - A kind that splits (splits.ts: a sweep's metrics and its Grassmann study) runs its items across the
 *   members, one item at a time per member (so a basis job queued behind a sweep on member 0 waits for
 *   one item, not the whole sweep), and the items are merged by the kind's merge job on member 0. Other
 *   kinds, and every kind in a pool of one, run unsplit on member 0, exactly as one worker did.
 * - Cancel stops the job on every member it touches; a failed item cancels the job's other items.
 * - pause() holds every member at its next checkpoint and stops handing out items until resume().
 */
import { JobCancelled } from '../util/jobContext';
import { PauseGate } from '../util/pauseGate';
import { splitOf, type JobSplit } from './splits';
import type { EngineInfo, JobProgress, LoadResult, ModelSource, ModelSummary } from './types';

/** One job worker as the pool sees it (the worker's JobsApi, bound to its start options). */
export interface PoolMember {
  start(): Promise<EngineInfo>;
  load(source: ModelSource): Promise<LoadResult>;
  run(kind: string, id: number, req: unknown, onProgress?: (p: JobProgress) => void): Promise<unknown>;
  cancel(id: number): void;
  pause(): void;
  resume(): void;
  terminate(): void;
}

/** Each worker holds a backend and a copy of the model; beyond a few, memory grows and the GPU is shared anyway. */
export const MAX_JOB_WORKERS = 4;

/** Job workers for `cores` logical cores: one core is left to rendering, at least one worker; `forced` wins (1…MAX). */
export function poolSize(cores: number | undefined, forced?: number | null): number {
  if (forced !== undefined && forced !== null && Number.isInteger(forced) && forced >= 1) return Math.min(forced, MAX_JOB_WORKERS);
  const c = typeof cores === 'number' && Number.isInteger(cores) && cores > 0 ? cores : 1;
  return Math.max(1, Math.min(c - 1, MAX_JOB_WORKERS));
}

/**
 * Whether background jobs are held while the user drags a slider or the pad. On a GPU backend always: the
 * job workers and the render worker share one GPU, and a running job stalls frames by seconds (measured on
 * the emulated GPU). On wasm and cpu when the cores cannot give the render worker and the page one each
 * besides the job workers: measured on 2 cores, slider-to-pixels p95 went from 33 ms alone to 59 ms with a
 * metric sweep running (bench/results.json). With enough cores the jobs carry on during the drag.
 */
export function dragHoldsJobs(backend: string | null, cores: number | undefined, jobWorkers: number): boolean {
  if (backend === 'webgl' || backend === 'webgpu') return true;
  if (backend !== 'wasm' && backend !== 'cpu') return false;
  const c = typeof cores === 'number' && Number.isInteger(cores) && cores > 0 ? cores : 1;
  return c < jobWorkers + 2;
}

export interface PooledJob<T> {
  id: number;
  /** Resolves with the result; rejects with the first failure, or a JobCancelled after cancel(). */
  promise: Promise<T>;
  cancel(): void;
}

interface Slot {
  member: PoolMember | null;
  /** The source this member has loaded or is loading, and whether that succeeded. */
  source: ModelSource | null;
  ready: Promise<boolean> | null;
}

export class JobPool {
  private readonly slots: Slot[];
  private readonly gate = new PauseGate();
  private source: ModelSource | null = null;
  private model: ModelSummary | null = null;
  private nextId = 1;
  /** Cancel functions of running split jobs (a model load cancels them, as a worker's load does its own). */
  private readonly active = new Set<(why: string) => void>();

  constructor(size: number, private readonly create: (index: number) => PoolMember) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error('A job pool needs at least one worker.');
    this.slots = Array.from({ length: size }, () => ({ member: null, source: null, ready: null }));
    this.member(0);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers created so far (the others wait until a split job needs them). */
  get spawned(): number {
    return this.slots.filter((s) => s.member).length;
  }

  get paused(): boolean {
    return this.gate.paused;
  }

  /** Member 0, created with the pool; for calls the pool does not route (memory, restarts). */
  get first(): PoolMember {
    return this.member(0);
  }

  start(): Promise<EngineInfo> {
    return this.member(0).start();
  }

  /** Load into member 0 now; the others reload lazily. Running split jobs are cancelled first. */
  async load(source: ModelSource): Promise<LoadResult> {
    for (const cancel of this.active) cancel('because another model is being loaded');
    const slot = this.slots[0];
    const result = await this.member(0).load(source);
    if (result.ok) {
      this.source = source;
      this.model = result.model;
      slot.source = source;
      slot.ready = Promise.resolve(true);
    }
    return result;
  }

  run<T = unknown>(kind: string, req: unknown, onProgress?: (p: JobProgress) => void): PooledJob<T> {
    const split = this.slots.length > 1 && this.model ? splitOf(kind) : null;
    const items = split && this.model ? split.items(req, this.model) : null;
    if (split && items) return this.runSplit<T>(split, req, items, onProgress);
    const id = this.nextId++;
    const member = this.member(0);
    return { id, promise: member.run(kind, id, req, onProgress) as Promise<T>, cancel: () => member.cancel(id) };
  }

  /** Hold all jobs: no new items, and every member stops at its next checkpoint. */
  pause(): void {
    this.gate.pause();
    for (const s of this.slots) s.member?.pause();
  }

  resume(): void {
    this.gate.resume();
    for (const s of this.slots) s.member?.resume();
  }

  terminate(): void {
    for (const cancel of this.active) cancel('because the jobs were shut down');
    for (const s of this.slots) s.member?.terminate();
    for (const s of this.slots) Object.assign(s, { member: null, source: null, ready: null });
  }

  private member(k: number): PoolMember {
    const slot = this.slots[k];
    if (!slot.member) {
      slot.member = this.create(k);
      if (this.gate.paused) slot.member.pause();
    }
    return slot.member;
  }

  /** Member k started and holding the current model; false if it could not (the others do its share). */
  private ready(k: number): Promise<boolean> {
    const slot = this.slots[k];
    const source = this.source;
    if (!source) return Promise.resolve(false);
    if (slot.source === source && slot.ready) return slot.ready;
    const member = this.member(k);
    slot.source = source;
    slot.ready = member.start().then(() => member.load(source)).then((r) => r.ok, () => false);
    return slot.ready;
  }

  private runSplit<T>(split: JobSplit<unknown, unknown, unknown, unknown, unknown>, req: unknown, items: unknown[], onProgress?: (p: JobProgress) => void): PooledJob<T> {
    const id = this.nextId++;
    const controller = new AbortController();
    const inFlight = new Map<number, PoolMember>();
    const stop = (reason: unknown) => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      for (const [itemId, m] of inFlight) m.cancel(itemId);
    };
    const cancel = (why: string) => stop(new JobCancelled(`Cancelled: job ${id} was stopped ${why}.`));
    const total = items.length;
    const results: unknown[] = new Array(total);
    let next = 0;
    let done = 0;
    let partialBusy = false;
    const t0 = performance.now();
    const report = (partial?: unknown) => {
      try {
        onProgress?.({ phase: 'items', done, total, ...(partial !== undefined ? { partial: partial as JobProgress['partial'] } : {}) });
      } catch {
        // Progress is advisory.
      }
    };
    /** Run one job on member k under an id that cancel() reaches. */
    const runOn = async (k: number, kind: string, r: unknown): Promise<unknown> => {
      controller.signal.throwIfAborted();
      const itemId = this.nextId++;
      const m = this.member(k);
      inFlight.set(itemId, m);
      try {
        return await m.run(kind, itemId, r);
      } finally {
        inFlight.delete(itemId);
      }
    };
    const worker = async (k: number) => {
      if (!(await this.ready(k))) return;
      while (next < total && !controller.signal.aborted) {
        try {
          await this.gate.wait(controller.signal);
        } catch {
          return; // cancelled while paused
        }
        if (next >= total) return;
        const i = next++;
        try {
          results[i] = await runOn(k, split.itemKind, items[i]);
        } catch (e) {
          // The first failure ends the job (its other items are cancelled); later ones are its echoes.
          stop(e);
          return;
        }
        done++;
        // The results so far, merged on the member that just finished (one such merge at a time).
        const partialReq = split.partial && !partialBusy && done < total
          ? split.merge(req, results.filter((r) => r !== undefined), { partial: true, elapsedMs: performance.now() - t0 }) : null;
        if (partialReq !== null) {
          partialBusy = true;
          try {
            report(split.partial!(await runOn(k, split.mergeKind, partialReq)));
          } catch (e) {
            stop(e);
            return;
          } finally {
            partialBusy = false;
          }
        } else report();
      }
    };
    const promise = (async () => {
      report();
      await Promise.all(this.slots.map((_, k) => worker(k)));
      if (controller.signal.aborted) throw controller.signal.reason;
      if (done < total) throw new Error('No job worker could load the model to run this job.');
      return (await runOn(0, split.mergeKind, split.merge(req, results, { partial: false, elapsedMs: performance.now() - t0 })!)) as T;
    })().catch((e: unknown) => {
      // A failure after cancel (an item rejected because its worker stopped it) is the cancel.
      throw controller.signal.aborted ? controller.signal.reason : e;
    }).finally(() => this.active.delete(cancel));
    this.active.add(cancel);
    return { id, promise, cancel: () => cancel('on request') };
  }
}
