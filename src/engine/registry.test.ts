/** The job registry's table: request checks, transfer lists and dispatch by kind. */
import { describe, expect, it } from 'vitest';
import { isJobKind, JOB_REGISTRY, jobSpec } from './registry';
import { Jobs } from './jobs';
import { JOB_SPLITS } from './splits';
import type { CurveWalk } from './curveWalk';
import type { Montage } from './montage';

describe('job registry', () => {
  it('knows its kinds and nothing else', () => {
    expect(Object.keys(JOB_REGISTRY).sort()).toEqual(['ascent', 'basis', 'compare', 'curve', 'factors', 'invert', 'likelihood', 'likelihoodMap', 'montage', 'realism', 'realismBlend', 'realismSweep', 'search', 'steer', 'steerApply', 'steerLimits', 'sweep', 'sweepItem', 'sweepMerge', 'veff']);
    expect(isJobKind('basis')).toBe(true);
    for (const k of ['toString', '__proto__', 'inversion', 3, null]) expect(isJobKind(k)).toBe(false);
    expect(() => jobSpec('nope' as 'basis')).toThrow("Unknown job kind 'nope'.");
  });

  it('splits only kinds it has, into item and merge kinds it has (the pool dispatches through this table)', () => {
    for (const [kind, split] of Object.entries(JOB_SPLITS)) {
      expect(isJobKind(kind)).toBe(true);
      expect(isJobKind(split.itemKind)).toBe(true);
      expect(isJobKind(split.mergeKind)).toBe(true);
    }
  });

  it('checks the shape of a request in one sentence before any work', async () => {
    expect(() => jobSpec('basis').check(null)).toThrow('A basis request must be an object.');
    expect(() => jobSpec('sweep').check({ seed: 1 })).toThrow('A sweep request needs count, space, distance.');
    const jobs = new Jobs({ backends: ['cpu'] });
    await expect(jobs.run('montage', 1, [] as never)).rejects.toThrow('A montage request must be an object.');
    await expect(jobs.run('inversion' as 'basis', 2, {} as never)).rejects.toThrow("Unknown job kind 'inversion'.");
  });

  it('transfers the pixel buffers of montages and curve walks, nothing of the others', () => {
    const m = { rgba: new Uint8ClampedArray(8) } as Montage;
    expect(jobSpec('montage').transfer(m)).toEqual([m.rgba.buffer]);
    const w = { curveRgba: new Uint8ClampedArray(4), linearRgba: new Uint8ClampedArray(4) } as CurveWalk;
    expect(jobSpec('curve').transfer(w)).toEqual([w.curveRgba.buffer, w.linearRgba.buffer]);
    expect(jobSpec('sweep').transfer({} as never)).toEqual([]);
  });
});
