/**
 * Slider edits (edit.ts, editedLatent.ts) on the tiny style fixture (zDim 4, wDim 6, 3 style layers), cpu backend.
 * Oracles: steps = position / rate with the documented floor; a zero edit is the unedited latent bit for
 * bit; a linear edit is reference + Σ tᵢvᵢ (float32 of the float64 sum, so ≤ 1e-6); a spherical edit keeps
 * ‖z‖ (≤ 1e-5 relative, float32); a W+ edit on 'coarse' leaves the other layers exactly equal to w.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { memoryFiles } from '../model/files';
import type { Generator } from '../model/generator';
import { loadGenerator } from '../model/load';
import { styleModelFolder, STYLE_LAYERS, W_DIM, Z_DIM } from '../model/testing/fixtures';
import { layerRange } from '../geometry/traversal';
import { flooredRates, MAX_DIRECTIONS, RELATIVE_RATE_FLOOR, sliderSteps } from './edit';
import { editedLatent } from './editedLatent';
import { latentIn } from './latent';
import type { LatentEdit } from './types';

let g: Generator;
const z = Float32Array.from([0.3, -1.2, 0.8, 0.5]);

beforeAll(async () => {
  await tf.setBackend('cpu');
  g = await loadGenerator(memoryFiles('style fixture', await styleModelFolder()));
});
afterAll(() => g?.dispose());

const values = (t: tf.Tensor) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const unit = (n: number, i: number) => Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));

describe('sliderSteps', () => {
  it('divides positions by rates', () => {
    expect(sliderSteps([2, 0.5, 1], [1, 1, -3])).toEqual([0.5, 2, -3]);
  });

  it('floors tiny rates at a fraction of the largest, so a null direction cannot explode', () => {
    const steps = sliderSteps([1, 0, 1e-9], [1, 1, 1]);
    expect(steps).toEqual([1, 1 / RELATIVE_RATE_FLOOR, 1 / RELATIVE_RATE_FLOOR]);
    expect(flooredRates([4, 0])).toEqual([4, 4 * RELATIVE_RATE_FLOOR]);
  });

  it('gives no step when nothing changes the image', () => {
    expect(sliderSteps([0, 0], [1, -1])).toEqual([0, 0]);
  });

  it('rejects mismatched, negative or non-finite input in one sentence', () => {
    expect(() => sliderSteps([1], [1, 2])).toThrow('There are 2 slider positions for 1 rates.');
    expect(() => sliderSteps([-1], [1])).toThrow(/^Rate 1 is -1/);
    expect(() => sliderSteps([1], [NaN])).toThrow('Slider position 1 is not a finite number.');
  });
});

describe('editedLatent', () => {
  it('leaves the latent exactly as it is for no edit and for a zero edit, in every space', () => {
    for (const space of ['z', 'w', 'wplus'] as const) {
      const dim = space === 'z' ? Z_DIM : W_DIM;
      const plain = values(tf.tidy(() => latentIn(g, tf.tensor2d(z, [1, Z_DIM]), space)));
      expect(values(editedLatent(g, z, space))).toEqual(plain);
      const zero: LatentEdit = { directions: [unit(dim, 0), unit(dim, 1)], steps: [0, 0], ...(space === 'z' ? { spherical: true } : {}) };
      expect(values(editedLatent(g, z, space, zero))).toEqual(plain);
    }
  });

  it('adds Σ tᵢvᵢ in Z and in W', () => {
    const edit: LatentEdit = { directions: [unit(Z_DIM, 0), [0.5, 0.5, 0.5, 0.5]], steps: [0.25, -2] };
    const moved = values(editedLatent(g, z, 'z', edit));
    moved.forEach((v, i) => expect(v).toBeCloseTo(z[i] + (i === 0 ? 0.25 : 0) - 1, 6));
    const w = values(tf.tidy(() => g.mapZ(tf.tensor2d(z, [1, Z_DIM]))));
    const wEdit: LatentEdit = { directions: [unit(W_DIM, 2)], steps: [1.5] };
    values(editedLatent(g, z, 'w', wEdit)).forEach((v, i) => expect(v).toBeCloseTo(w[i] + (i === 2 ? 1.5 : 0), 6));
  });

  it('keeps ‖z‖ on a spherical edit and moves along the tangent part of the offset', () => {
    const edit: LatentEdit = { directions: [unit(Z_DIM, 0)], steps: [0.4], spherical: true };
    const moved = values(editedLatent(g, z, 'z', edit));
    const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
    expect(Math.abs(norm(moved) / norm(z) - 1)).toBeLessThan(1e-5);
    expect(moved[0]).toBeGreaterThan(z[0]);
  });

  it("moves only the style layers of a W+ range: 'coarse' leaves the other layers' latent untouched", () => {
    const w = values(tf.tidy(() => g.mapZ(tf.tensor2d(z, [1, Z_DIM]))));
    const v = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
    const out = values(editedLatent(g, z, 'wplus', { directions: [v], steps: [2], layers: 'coarse' }));
    const [s, e] = layerRange(STYLE_LAYERS, 'coarse');
    expect(e - s).toBeGreaterThan(0);
    expect(e).toBeLessThan(STYLE_LAYERS);
    for (let l = 0; l < STYLE_LAYERS; l++) {
      const row = out.slice(l * W_DIM, (l + 1) * W_DIM);
      if (l >= s && l < e) row.forEach((x, i) => expect(x).toBeCloseTo(w[i] + 2 * v[i], 6));
      else expect(row).toEqual(w);
    }
  });

  it('rejects bad edits in one plain sentence and leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    const cases: [LatentEdit, string, RegExp][] = [
      [{ directions: [unit(3, 0)], steps: [1] }, 'z', /^Edit direction 1 has 3 values; Z of this model has 4\.$/],
      [{ directions: [unit(Z_DIM, 0)], steps: [1] }, 'w', /W of this model has 6\./],
      [{ directions: [unit(Z_DIM, 0)], steps: [1, 2] }, 'z', /1 directions but 2 steps/],
      [{ directions: [[1, NaN, 0, 0]], steps: [1] }, 'z', /not a finite number/],
      [{ directions: [unit(Z_DIM, 0)], steps: [Infinity] }, 'z', /step is not a finite number/],
      [{ directions: Array.from({ length: MAX_DIRECTIONS + 1 }, () => unit(Z_DIM, 0)), steps: Array(MAX_DIRECTIONS + 1).fill(0) }, 'z', /at most 32 directions/],
      [{ directions: [unit(W_DIM, 0)], steps: [1], spherical: true }, 'w', /spherical edit .* needs space z/],
      [{ directions: [unit(W_DIM, 0)], steps: [1], layers: 'top' as 'all' }, 'wplus', /layer range must be one of/],
    ];
    for (const [edit, space, message] of cases) {
      expect(() => editedLatent(g, z, space as 'z', edit)).toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
