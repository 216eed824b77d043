/**
 * `atlas traverse --layers`: a W move restricted to some style layers of shapes-style, checked against
 * w+ codes built by hand (start w on every layer, w + t·v on the chosen ones) and rendered directly.
 * Tolerance: identical float32 inputs through the same network, so the frames agree to 1e-6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../scripts/lib/tfnode';
import { latentValues, openModelId } from '../../scripts/atlas/common';
import { traverseStudy } from '../../scripts/atlas/traverse';
import { directionsAt } from '../../scripts/atlas/bases';
import type { Generator } from '../../src/model/generator';

let g: Generator;
const seed = 4;
const common = { seed, basis: 'sefa' as const, index: 0, steps: 3, range: 3, space: 'w' as const, distance: 'mse' as const, spherical: false, curve: 0, keepImages: true };

beforeAll(async () => {
  await useBackend('wasm');
  g = await openModelId('shapes-style');
});
afterAll(() => g.dispose());

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('traverse --layers (shapes-style, wasm)', () => {
  it('moves only the fine layers: frames equal hand-built w+ codes, and differ from the all-layer move', async () => {
    const before = tf.memory().numTensors;
    const fine = await traverseStudy(g, { ...common, layers: 'fine' });
    const all = await traverseStudy(g, { ...common });
    expect(fine.layers).toEqual({ range: 'fine', start: 5, end: 8, styleLayers: 8 });
    expect(all.layers).toBeUndefined();

    const L = g.styleLayers!, d = g.wDim!;
    const w0 = latentValues(g, seed, 'w');
    const dirs = await directionsAt({ g, space: 'w', distance: 'mse', k: 1, averageSamples: 8, averageSeed: 1000 }, 'sefa', seed, new Map());
    const v = dirs.directions.slice(0, d);
    const codes = new Float32Array(3 * L * d);
    fine.t.forEach((t, f) => {
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < d; i++) codes[(f * L + l) * d + i] = w0[i] + (l >= 5 ? t * v[i] : 0);
      }
    });
    const expected = tf.tidy(() => g.generate(tf.tensor3d(codes, [3, L, d]), 'wplus').dataSync());
    expect(maxAbsDiff(fine.images!, expected)).toBeLessThan(1e-6);

    const per = fine.images!.length / 3;
    const frame = (r: typeof fine, f: number) => r.images!.subarray(f * per, (f + 1) * per);
    // The centre frame (t = 0) is the start in both; the ends are not.
    expect(maxAbsDiff(frame(fine, 1), frame(all, 1))).toBeLessThan(1e-6);
    expect(maxAbsDiff(frame(fine, 2), frame(all, 2))).toBeGreaterThan(1e-2);
    expect(maxAbsDiff(frame(fine, 2), frame(fine, 1))).toBeGreaterThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses --layers on a z move', async () => {
    await expect(traverseStudy(g, { ...common, basis: 'metric', space: 'z', layers: 'coarse' })).rejects.toThrow(/--layers restricts a W move/);
  });
});
