/**
 * The view ↔ store mapping derived from the URL table: defaults, links written and read back, and which
 * settings reset the sliders (checked against the basis key, which is what the slider positions belong to).
 */
import { describe, expect, it } from 'vitest';
import type { Basis, ModelSummary } from '../../src/engine/types';
import { decodeView, encodeView, VIEW_FIELDS, type ViewState } from '../../src/state/url';
import { basisKey } from './keys';
import { createAtlasStore, type AtlasState } from './store';
import { settingPatch, SLIDER_RESETTING_KEYS, viewDefaults, viewOf, viewPatch } from './view';

const style: ModelSummary = {
  id: 'shapes-style', name: 'Shapes', description: '', source: 'bundled', zDim: 4, prior: 'normal', wDim: 6, styleLayers: 3, isStyleBased: true,
  spaces: ['z', 'w', 'wplus'], width: 8, height: 8, channels: 3, hasDiscriminator: true, assumptions: [],
};
const dcgan: ModelSummary = { ...style, id: 'shapes-dcgan', isStyleBased: false, spaces: ['z'] };

function shown(patch: Partial<AtlasState> = {}, model = style): AtlasState {
  return { ...createAtlasStore().getState(), model, modelRef: { kind: 'bundled', id: model.id }, ...patch };
}

const basis = (directions: number): Basis => ({
  kind: 'metric', basisSpace: 'z', space: 'z', distance: 'mse', dim: 4, directions: Array.from({ length: directions }, () => [1, 0, 0, 0]),
  values: [], valueName: '', rates: Array(directions).fill(1), reference: [0, 0, 0, 0], ms: 0, notes: [],
});

describe('view from the URL table', () => {
  it('starts the store at the table defaults', () => {
    const s = createAtlasStore().getState();
    for (const f of VIEW_FIELDS) if (f.store) expect(s[f.store]).toEqual(f.fallback);
    expect(viewDefaults()).not.toBe(viewDefaults()); // fresh lists each time, never shared
  });

  it('writes a link that reads back to the same state, field by field', () => {
    const s = shown({ seed: 42, space: 'wplus', truncation: 0.7, basisKind: 'sefa', distance: 'ssim', k: 7, sliders: [0.1, 0, -0.2, 0, 0], layers: 'coarse', panel: 'atlas' });
    const view = viewOf(s)!;
    expect(view).toEqual({ model: 'shapes-style', seed: 42, space: 'wplus', truncation: 0.7, basis: 'sefa', distance: 'ssim', k: 7, sliders: [0.1, 0, -0.2], layers: 'coarse', panel: 'atlas' });
    const { state, notices } = decodeView(encodeView(view));
    expect(notices).toEqual([]);
    const { patch, pendingSliders } = viewPatch(state, shown());
    for (const f of VIEW_FIELDS) if (f.store && f.store !== 'sliders') expect(patch[f.store]).toEqual(s[f.store]);
    // No basis is shown for these settings yet: the positions wait for it.
    expect(patch.sliders).toEqual([]);
    expect(pendingSliders).toEqual([0.1, 0, -0.2]);
  });

  it('leaves out what is irrelevant or means nothing', () => {
    expect(viewOf(shown({ space: 'w', layers: 'fine', spherical: true, truncation: 1 }))).not.toHaveProperty('layers');
    const v = viewOf(shown({ space: 'w', spherical: true }))!;
    expect(v).not.toHaveProperty('spherical');
    expect(v).not.toHaveProperty('truncation');
    expect(v).not.toHaveProperty('sliders');
    expect(viewOf(shown({ space: 'z', spherical: true }))!.spherical).toBe(true);
    // A link's explicit latent replaces seed and ψ.
    const z = viewOf(shown({ z: [1, 2, 3, 4], truncation: 0.5 }))!;
    expect(z.z).toEqual([1, 2, 3, 4]);
    expect(z).not.toHaveProperty('seed');
    expect(z).not.toHaveProperty('truncation');
    // A z-space model is shown in Z whatever the stored space.
    expect(viewOf(shown({ space: 'w' }, dcgan))!.space).toBe('z');
    expect(viewOf({ ...shown(), model: null })).toBeNull();
  });

  it('gives a field a link leaves out its default (a link describes a whole view)', () => {
    const { patch } = viewPatch({ seed: 3 }, shown({ basisKind: 'random', k: 4, panel: 'curve', truncation: 0.5 }));
    expect(patch).toMatchObject({ seed: 3, basisKind: 'metric', k: 10, panel: 'spectrum', truncation: 1, z: null });
  });

  it('keeps link positions when the shown basis is the one they belong to', () => {
    const current = shown({ seed: 5 });
    const key = basisKey(current)!;
    const s = { ...current, results: { basis: { key, value: basis(2) } } };
    const { patch, pendingSliders } = viewPatch({ seed: 5, sliders: [0.05, -0.05, 0.05] } as ViewState, s);
    expect(patch.sliders).toEqual([0.05, -0.05]);
    expect(pendingSliders).toBeNull();
  });

  it('holds link positions beyond the default reach', () => {
    expect(viewPatch({ sliders: [0.3] }, shown()).patch.sliderRange).toBe(0.4);
  });

  it('carries the slider reach as a multiple of the distance default, and widens it to hold the positions', () => {
    // ssim's default reach is 0.5: a reach of 2 (±1.0) written and read back.
    const s = shown({ distance: 'ssim', sliderRange: 1 });
    const view = viewOf(s)!;
    expect(view.reach).toBe(2);
    const read = decodeView(encodeView(view)).state;
    expect(viewPatch(read, shown()).patch.sliderRange).toBe(1);
    // The default reach is left out of the link; a narrower one is kept.
    expect(viewOf(shown({ distance: 'mse', sliderRange: 0.1 }))!.reach).toBeUndefined();
    expect(viewPatch({ distance: 'mse', reach: 0.25 }, shown()).patch.sliderRange).toBeCloseTo(0.025, 12);
    // A narrow reach with a far position: the position wins (it is never cut).
    expect(viewPatch({ reach: 0.25, sliders: [0.3] }, shown()).patch.sliderRange).toBe(0.4);
  });

  it('carries loaded directions while short enough; a longer set leaves a link that opens on the metric, with a notice', () => {
    // Loaded directions are float32 values (importedBasis.ts unitRows), so the link's view keys the same basis.
    const imported = { name: 'metric.json', space: 'w' as const, directions: [[0.6, 0, 0, 0.8, 0, 0], [0, 1, 0, 0, 0, 0]].map((r) => r.map(Math.fround)) };
    const s = shown({ space: 'w', basisKind: 'imported', imported, k: 2 });
    const read = decodeView(encodeView(viewOf(s)!));
    expect(read.notices).toEqual([]);
    const { patch } = viewPatch(read.state, shown());
    expect(patch).toMatchObject({ basisKind: 'imported', space: 'w', k: 2 });
    expect(patch.imported).toEqual(imported);
    expect(basisKey({ ...shown(), ...patch } as AtlasState)).toBe(basisKey(s));
    // Not the basis: the directions stay out of the link, unless the Compare panel shows them as a column.
    expect(viewOf({ ...s, basisKind: 'metric' })).not.toHaveProperty('imported');
    expect(viewOf({ ...s, basisKind: 'metric', panel: 'compare', compareKinds: ['ganspace', 'sefa'] })).not.toHaveProperty('imported');
    const compared = viewOf({ ...s, basisKind: 'metric', panel: 'compare', compareKinds: ['ganspace', 'imported'] })!;
    expect(compared).toMatchObject({ compare: ['ganspace', 'imported'], imported });
    expect(viewPatch(decodeView(encodeView(compared)).state, shown()).patch).toMatchObject({ basisKind: 'metric', compareKinds: ['ganspace', 'imported'], imported });
    expect(viewOf({ ...s, basisKind: 'metric', panel: 'montage', compareKinds: ['ganspace', 'imported'] })).not.toHaveProperty('imported');
    const long = { ...imported, directions: Array.from({ length: 32 }, () => Array.from({ length: 65 }, () => 0.125)) };
    const fallback = decodeView(encodeView(viewOf(shown({ space: 'w', basisKind: 'imported', imported: long }))!));
    expect(fallback.state).not.toHaveProperty('basis');
    expect(fallback.notices).toHaveLength(1);
    expect(viewPatch(fallback.state, shown()).patch.basisKind).toBe('metric');
  });

  it('resets the sliders exactly for the settings the basis depends on', () => {
    // The basis depends on the imported directions only while they are the basis: a setting resets the sliders
    // when the basis key moves with it from either of these states.
    const imported = { name: 'a.json', space: 'z' as const, directions: [[1, 0, 0, 0]] };
    const states = [shown({ sliders: [0.1] }), shown({ sliders: [0.1], basisKind: 'imported', imported })];
    const other: Record<string, unknown> = {
      seed: 9, z: [1, 1, 1, 1], w: [2, 2, 2, 2, 2, 2], space: 'w', truncation: 0.5, basisKind: 'sefa', distance: 'ssim', k: 3,
      sliders: [0.2], layers: 'fine', spherical: true, panel: 'montage', imported: { ...imported, directions: [[0, 1, 0, 0]] },
    };
    for (const f of VIEW_FIELDS) {
      if (!f.store) continue;
      const moves = states.map((s) => {
        const next = { ...s, ...settingPatch(f.store!, other[f.store!] as never) };
        expect(next[f.store!], f.store!).toEqual(other[f.store!]);
        if (f.store !== 'sliders') expect(next.sliders, f.store!).toEqual(f.resetsSliders ? [] : [0.1]);
        return basisKey(next) !== basisKey(s);
      });
      expect(SLIDER_RESETTING_KEYS.has(f.store), f.store).toBe(moves.some(Boolean));
    }
  });
});
