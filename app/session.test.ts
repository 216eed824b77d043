/**
 * Session.startDrag / endDrag: background jobs are held during a drag on a GPU backend, and on wasm/cpu when
 * the cores cannot spare one for the render worker and one for the page besides the job workers; released
 * at the drag's end, and at the latest after the safety timeout (a lost pointerup).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineClient } from './engine/client';
import type { JobsClient } from './engine/jobsClient';
import { Session } from './session';
import { dragHoldsJobs } from '../src/engine/pool';
import { createAtlasStore } from './state/store';

function sessionOn(backend: 'webgl' | 'webgpu' | 'wasm' | 'cpu', cores = 8, jobWorkers = 4) {
  const calls: string[] = [];
  const jobs = { size: jobWorkers, pause: () => calls.push('pause'), resume: () => calls.push('resume') } as unknown as JobsClient;
  const store = createAtlasStore();
  store.setState({ backend });
  return { session: new Session({} as EngineClient, jobs, store, cores), calls, store };
}

afterEach(() => vi.useRealTimers());

describe('holding jobs while dragging', () => {
  for (const backend of ['webgl', 'webgpu'] as const) {
    it(`holds them on ${backend} until the drag ends, once per drag`, () => {
      const { session, calls, store } = sessionOn(backend);
      session.startDrag();
      session.startDrag();
      expect(calls).toEqual(['pause']);
      expect(store.getState().jobsPaused).toBe(true);
      session.endDrag();
      session.endDrag();
      expect(calls).toEqual(['pause', 'resume']);
      expect(store.getState().jobsPaused).toBe(false);
    });
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`lets them run on ${backend} with cores to spare (8 cores, 4 job workers)`, () => {
      const { session, calls, store } = sessionOn(backend, 8, 4);
      session.startDrag();
      session.endDrag();
      expect(calls).toEqual([]);
      expect(store.getState().jobsPaused).toBe(false);
    });

    it(`holds them on ${backend} when the render worker has no core of its own (2 cores, 1 job worker)`, () => {
      const { session, calls, store } = sessionOn(backend, 2, 1);
      session.startDrag();
      expect(store.getState().jobsPaused).toBe(true);
      session.endDrag();
      expect(calls).toEqual(['pause', 'resume']);
    });
  }

  it('dragHoldsJobs: GPUs always; wasm and cpu below job workers + 2 cores; no backend never', () => {
    expect(dragHoldsJobs('webgpu', 64, 1)).toBe(true);
    expect(dragHoldsJobs('wasm', 6, 4)).toBe(false);
    expect(dragHoldsJobs('wasm', 5, 4)).toBe(true);
    expect(dragHoldsJobs('cpu', 3, 1)).toBe(false);
    expect(dragHoldsJobs('cpu', undefined, 1)).toBe(true);
    expect(dragHoldsJobs(null, 1, 1)).toBe(false);
  });

  it('releases them after the safety timeout when the drag never ends', () => {
    vi.useFakeTimers();
    const { session, calls } = sessionOn('webgl');
    session.startDrag();
    vi.advanceTimersByTime(14_000);
    expect(calls).toEqual(['pause']);
    vi.advanceTimersByTime(2_000);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('renews the timeout while the drag goes on (each pointer move calls startDrag again)', () => {
    vi.useFakeTimers();
    const { session, calls } = sessionOn('webgl');
    session.startDrag();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(10_000);
      session.startDrag();
    }
    expect(calls).toEqual(['pause']);
    vi.advanceTimersByTime(16_000);
    expect(calls).toEqual(['pause', 'resume']);
  });
});
