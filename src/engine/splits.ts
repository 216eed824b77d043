/**
 * How a job kind splits into independent items that a pool of job workers can run in parallel, and how
 * the items merge back. Item and merge are kinds of the registry (registry.ts stays the one table that
 * says what runs); this table only says which kinds a pool may split and into what. No tfjs and no
 * generator here: the pool (pool.ts) runs on the main thread and imports it.
 *
 * A split must give the same result as the unsplit kind in one worker: the unsplit compute function is
 * written as its items in order plus the merge (sweep.ts), and registry.test.ts checks that every split
 * names kinds that exist.
 */
import { MAX_SWEEP_COUNT, MIN_SWEEP_COUNT } from '../state/vocabulary';
import type { ModelSummary } from './types';
import type { Sweep, SweepItem, SweepItemRequest, SweepMergeRequest, SweepRequest } from './sweep';

export interface JobSplit<Req, ItemReq, Item, MergeReq, Res> {
  itemKind: string;
  mergeKind: string;
  /**
   * The items of a request, longest first (a pool hands them out in this order), or null when the
   * request should run unsplit (an invalid request then fails with the kind's own sentence).
   */
  items(req: Req, model: ModelSummary): ItemReq[] | null;
  /** The merge request for the items (in any order); `partial` asks for the results so far (null: nothing to show yet). */
  merge(req: Req, items: Item[], opts: { partial: boolean; elapsedMs: number }): MergeReq | null;
  /** What a partial merge reports as the kind's live results (JobProgress.partial); null: no partial merges. */
  partial: ((r: Res) => unknown) | null;
}

const sweep: JobSplit<SweepRequest, SweepItemRequest, SweepItem, SweepMergeRequest, Sweep> = {
  itemKind: 'sweepItem',
  mergeKind: 'sweepMerge',
  items(req, model) {
    const count = req?.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < MIN_SWEEP_COUNT || count > MAX_SWEEP_COUNT) return null;
    const metrics = Array.from({ length: count }, (_, index) => ({ sweep: req, index }));
    // The Grassmann study (style models) is one long item: first, so it overlaps the metrics.
    return model.isStyleBased ? [{ sweep: req, index: count }, ...metrics] : metrics;
  },
  // C^H needs two metrics (the Grassmann item is not one).
  merge: (req, items, { partial, elapsedMs }) => (partial && items.filter((it) => it.eigenvalues).length < 2 ? null : { sweep: req, items, partial, elapsedMs }),
  partial: (r) => ({ logCorrelations: r.logCorrelations, logCorrelationMean: r.logCorrelationMean }),
};

export const JOB_SPLITS = { sweep } as const;

export type SplitKind = keyof typeof JOB_SPLITS;

export function splitOf(kind: string): JobSplit<unknown, unknown, unknown, unknown, unknown> | null {
  return Object.prototype.hasOwnProperty.call(JOB_SPLITS, kind) ? (JOB_SPLITS[kind as SplitKind] as unknown as JobSplit<unknown, unknown, unknown, unknown, unknown>) : null;
}
