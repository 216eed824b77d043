/**
 * Session.loadDirections: a good file becomes the sliders' basis in its own space; a bad one (or one of another
 * model) changes nothing and is said in one sentence; picking another model drops the loaded directions.
 */
import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../src/engine/types';
import { basisJson } from '../src/export/basisFiles';
import type { EngineClient } from './engine/client';
import type { JobsClient } from './engine/jobsClient';
import { Session } from './session';
import { basisRequest } from './state/transitions';
import { createAtlasStore } from './state/store';

const style: ModelSummary = {
  id: 'shapes-style', name: 'Shapes', description: '', source: 'bundled', zDim: 4, prior: 'normal', wDim: 3, styleLayers: 2, isStyleBased: true,
  spaces: ['z', 'w', 'wplus'], width: 8, height: 8, channels: 3, hasDiscriminator: true, assumptions: [],
};
const dcgan: ModelSummary = { ...style, id: 'shapes-dcgan', isStyleBased: false, spaces: ['z'], wDim: undefined };

const file = (model: string, directions: number[][]) => basisJson({
  kind: 'metric', basisSpace: 'w', space: 'w', distance: 'mse', dim: 3, directions, values: [1, 1], valueName: 'eigenvalue', rates: [1, 1],
  reference: [0, 0, 0], ms: 0, notes: [],
}, { model, link: '', latent: 'seed 3' });

function session(space: 'z' | 'wplus' = 'z') {
  const store = createAtlasStore();
  store.setState({ model: style, modelRef: { kind: 'bundled', id: style.id }, space, seed: 5, sliders: [0.1] });
  const client = { load: async () => ({ ok: true, model: dcgan }) } as unknown as EngineClient;
  return { s: new Session(client, {} as JobsClient, store), store };
}

describe('loading directions', () => {
  it('makes the file the basis, in its space, every direction a slider, unit length, and sends them with the basis request', () => {
    const { s, store } = session();
    expect(s.loadDirections('w.json', file('shapes-style', [[3, 0, 4], [0, -2, 0]]))).toBeNull();
    const st = store.getState();
    expect(st).toMatchObject({ basisKind: 'imported', space: 'w', k: 2, sliders: [], notices: [] });
    expect(st.imported).toEqual({ name: 'w.json', space: 'w', directions: [[Math.fround(0.6), 0, Math.fround(0.8)], [0, -1, 0]] });
    expect(basisRequest(st)).toMatchObject({ kind: 'imported', space: 'w', k: 2, imported: { space: 'w', directions: st.imported!.directions } });
    // W directions on a W+ view stay on W+.
    const plus = session('wplus');
    plus.s.loadDirections('w.json', file('shapes-style', [[1, 0, 0]]));
    expect(plus.store.getState().space).toBe('wplus');
  });

  it('leaves the view as it was for a bad file or another model\'s, with one sentence naming the file', () => {
    const { s, store } = session();
    const before = store.getState();
    expect(s.loadDirections('x.json', '{"format": "latent-atlas-directions", "version": 1')).toBe('x.json: The file is not JSON: a directions file is the JSON of Export → Basis or of atlas basis.');
    expect(s.loadDirections('y.json', file('faces-style', [[1, 0, 0]]))).toBe('y.json: These directions are for the model faces-style, and the model in use is shapes-style: load them with their own model.');
    const after = store.getState();
    for (const key of ['basisKind', 'imported', 'space', 'k', 'sliders'] as const) expect(after[key]).toEqual(before[key]);
    expect(after.notices).toHaveLength(2);
  });

  it('drops them when another model is picked, back to the local metric with a notice', async () => {
    const { s, store } = session();
    s.loadDirections('w.json', file('shapes-style', [[1, 0, 0]]));
    await s.loadBundled('shapes-dcgan');
    expect(store.getState()).toMatchObject({ model: dcgan, basisKind: 'metric', imported: null });
    expect(store.getState().notices.at(-1)).toMatch(/^The loaded directions belong to shapes-style; the sliders now show the local metric of shapes-dcgan\.$/);
  });
});
