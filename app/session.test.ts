/**
 * Session.startDrag / endDrag: background jobs are held during a drag on a GPU backend only, released at
 * the drag's end, and at the latest after the safety timeout (a lost pointerup).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineClient } from './engine/client';
import type { JobsClient } from './engine/jobsClient';
import { Session } from './session';
import { createAtlasStore } from './state/store';

function sessionOn(backend: 'webgl' | 'webgpu' | 'wasm' | 'cpu') {
  const calls: string[] = [];
  const jobs = { pause: () => calls.push('pause'), resume: () => calls.push('resume') } as unknown as JobsClient;
  const store = createAtlasStore();
  store.setState({ backend });
  return { session: new Session({} as EngineClient, jobs, store), calls, store };
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
    it(`lets them run on ${backend}`, () => {
      const { session, calls, store } = sessionOn(backend);
      session.startDrag();
      session.endDrag();
      expect(calls).toEqual([]);
      expect(store.getState().jobsPaused).toBe(false);
    });
  }

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
