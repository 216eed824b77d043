import { describe, expect, it } from 'vitest';
import type { Basis } from '../engine/types';
import { parseNpy } from '../util/npy';
import { basisArrays, basisJson, basisNpz, directionsCsv, exportName, spectrumCsv } from './basisFiles';

const basis: Basis = {
  kind: 'metric', basisSpace: 'z', space: 'z', distance: 'mse', dim: 3,
  directions: [[1, 0, 0], [0, 0.6, 0.8]], values: [2.5, 0.25], valueName: 'eigenvalue', rates: [Math.sqrt(2.5), 0.5],
  reference: [0.1, -0.2, 0.3], spectrum: { eigenvalues: [2.5, 0.25, 1e-9], anisotropy: [], alpha: { samples: [], sampleMean: 0, sampleStd: 0, analyticMean: 0, analyticStd: 0 } },
  ms: 1, notes: ['exact, forward mode'],
};

describe('basis exports', () => {
  it('arrays: directions as rows [k, n], the per-direction numbers, the reference and the full spectrum', () => {
    const a = Object.fromEntries(basisArrays(basis).map((x) => [x.name, x]));
    expect(a.directions.shape).toEqual([2, 3]);
    expect(Array.from(a.directions.data)).toEqual([1, 0, 0, 0, 0.6, 0.8]);
    expect(Array.from(a.spectrum.data)).toEqual([2.5, 0.25, 1e-9]);
    expect(() => basisArrays({ ...basis, directions: [[1, 0]] })).toThrow(/3 entries/);
  });

  it('the .npz holds one .npy per array, each parsing back to the same numbers', () => {
    const zip = basisNpz(basis);
    // Find each member's .npy by its magic string, in order (members are stored, not compressed).
    const found: number[][] = [];
    for (let i = 0; i < zip.length - 6; i++) {
      if (zip[i] === 0x93 && zip[i + 1] === 0x4e && zip[i + 2] === 0x55 && zip[i + 3] === 0x4d) {
        const headerLen = zip[i + 8] | (zip[i + 9] << 8);
        const len = basisArrays(basis)[found.length].data.length;
        found.push(Array.from(parseNpy(zip.subarray(i, i + 10 + headerLen + 8 * len)).data));
      }
    }
    expect(found).toEqual(basisArrays(basis).map((a) => Array.from(a.data)));
  });

  it('CSV: one row per direction with the probe\'s label, and the spectrum; cells quoted when they must be', () => {
    expect(directionsCsv(basis, [{ factor: 'x', share: 0.5 }, null])).toBe(`rank,eigenvalue,rate,factor,factor_share\n1,2.5,${Math.sqrt(2.5)},x,0.5\n2,0.25,0.5,,\n`);
    expect(directionsCsv({ ...basis, valueName: 'a, b' })).toBe(`rank,"a, b",rate\n1,2.5,${Math.sqrt(2.5)}\n2,0.25,0.5\n`);
    expect(spectrumCsv(basis)).toBe('rank,eigenvalue\n1,2.5\n2,0.25\n3,1e-9\n');
    expect(spectrumCsv({})).toBeNull();
  });

  it('JSON names the model, the link and the method beside every number; file names are safe', () => {
    const j = JSON.parse(basisJson(basis, { model: 'shapes-style', link: 'v=1&model=shapes-style&seed=3', latent: 'seed 3' }));
    expect(j).toMatchObject({ format: 'latent-atlas-directions', version: 1, model: 'shapes-style', kind: 'metric', basisSpace: 'z', directions: basis.directions, spectrum: [2.5, 0.25, 1e-9] });
    expect(exportName(['faces style', 'seed 3', 'metric'], 'npz')).toBe('faces-style-seed-3-metric.npz');
  });
});
