/**
 * The job pool (pool.ts): sizing, splitting a sweep over members and merging, lazy model loads, cancel
 * reaching every member, pause/resume, a failed item failing the job. Scheduling is checked with fake
 * members whose items finish when the test says so; equality with one worker with real in-process job
 * runners (Jobs, cpu backend, tiny fixtures): the pooled sweep must give exactly the unsplit sweep's numbers
 * (the same item and merge code on the same backend), and leave no tensor behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { styleModelFolder, zModelFolder, pickedFiles } from '../model/testing/fixtures';
import { isCancelled, JobCancelled } from '../util/jobContext';
import { Jobs } from './jobs';
import { JobPool, MAX_JOB_WORKERS, poolSize, type PoolMember } from './pool';
import type { EngineInfo, JobProgress, LoadResult, ModelSource, ModelSummary } from './types';
import type { Sweep, SweepItem, SweepItemRequest, SweepMergeRequest } from './sweep';

const tick = () => new Promise((r) => setTimeout(r, 0));
const settle = async () => { for (let i = 0; i < 5; i++) await tick(); };

describe('poolSize', () => {
  it('leaves one core to rendering, keeps at least one worker and at most MAX_JOB_WORKERS', () => {
    expect(poolSize(2)).toBe(1);
    expect(poolSize(1)).toBe(1);
    expect(poolSize(undefined)).toBe(1);
    expect(poolSize(0)).toBe(1);
    expect(poolSize(4)).toBe(3);
    expect(poolSize(64)).toBe(MAX_JOB_WORKERS);
  });
  it('takes a forced size (a debug option) within 1…MAX_JOB_WORKERS, ignoring nonsense', () => {
    expect(poolSize(2, 3)).toBe(3);
    expect(poolSize(2, 99)).toBe(MAX_JOB_WORKERS);
    expect(poolSize(4, 0)).toBe(3);
    expect(poolSize(4, 1.5)).toBe(3);
    expect(poolSize(4, null)).toBe(3);
  });
});

/** A member whose jobs finish when the test releases them (or at once with `auto`). */
class FakeMember implements PoolMember {
  readonly runs: { kind: string; id: number; req: unknown }[] = [];
  readonly cancels: number[] = [];
  readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; req: unknown }>();
  loads = 0;
  paused = false;
  terminated = false;
  constructor(readonly index: number, public auto = true, public failIndex: number | null = null) {}
  start(): Promise<EngineInfo> {
    return Promise.resolve({ backend: 'cpu', backendNotes: [], model: null });
  }
  load(): Promise<LoadResult> {
    this.loads++;
    return Promise.resolve({ ok: true, model: SUMMARY });
  }
  run(kind: string, id: number, req: unknown): Promise<unknown> {
    this.runs.push({ kind, id, req });
    if (kind === 'sweepMerge') {
      const m = req as SweepMergeRequest;
      return Promise.resolve({ indices: m.items.map((it) => it.index).sort((a, b) => a - b), partial: m.partial, by: this.index });
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, req });
      if (this.auto) setTimeout(() => this.finish(id), 0);
    });
  }
  finish(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    const index = (p.req as SweepItemRequest).index;
    if (index === this.failIndex) p.reject(new Error(`item ${index} failed`));
    else p.resolve({ index, eigenvalues: Float64Array.of(index) } satisfies SweepItem);
  }
  finishAll(): void {
    for (const id of [...this.pending.keys()]) this.finish(id);
  }
  cancel(id: number): void {
    this.cancels.push(id);
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.reject(new JobCancelled(`Cancelled: item ${id}`));
  }
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  terminate(): void { this.terminated = true; }
  itemsRun(): number[] {
    return this.runs.filter((r) => r.kind === 'sweepItem').map((r) => (r.req as SweepItemRequest).index);
  }
}

const SUMMARY = { id: 'fake', isStyleBased: false } as ModelSummary;
const SOURCE: ModelSource = { kind: 'bundled', id: 'fake' };
const SWEEP = { seed: 0, count: 5, space: 'z', distance: 'mse' } as const;

async function fakePool(size: number, opts: { auto?: boolean; failIndex?: number } = {}) {
  const members: FakeMember[] = [];
  const pool = new JobPool(size, (k) => {
    const m = new FakeMember(k, opts.auto ?? true, opts.failIndex ?? null);
    members[k] = m;
    return m;
  });
  await pool.start();
  expect(await pool.load(SOURCE)).toMatchObject({ ok: true });
  return { pool, members };
}

describe('JobPool with fake members', () => {
  it('splits a sweep into its items across all members, merges them on member 0, and loads the others lazily', async () => {
    const { pool, members } = await fakePool(3);
    // Only member 0 exists before a split job needs more.
    expect(pool.spawned).toBe(1);
    const progress: JobProgress[] = [];
    const result = (await pool.run('sweep', SWEEP, (p) => progress.push(p)).promise) as { indices: number[]; partial: boolean; by: number };
    expect(pool.spawned).toBe(3);
    expect(result).toEqual({ indices: [0, 1, 2, 3, 4], partial: false, by: 0 });
    const ran = members.flatMap((m) => m.itemsRun()).sort();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    members.forEach((m) => expect(m.itemsRun().length).toBeGreaterThan(0));
    members.forEach((m) => expect(m.loads).toBe(1));
    expect(progress.at(-1)).toMatchObject({ phase: 'items', done: 5, total: 5 });
    // A partial merge of the results so far fed the live view.
    expect(progress.some((p) => p.partial !== undefined)).toBe(true);
    // A kind that does not split runs on member 0 only.
    await pool.run('basis', { any: 1 }).promise;
    expect(members[0].runs.at(-1)!.kind).toBe('basis');
    expect(members[1].runs.some((r) => r.kind === 'basis')).toBe(false);
  });

  it('runs a sweep unsplit in a pool of one (as one worker always did)', async () => {
    const { pool, members } = await fakePool(1);
    const job = pool.run('sweep', SWEEP);
    await settle();
    expect(members[0].runs.map((r) => r.kind)).toEqual(['sweep']);
    members[0].finishAll();
    await job.promise;
  });

  it('puts a style model\'s Grassmann study first, as one more item', async () => {
    const { pool, members } = await fakePool(2);
    (pool as unknown as { model: ModelSummary }).model = { ...SUMMARY, isStyleBased: true };
    const r = (await pool.run('sweep', SWEEP).promise) as { indices: number[] };
    expect(r.indices).toEqual([0, 1, 2, 3, 4, 5]);
    expect(members[0].itemsRun()[0]).toBe(5);
  });

  it('reloads members lazily after a model change', async () => {
    const { pool, members } = await fakePool(2);
    await pool.run('sweep', SWEEP).promise;
    await pool.load({ kind: 'bundled', id: 'other' });
    expect(members[0].loads).toBe(2);
    expect(members[1].loads).toBe(1);
    await pool.run('sweep', SWEEP).promise;
    expect(members[1].loads).toBe(2);
  });

  it('cancel reaches the in-flight item on every member and hands out no more', async () => {
    const { pool, members } = await fakePool(3, { auto: false });
    const job = pool.run('sweep', SWEEP);
    await settle();
    const inFlight = members.map((m) => [...m.pending.keys()]);
    inFlight.forEach((ids) => expect(ids).toHaveLength(1));
    job.cancel();
    const e = await job.promise.catch((x: unknown) => x);
    expect(isCancelled(e)).toBe(true);
    members.forEach((m, k) => expect(m.cancels).toEqual(inFlight[k]));
    await settle();
    expect(members.flatMap((m) => m.itemsRun())).toHaveLength(3);
  });

  it('a failed item fails the job with its own error and cancels the other items', async () => {
    const { pool, members } = await fakePool(2, { auto: false, failIndex: 1 });
    const job = pool.run('sweep', SWEEP);
    await settle();
    const other = [...members[0].pending.keys()];
    members[1].finishAll(); // item 1 (member 1's first) fails
    await expect(job.promise).rejects.toThrow('item 1 failed');
    expect(members[0].cancels).toEqual(other);
  });

  it('pause holds every member and hands out no new item until resume', async () => {
    const { pool, members } = await fakePool(2, { auto: false });
    const job = pool.run('sweep', SWEEP);
    await settle();
    pool.pause();
    members.forEach((m) => expect(m.paused).toBe(true));
    const before = members.flatMap((m) => m.itemsRun()).length;
    members.forEach((m) => m.finishAll());
    await settle();
    // The items in flight finished; nothing new was started while paused.
    expect(members.flatMap((m) => m.itemsRun()).length).toBe(before);
    // Cancel still works while paused… (checked on a second job below); resume finishes this one.
    pool.resume();
    members.forEach((m) => expect(m.paused).toBe(false));
    for (let i = 0; i < 10; i++) { await settle(); members.forEach((m) => m.finishAll()); }
    expect(await job.promise).toMatchObject({ indices: [0, 1, 2, 3, 4] });

    const second = pool.run('sweep', SWEEP);
    await settle();
    pool.pause();
    members.forEach((m) => m.finishAll());
    await settle();
    second.cancel();
    expect(isCancelled(await second.promise.catch((x: unknown) => x))).toBe(true);
    pool.resume();
  });

  it('a member created while paused starts paused', async () => {
    const { pool, members } = await fakePool(3, { auto: false });
    pool.pause();
    const job = pool.run('sweep', SWEEP);
    await settle();
    expect(members).toHaveLength(3);
    members.forEach((m) => expect(m.paused).toBe(true));
    expect(members.flatMap((m) => m.itemsRun())).toHaveLength(0);
    job.cancel();
    await job.promise.catch(() => undefined);
    pool.resume();
  });
});

/** Real job runners in this process (each its own Engine and copy of the model, one tfjs cpu backend). */
function jobsMember(): PoolMember & { jobs: Jobs } {
  const jobs = new Jobs({ backends: ['cpu'] });
  return {
    jobs,
    start: () => jobs.start(),
    load: (s) => jobs.load(s),
    run: (kind, id, req, onProgress) => jobs.run(kind as 'sweep', id, req as never, onProgress),
    cancel: (id) => jobs.cancel(id),
    pause: () => jobs.pause(),
    resume: () => jobs.resume(),
    terminate: () => jobs.dispose(),
  };
}

describe('JobPool with real job runners (cpu)', () => {
  let single: Jobs;
  beforeAll(async () => {
    single = new Jobs({ backends: ['cpu'] });
    await single.start();
  });
  afterAll(() => single?.dispose());

  for (const [name, folder, space] of [['z-space', zModelFolder, 'z'], ['style', styleModelFolder, 'w']] as const) {
    it(`gives exactly one worker's sweep on the ${name} fixture, with no tensor left`, async () => {
      const source: ModelSource = { kind: 'files', files: pickedFiles(await folder()) };
      expect(await single.load(source)).toMatchObject({ ok: true });
      const req = { seed: 3, count: 5, space, distance: 'mse' } as const;
      const one = await single.run('sweep', 1, req, () => undefined);
      const pool = new JobPool(3, () => jobsMember());
      await pool.start();
      expect(await pool.load(source)).toMatchObject({ ok: true });
      // A first sweep loads the model into every member (and their per-model caches); then count.
      await pool.run('sweep', { ...req, count: 3 }).promise;
      const before = tf.memory().numTensors;
      const pooled = (await pool.run<Sweep>('sweep', req).promise);
      expect(pool.spawned).toBe(3);
      expect(pooled.count).toBe(one.count);
      expect(pooled.logCorrelations).toEqual(one.logCorrelations);
      expect(pooled.logCorrelationMean).toBe(one.logCorrelationMean);
      expect(pooled.grassmann).toEqual(one.grassmann);
      if (name === 'style') expect(pooled.grassmann).toBeDefined();
      expect(tf.memory().numTensors).toBe(before);
      pool.terminate();
    });
  }

  it('a paused job runner holds its job before any work, resumes it, and can cancel while paused', async () => {
    expect(await single.load({ kind: 'files', files: pickedFiles(await zModelFolder()) })).toMatchObject({ ok: true });
    const req = { seed: 0, count: 3, space: 'z', distance: 'mse' } as const;
    let reports = 0;
    single.pause();
    const held = single.run('sweep', 101, req, () => { reports++; });
    await new Promise((r) => setTimeout(r, 300));
    expect(reports).toBe(0);
    single.resume();
    expect((await held).count).toBe(3);
    expect(reports).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    single.pause();
    const cancelled = single.run('sweep', 102, req, () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    single.cancel(102);
    expect(isCancelled(await cancelled.catch((e: unknown) => e))).toBe(true);
    single.resume();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels a real pooled sweep and leaves no tensor behind', async () => {
    const source: ModelSource = { kind: 'files', files: pickedFiles(await styleModelFolder()) };
    const pool = new JobPool(2, () => jobsMember());
    await pool.start();
    await pool.load(source);
    await pool.run('sweep', { seed: 0, count: 2, space: 'w', distance: 'mse' }).promise; // all members loaded
    const before = tf.memory().numTensors;
    const job = pool.run('sweep', { seed: 0, count: 8, space: 'w', distance: 'mse' }, (p) => { if (p.done === 2) job.cancel(); });
    expect(isCancelled(await job.promise.catch((e: unknown) => e))).toBe(true);
    await settle();
    expect(tf.memory().numTensors).toBe(before);
    pool.terminate();
  });
});
