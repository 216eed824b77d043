/**
 * The job runner's side of the job context (src/util/jobContext.ts): a context over an AbortSignal and an
 * optional progress callback. Each job's module (basis, montage, curveWalk, sweep) depends only on the
 * JobContext interface, re-exported here, so tests can run a job with a context of their own.
 */
import type { Probe } from '../model/probe';
import type { JobContext } from '../util/jobContext';
import type { PauseGate } from '../util/pauseGate';
import type { JobProgress } from './types';

export type { JobContext };
export { isCancelled, JobCancelled } from '../util/jobContext';

/** What a job may use beside its generator, from the job runner (jobs.ts): loaded on demand, owned by the runner. */
export interface JobResources {
  /** The model's probe (public/models/probes/<id>/), or a rejection in one sentence. */
  probe(): Promise<Probe>;
}

/** Resources for callers without any (tests, the CLI): every request for one is refused in one sentence. */
export const NO_RESOURCES: JobResources = {
  probe: () => Promise.reject(new Error('No probe is available here.')),
};

/**
 * A context over a signal and an optional progress callback (which may be a comlink proxy returning a
 * promise); with a gate, every checkpoint also waits while the gate is paused.
 */
export function jobContext(signal: AbortSignal, onProgress?: (p: JobProgress) => unknown, gate?: PauseGate): JobContext {
  return {
    signal,
    progress(phase, done, total, partial) {
      if (!onProgress) return;
      try {
        const r = onProgress({ phase, done, total, ...(partial !== undefined ? { partial: partial as JobProgress['partial'] } : {}) });
        // A comlink proxy returns a promise that rejects if the page went away: nothing to do about it.
        if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => undefined);
      } catch {
        // As above: progress is advisory.
      }
    },
    async checkpoint() {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      signal.throwIfAborted();
      if (gate?.paused) await gate.wait(signal);
    },
  };
}
