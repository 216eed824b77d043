/** The explorer's pure transitions and the requests and keys they make. */
import { describe, expect, it } from 'vitest';
import type { Basis, ModelSummary } from '../../src/engine/types';
import { DEFAULT_SLIDER_RANGE, MAX_DIRECTIONS } from '../../src/state/vocabulary';
import { basisKey, currentBasis, effectiveSpace, referenceKey, wantedFrameKey } from './keys';
import { resultOf, jobOf, isRunning } from './jobs';
import { createAtlasStore, type AtlasState } from './store';
import {
  basisRequest, clampPosition, comparableKinds, compareJob, curveJob, editOf, latentOf, montageJob, sweepJob, withDistance, withK, withLatent, withSeed, withSliderRange, withSliders, traversalCycle,
} from './transitions';

const model: ModelSummary = {
  id: 'm', name: 'M', description: '', source: 'bundled', zDim: 2, prior: 'normal', wDim: 2, styleLayers: 2, isStyleBased: true,
  spaces: ['z', 'w', 'wplus'], width: 8, height: 8, channels: 3, hasDiscriminator: false, assumptions: [],
};
const basis: Basis = {
  kind: 'metric', basisSpace: 'w', space: 'w', distance: 'mse', dim: 2, directions: [[1, 0], [0, 1]], values: [4, 1], valueName: 'eigenvalue',
  rates: [2, 0.5], reference: [0, 0], ms: 0, notes: [],
};

function state(patch: Partial<AtlasState> = {}): AtlasState {
  return { ...createAtlasStore().getState(), model, modelRef: { kind: 'bundled', id: 'm' }, space: 'w', ...patch };
}
const withBasis = (s: AtlasState): AtlasState => ({ ...s, results: { basis: { key: basisKey(s)!, value: basis } } });

describe('slider transitions', () => {
  it('clamps positions to the reach and pads missing ones with 0', () => {
    expect(withSliders(state({ sliderRange: 0.1 }), { 2: 0.5, 0: -0.05 }).sliders).toEqual([-0.05, 0, 0.1]);
    expect(clampPosition(NaN, 1)).toBe(0);
    expect(withSliders(state(), { [MAX_DIRECTIONS]: 0.1, [-1]: 0.1 }).sliders).toEqual([]);
    expect(withSliderRange(state({ sliders: [0.3, -0.02] }), 0.05)).toEqual({ sliderRange: 0.05, sliders: [0.05, -0.02] });
  });

  it('a new distance resets positions and the reach; k is a whole number in range; a seed drops the link latent', () => {
    expect(withDistance('ssim')).toEqual({ distance: 'ssim', sliders: [], sliderRange: DEFAULT_SLIDER_RANGE.ssim });
    expect(withK(0).k).toBe(1);
    expect(withK(99).k).toBe(MAX_DIRECTIONS);
    expect(withK(3.6).k).toBe(4);
    expect(withSeed(4)).toEqual({ seed: 4, z: null, w: null, sliders: [] });
    // Exploring a W or W+ code drops any z and shows it in its own space; a z drops any code.
    expect(withLatent({ space: 'wplus', values: [1, 2] })).toEqual({ w: [1, 2], z: null, space: 'wplus', sliders: [] });
    expect(withLatent({ space: 'z', values: [3] })).toEqual({ z: [3], w: null, sliders: [] });
  });
});

describe('the presenter traversal', () => {
  it('sweeps 0 → +reach → 0 → −reach in equal steps, each position once per cycle', () => {
    expect(traversalCycle(1, 2)).toEqual([0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5]);
    const c = traversalCycle(0.1, 10);
    expect(c).toHaveLength(40);
    expect(Math.max(...c)).toBe(0.1);
    expect(Math.min(...c)).toBe(-0.1);
    // Consecutive positions (wrapping into the next cycle) are one step apart: no jumps in the loop.
    c.forEach((v, i) => expect(Math.abs(c[(i + 1) % c.length] - v)).toBeCloseTo(0.01, 12));
    expect(() => traversalCycle(0, 4)).toThrow();
    expect(() => traversalCycle(1, 0)).toThrow();
  });
});

describe('requests and keys', () => {
  it('asks for ψ only when it truncates, and the link latent over the seed', () => {
    expect(latentOf({ seed: 3, z: null, w: null, truncation: 1 })).toEqual({ seed: 3 });
    expect(latentOf({ seed: 3, z: null, w: null, truncation: 0.5 })).toEqual({ seed: 3, truncation: 0.5 });
    expect(latentOf({ seed: 3, z: [1, 2], w: [4], truncation: 0.5 })).toEqual({ z: [1, 2] });
    expect(latentOf({ seed: 3, z: null, w: [4], truncation: 0.5 })).toEqual({ w: [4] });
    expect(basisRequest(state({ truncation: 0.5 }))).toEqual({ latent: { seed: 1, truncation: 0.5 }, space: 'w', kind: 'metric', distance: 'mse', k: 10, seed: 0 });
  });

  it('keys the reference by model, latent, effective space and ψ', () => {
    expect(referenceKey(state())).toBe('m|1|w|1');
    expect(referenceKey(state({ truncation: 0.5 }))).toBe('m|1|w|0.5');
    expect(referenceKey(state({ z: [1, 2], truncation: 0.5 }))).toMatch(/^m\|z:[\w-]+\|w\|1$/);
    // Two link latents are two references: a basis of one is stale for the other (ψ plays no part).
    expect(referenceKey(state({ z: [1, 2] }))).not.toBe(referenceKey(state({ z: [1, 3] })));
    expect(referenceKey(state({ z: [1, 2], truncation: 0.5 }))).toBe(referenceKey(state({ z: [1, 2] })));
    expect(currentBasis({ ...withBasis(state({ z: [1, 2] })), z: [1, 3] })).toBeNull();
    expect(effectiveSpace(state({ model: { ...model, spaces: ['z'] } }))).toBe('z');
    // A W code has no Z: asked for Z, it is shown (and keyed) in W; its key is its own, without ψ.
    expect(effectiveSpace(state({ space: 'z', w: [1, 2] }))).toBe('w');
    expect(referenceKey(state({ space: 'z', w: [1, 2], truncation: 0.5 }))).toMatch(/^m\|w:[\w-]+\|w\|1$/);
    expect(referenceKey(state({ w: [1, 2] }))).not.toBe(referenceKey(state({ w: [1, 3] })));
    expect(referenceKey({ ...state(), model: null })).toBeNull();
  });

  it('uses a basis only for the settings it was computed for', () => {
    const s = withBasis(state());
    expect(currentBasis(s)).toBe(basis);
    expect(currentBasis({ ...s, k: 3 })).toBeNull();
    expect(currentBasis({ ...s, seed: 2 })).toBeNull();
  });

  it('edits by position / rate along the current basis, with the W+ layers or the sphere', () => {
    const s = withBasis(state({ sliders: [0.2, -0.1] }));
    expect(editOf(s)).toEqual({ directions: basis.directions, steps: [0.1, -0.2] });
    expect(editOf({ ...s, sliders: [0, 0] })).toBeUndefined();
    const wplus = withBasis(state({ space: 'wplus', sliders: [0.2], layers: 'fine' }));
    expect(editOf(wplus)).toEqual({ directions: [basis.directions[0]], steps: [0.1], layers: 'fine' });
    const z = withBasis(state({ space: 'z', sliders: [0.2], spherical: true }));
    expect(editOf(z)!.spherical).toBe(true);
    expect(wantedFrameKey(s)).toBe('m|1|w|1|metric:0.2,-0.1|all|lin');
    expect(wantedFrameKey(state({ sliders: [0.2] }))).toBe('m|1|w|1');
  });

  it('keys a montage by its basis and options, and needs a current basis', () => {
    expect(montageJob(state(), { rows: 5, columns: 7, extent: 0.1 })).toBeNull();
    const job = montageJob(withBasis(state()), { rows: 5, columns: 7, extent: 0.1 })!;
    expect(job.request.rows).toEqual([0, 1]);
    expect(job.key).toBe(`${basisKey(state())}|2|7|0.1|false|all`);
    expect(montageJob(withBasis(state()), { rows: 5, columns: 9, extent: 0.1 })!.key).not.toBe(job.key);
    expect(job.request).not.toHaveProperty('layers');
    expect(montageJob(withBasis(state({ space: 'wplus' })), { rows: 1, columns: 3, extent: 1 })!.request.layers).toBe('all');
  });

  it('compares the chosen bases the view can show, loaded directions among them, and says why any is left out', () => {
    const opts = { rows: 2, columns: 5, extent: 0.1 };
    const imported = { name: 'a.json', space: 'w' as const, directions: [[0.6, 0.8]] };
    const s = state({ compareKinds: ['metric', 'imported'], imported });
    const job = compareJob(s, opts)!;
    expect(job.request).toMatchObject({ kinds: ['metric', 'imported'], imported: { space: 'w', directions: [[0.6, 0.8]] } });
    // Other directions, another comparison; without an imported column, no directions in the request.
    expect(compareJob(state({ compareKinds: ['metric', 'imported'], imported: { ...imported, directions: [[0.8, 0.6]] } }), opts)!.key).not.toBe(job.key);
    expect(compareJob(state({ compareKinds: ['metric', 'sefa'], imported }), opts)!.request).not.toHaveProperty('imported');
    // Left out: none loaded, loaded in another space, Local Basis on a z-space model; with one basis left, no job.
    expect(comparableKinds(state({ compareKinds: ['metric', 'imported', 'sefa'] }))).toEqual({ kinds: ['metric', 'sefa'], left: [expect.stringMatching(/No directions are loaded/)] });
    expect(comparableKinds(state({ compareKinds: ['metric', 'imported'], imported, space: 'z' })).left).toEqual([expect.stringMatching(/live in W: switch to W or W\+/)]);
    expect(comparableKinds(state({ compareKinds: ['metric', 'imported'], imported, space: 'wplus' })).kinds).toEqual(['metric', 'imported']);
    const dcgan = { ...model, isStyleBased: false, spaces: ['z' as const] };
    expect(comparableKinds(state({ model: dcgan, compareKinds: ['local', 'metric', 'sefa'] }))).toEqual({ kinds: ['metric', 'sefa'], left: [expect.stringMatching(/Local Basis needs a style model/)] });
    expect(compareJob(state({ model: dcgan, compareKinds: ['local', 'metric'] }), opts)).toBeNull();
  });

  it('keys curve walks and sweeps by what they compute', () => {
    expect(curveJob(state(), { index: 0, steps: 10, intensity: 1 })).toEqual({ key: 'm|1|w|1|0|10|1', request: { latent: { seed: 1 }, index: 0, steps: 10, intensity: 1 } });
    expect(sweepJob(state({ seed: 4, distance: 'ssim' }), { count: 8 })).toEqual({ key: 'm|4|8|w|ssim', request: { seed: 4, count: 8, space: 'w', distance: 'ssim' } });
    expect(sweepJob({ ...state(), model: null }, { count: 8 })).toBeNull();
  });
});

describe('job selectors', () => {
  it('reads a kind that never ran as idle, and a result only for its key', () => {
    const s = state();
    expect(jobOf(s, 'sweep')).toEqual({ progress: null, error: null, ms: null });
    expect(isRunning({ jobs: { sweep: { progress: { phase: 'x', done: 0, total: 1 }, error: null, ms: null } } }, 'sweep')).toBe(true);
    const withSweep = { results: { sweep: { key: 'a', value: { count: 2 } as never } } };
    expect(resultOf(withSweep, 'sweep', 'a')).toEqual({ count: 2 });
    expect(resultOf(withSweep, 'sweep', 'b')).toBeNull();
    expect(resultOf(withSweep, 'sweep')).toEqual({ count: 2 });
  });
});
