/**
 * factorGuide: the mean-difference direction equals the difference of the two groups' means computed here by
 * filtering on reading thresholds (not by sorting), and recovers a planted direction; factorChanges matches a
 * hand computation (linear and angle factors, target share, others) and leaves unmoved samples out of the share.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/random';
import { factorChanges, meanDifferenceDirection } from './factorGuide';
import type { FactorGroup } from './factorGroups';

describe('meanDifferenceDirection', () => {
  it('is the normalised difference of the top and bottom quartile means', () => {
    const rng = new Rng(4), count = 40, dim = 5;
    const points = Float64Array.from({ length: count * dim }, () => rng.normal());
    // Distinct readings, so the quartiles are the readings below the 10th smallest / above the 10th largest.
    const readings = Float64Array.from({ length: count }, (_, i) => Math.sin(3.7 * i + 1) + 1e-6 * i);
    const r = meanDifferenceDirection(points, readings, count, dim, 0.25);
    const sorted = [...readings].sort((a, b) => a - b);
    const [loCut, hiCut] = [sorted[9], sorted[30]];
    const mean = (pick: (x: number) => boolean) => {
      const idx = [...readings.keys()].filter((i) => pick(readings[i]));
      expect(idx.length).toBe(10);
      return Array.from({ length: dim }, (_, d) => idx.reduce((a, i) => a + points[i * dim + d], 0) / idx.length);
    };
    const diff = mean((x) => x >= hiCut).map((v, d) => v - mean((x) => x <= loCut)[d]);
    const len = Math.hypot(...diff);
    expect(r.length).toBeCloseTo(len, 12);
    diff.forEach((v, d) => expect(r.direction[d]).toBeCloseTo(v / len, 12));
    expect(r.groupSize).toBe(10);
    expect(r.high).toBeGreaterThan(r.low);
  });

  it('recovers a planted direction', () => {
    const rng = new Rng(9), count = 2000, dim = 8;
    const u = Float64Array.from({ length: dim }, (_, d) => (d === 2 ? 0.6 : d === 5 ? -0.8 : 0));
    const points = new Float64Array(count * dim), readings = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const a = rng.normal();
      readings[i] = a;
      for (let d = 0; d < dim; d++) points[i * dim + d] = 3 * a * u[d] + 0.3 * rng.normal();
    }
    const r = meanDifferenceDirection(points, readings, count, dim);
    expect(Math.abs(r.direction.reduce((acc, v, d) => acc + v * u[d], 0))).toBeGreaterThan(0.995);
    expect(r.direction.reduce((acc, v, d) => acc + v * u[d], 0)).toBeGreaterThan(0);
  });

  it('refuses mismatched sizes and too few points', () => {
    expect(() => meanDifferenceDirection([1, 2, 3], [1, 2], 2, 2)).toThrow(/expected 2×2/);
    expect(() => meanDifferenceDirection([1], [1], 1, 1, 0.5)).toThrow(/too few/);
  });
});

describe('factorChanges', () => {
  const groups: FactorGroup[] = [
    { name: 'scale', targets: ['scale'], range: 2 },
    { name: 'hue', targets: ['hue_cos', 'hue_sin'], range: 2 * Math.PI },
    { name: 'x', targets: ['x'], range: 2 },
  ];
  const names = ['x', 'scale', 'hue_cos', 'hue_sin'];

  it('matches a hand computation', () => {
    // Sample 0: scale +0.4, hue (1,0) → (0,1), x −0.2. Sample 1: scale −0.2 only. Sample 2: nothing moves.
    const before = [0, 0, 1, 0, /**/ 0.5, 0.1, 1, 0, /**/ 0, 0, 0, 1];
    const after = [-0.2, 0.4, 0, 1, /**/ 0.5, -0.1, 1, 0, /**/ 0, 0, 0, 1];
    const c = factorChanges(before, after, 3, names, groups, 'scale');
    const hue0 = Math.SQRT2 / (2 * Math.PI);
    expect(c.factors).toEqual(['scale', 'hue', 'x']);
    expect(c.meanAbs[0]).toBeCloseTo((0.2 + 0.1 + 0) / 3, 12);
    expect(c.meanAbs[1]).toBeCloseTo(hue0 / 3, 12);
    expect(c.meanAbs[2]).toBeCloseTo(0.1 / 3, 12);
    expect(c.target).toBeCloseTo((0.2 - 0.1 + 0) / 3, 12);
    expect(c.others).toBeCloseTo(Math.sqrt((hue0 ** 2 + 0.1 ** 2) / 2) / 3, 12);
    // The share averages over the two samples that moved.
    expect(c.targetShare).toBeCloseTo((0.04 / (0.04 + hue0 ** 2 + 0.01) + 1) / 2, 12);
  });

  it('reads an angle target by the length of its change', () => {
    const c = factorChanges([0, 0, 1, 0], [0, 0, -1, 0], 1, names, groups, 'hue');
    expect(c.target).toBeCloseTo(2 / (2 * Math.PI), 12);
    expect(c.targetShare).toBe(1);
    expect(c.others).toBe(0);
  });

  it('names a missing factor', () => {
    expect(() => factorChanges([0, 0, 1, 0], [0, 0, 1, 0], 1, names, groups, 'smile')).toThrow(/no factor 'smile'/);
  });
});
