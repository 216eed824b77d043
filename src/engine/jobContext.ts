/**
 * What a running job gets from the Jobs runner: a cancellation signal and a progress reporter. Kept apart
 * from jobs.ts so that each job's module (basis, montage, curveWalk, sweep) depends on this small
 * interface only, and tests can run a job with a context of their own.
 */
import type { JobProgress } from './types';

export interface JobContext {
  readonly signal: AbortSignal;
  /** Report progress; never throws (a dead progress channel must not fail the job). */
  progress(phase: string, done: number, total: number, partial?: JobProgress['partial']): void;
  /**
   * Yield to the event loop so that a cancel message can arrive, then throw if the job was cancelled.
   * Jobs call it between chunks of work; synchronous stretches between checkpoints are kept short.
   */
  checkpoint(): Promise<void>;
}

/** A context over a signal and an optional progress callback (which may be a comlink proxy returning a promise). */
export function jobContext(signal: AbortSignal, onProgress?: (p: JobProgress) => unknown): JobContext {
  return {
    signal,
    progress(phase, done, total, partial) {
      if (!onProgress) return;
      try {
        const r = onProgress({ phase, done, total, ...(partial ? { partial } : {}) });
        // A comlink proxy returns a promise that rejects if the page went away: nothing to do about it.
        if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => undefined);
      } catch {
        // As above: progress is advisory.
      }
    },
    async checkpoint() {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      signal.throwIfAborted();
    },
  };
}
