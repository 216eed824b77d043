/**
 * basisOverlap against constructions with known answers: a basis and its own rotation within the span (|cos|
 * changes, the span does not: every angle 0), spans at a known angle θ in a plane (projection sin θ, geodesic θ),
 * and random r-dimensional spans of Rⁿ, whose mean cos² is r/n in expectation.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/random';
import { basisOverlap } from './basisOverlap';

const e = (i: number, n: number) => Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));

describe('basisOverlap', () => {
  it('a rotation inside the span mixes the |cos| but keeps every principal angle 0', () => {
    const c = Math.cos(0.3), s = Math.sin(0.3);
    const a = [e(0, 4), e(1, 4)];
    const b = [[c, s, 0, 0], [-s * 2, c * 2, 0, 0]]; // lengths do not matter
    const o = basisOverlap(a, b, 2);
    expect(o.cosines[0][0]).toBeCloseTo(c, 12);
    expect(o.cosines[0][1]).toBeCloseTo(s, 12);
    for (const t of o.angles) expect(t).toBeLessThan(1e-7);
    expect(o.projection).toBeLessThan(1e-7);
    expect(o.sharedFraction).toBeCloseTo(1, 12);
  });

  it('spans at a known angle: one principal angle θ, projection sin θ, geodesic θ; signs ignored', () => {
    const t = 0.7;
    const a = [e(0, 5), e(1, 5)];
    const b = [[0, -1, 0, 0, 0], [Math.cos(t), 0, Math.sin(t), 0, 0]];
    const o = basisOverlap(a, b, 2);
    expect(o.angles[0]).toBeCloseTo(0, 7);
    expect(o.angles[1]).toBeCloseTo(t, 12);
    expect(o.projection).toBeCloseTo(Math.sin(t), 12);
    expect(o.geodesic).toBeCloseTo(t, 7);
    expect(o.cosines[0][0]).toBe(0);
    expect(o.cosines[1][0]).toBe(1);
    expect(o.sharedFraction).toBeCloseTo((1 + Math.cos(t) ** 2) / 2, 12);
  });

  it('random spans share r/n of each other on average', () => {
    const rng = new Rng(5);
    const n = 24, r = 4, trials = 200;
    let mean = 0;
    for (let k = 0; k < trials; k++) {
      const draw = () => Array.from({ length: r }, () => Array.from(rng.normals(n)));
      mean += basisOverlap(draw(), draw(), r).sharedFraction / trials;
    }
    // E = r/n = 0.167; the sd of one trial is ≈ 0.07, so of the mean ≈ 0.005.
    expect(mean).toBeGreaterThan(r / n - 0.02);
    expect(mean).toBeLessThan(r / n + 0.02);
  });

  it('refuses r beyond the bases or the space, ragged or zero directions', () => {
    expect(() => basisOverlap([e(0, 3)], [e(1, 3)], 2)).toThrow(/need r/);
    expect(() => basisOverlap([e(0, 3)], [[1, 0]], 1)).toThrow(/same length/);
    expect(() => basisOverlap([[0, 0, 0]], [e(1, 3)], 1)).toThrow(/zero/);
  });
});
