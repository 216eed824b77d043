/**
 * geometry/bases.ts on the tiny fixtures (cpu): canonical signs, global bases whose leading rows do not
 * depend on k (so the app's k and the CLI's k give the same sliders), the Local Basis refused on a
 * z-space model, and the global basis size tied to the app's slider maximum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MAX_DIRECTIONS } from '../engine/edit';
import { memoryFiles } from '../model/files';
import type { Generator } from '../model/generator';
import { loadGenerator } from '../model/load';
import { styleModelFolder, zModelFolder } from '../model/testing/fixtures';
import { BASIS_KINDS, basisDirections, fixSigns, GLOBAL_DIRECTIONS, unsupported } from './bases';

let style: Generator, plain: Generator;
beforeAll(async () => {
  await tf.setBackend('cpu');
  style = await loadGenerator(memoryFiles('tiny-style', await styleModelFolder()));
  plain = await loadGenerator(memoryFiles('tiny-z', await zModelFolder()));
});
afterAll(() => {
  style?.dispose();
  plain?.dispose();
});

describe('bases', () => {
  it('fixSigns makes the largest-magnitude entry of each row positive and leaves the rest', () => {
    const rows = Float64Array.from([0.1, -0.9, 0.3, 0.5, 0.2, -0.4]);
    fixSigns(rows, 2, 3);
    expect(Array.from(rows)).toEqual([-0.1, 0.9, -0.3, 0.5, 0.2, -0.4]);
  });

  it('computes global bases for the app\'s slider maximum', () => {
    expect(GLOBAL_DIRECTIONS).toBe(MAX_DIRECTIONS);
  });

  it.each(['ganspace', 'sefa', 'average', 'random'] as const)('%s: the leading rows do not depend on k, in Z of both models', async (kind) => {
    for (const g of [style, plain]) {
      const view = { kind, basisSpace: 'z' as const, distance: 'mse' as const, z: g.samplePrior(3, 1), seed: 0, samples: 3 };
      const small = await basisDirections(g, { ...view, k: 2 }, undefined, undefined, { spectrum: false });
      const large = await basisDirections(g, { ...view, k: 4 }, undefined, undefined, { spectrum: false });
      expect(Array.from(large.directions.subarray(0, 2 * small.n))).toEqual(Array.from(small.directions));
      for (let r = 0; r < large.k; r++) {
        const row = large.directions.subarray(r * large.n, (r + 1) * large.n);
        const big = row.reduce((a, x) => (Math.abs(x) > Math.abs(a) ? x : a), 0);
        expect(big).toBeGreaterThan(0);
      }
    }
  });

  it('metric: exact\'s residual check runs at a model\'s first metric per space and distance, later ones quote it', async () => {
    const cache = new Map<string, unknown>();
    const view = (seed: number) => ({ kind: 'metric' as const, basisSpace: 'z' as const, distance: 'mse' as const, z: plain.samplePrior(seed, 1), seed: 0, k: 3 });
    const first = await basisDirections(plain, view(1), undefined, cache, { spectrum: false });
    const checked = first.notes.find((t) => t.startsWith('Residual check: '));
    expect(checked).toBeDefined();
    const estimate = Number(/check: ([^·]+)·/.exec(checked!)![1]);
    expect(estimate).toBeGreaterThan(0);
    expect(estimate).toBeLessThan(1e-4);
    const later = await basisDirections(plain, view(2), undefined, cache, { spectrum: false });
    expect(later.notes.some((t) => t.startsWith(`Residual check at this model's first exact metric: ${estimate.toExponential(1)}`))).toBe(true);
    // Not a cached result: the second latent has its own eigenvectors.
    expect(Array.from(later.directions)).not.toEqual(Array.from(first.directions));
    // Another distance (and a fresh cache) checks again.
    const other = await basisDirections(plain, { ...view(2), distance: 'ssim' as const }, undefined, cache, { spectrum: false });
    expect(other.notes.some((t) => t.startsWith('Residual check: '))).toBe(true);
    const fresh = await basisDirections(plain, view(2), undefined, new Map(), { spectrum: false });
    expect(fresh.notes.some((t) => t.startsWith('Residual check: '))).toBe(true);
  });

  it('says which kinds a model cannot give', () => {
    expect(BASIS_KINDS.filter((k) => unsupported(plain, k, 'z'))).toEqual(['local']);
    expect(BASIS_KINDS.filter((k) => unsupported(plain, k, 'w'))).toEqual([...BASIS_KINDS]);
    expect(BASIS_KINDS.filter((k) => unsupported(style, k, 'w'))).toEqual([]);
  });
});
