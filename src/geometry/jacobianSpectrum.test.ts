/**
 * jacobianSpectrum: the rebuilt Jacobian equals the matrix the SVD came from (≤ 1e-12 absolute), the
 * pooled moments are those of all entries, the Gaussian control follows Marchenko–Pastur's edges
 * s(√m ± √n) (within 8 % for 400×100: finite-size fluctuations of the edges are O(m^(−2/3)) relative), and
 * the summaries read a known spectrum exactly.
 */
import { describe, expect, it } from 'vitest';
import { svd } from '../linalg/svd';
import { Rng } from '../util/random';
import { entryMoments, gaussianSingularValues, jacobianOf, sigmaSummary } from './jacobianSpectrum';
import type { LocalBasis } from './localBasis';

describe('jacobianSpectrum', () => {
  it('rebuilds J from its Local Basis', () => {
    const wDim = 7, zDim = 4, rng = new Rng(2);
    const j = Float64Array.from({ length: wDim * zDim }, () => rng.normal());
    const s = svd(j, wDim, zDim);
    const lb: LocalBasis = { wDim, zDim, r: s.r, singularValues: s.values, wDirections: s.left, zDirections: s.right, z: new Float64Array(zDim), w: new Float64Array(wDim) };
    const back = jacobianOf(lb);
    for (let i = 0; i < j.length; i++) expect(Math.abs(back[i] - j[i])).toBeLessThan(1e-12);
  });

  it('pools the moments of all entries', () => {
    const m = entryMoments([Float64Array.from([1, 3]), Float64Array.from([5, 7])]);
    expect(m.mean).toBe(4);
    expect(m.sd).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('draws Gaussian matrices whose σ fill the Marchenko–Pastur band', () => {
    const [m, n, sd] = [400, 100, 0.5];
    const [sigma] = gaussianSingularValues(m, n, { mean: 0, sd }, 1, 3);
    expect(sigma.length).toBe(n);
    expect(Math.abs(sigma[0] / (sd * (Math.sqrt(m) + Math.sqrt(n))) - 1)).toBeLessThan(0.08);
    expect(Math.abs(sigma[n - 1] / (sd * (Math.sqrt(m) - Math.sqrt(n))) - 1)).toBeLessThan(0.08);
    // Σσ² = ‖A‖²_F ≈ m·n·sd² (relative sd of the sum ≈ √(2/(mn)) ≈ 0.7 %).
    expect(Math.abs(sigma.reduce((a, s) => a + s * s, 0) / (m * n * sd * sd) - 1)).toBeLessThan(0.03);
    // The same seed gives the same matrices.
    expect(Array.from(gaussianSingularValues(m, n, { mean: 0, sd }, 1, 3)[0])).toEqual(Array.from(sigma));
  });

  it('summarises a known spectrum', () => {
    const s = sigmaSummary([4, 2, 0.3, 0.1]);
    expect(s.minOverMax).toBeCloseTo(0.025, 12);
    expect(s.shareBelowTenth).toBe(0.5);
    const flat = sigmaSummary([1, 1, 1, 1]);
    expect(flat.effectiveRank).toBeCloseTo(4, 12);
    expect(sigmaSummary([1, 0, 0]).effectiveRank).toBeCloseTo(1, 12);
  });
});
