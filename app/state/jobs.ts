/** Selectors of the job part of the store: a kind's status (idle when it never ran) and its current result. */
import type { JobKind, JobResult } from '../../src/engine/registry';
import { IDLE_JOB, type AtlasState, type JobState } from './store';

export function jobOf(s: Pick<AtlasState, 'jobs'>, kind: JobKind): JobState {
  return s.jobs[kind] ?? IDLE_JOB;
}

export function isRunning(s: Pick<AtlasState, 'jobs'>, kind: JobKind): boolean {
  return jobOf(s, kind).progress !== null;
}

/** The last result of `kind` if it was computed for `key` (any key when `key` is undefined), else null. */
export function resultOf<K extends JobKind>(s: Pick<AtlasState, 'results'>, kind: K, key?: string | null): JobResult<K> | null {
  const r = s.results[kind];
  if (!r || (key !== undefined && r.key !== key)) return null;
  return r.value as JobResult<K>;
}
