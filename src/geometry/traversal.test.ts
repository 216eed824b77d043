import { describe, expect, it } from 'vitest';
import {
  planeCoordinates,
  broadcastToWplus, eigenScaledSteps, layerRange, linearPath, linearStep, sphericalPath, sphericalStep,
  subspaceGrid, tangentProjection, wplusStep,
} from './traversal';
import { symmetricWithSpectrum } from '../linalg/testing';
import { Rng } from '../util/random';

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, v, i) => s + v * y[i], 0);

describe('linear traversal', () => {
  it('z + t·v, one row per t', () => {
    expect(Array.from(linearStep([1, 2], [0.5, -1], 2))).toEqual([2, 0]);
    expect(Array.from(linearPath([1, 2], [1, 0], [-1, 0, 3]))).toEqual([0, 2, 1, 2, 4, 2]);
    expect(() => linearStep([1, 2], [1], 1)).toThrow(/direction has 1/);
  });
});

describe('spherical traversal (Wang & Ponce footnote 1)', () => {
  const rng = new Rng(1);
  const cases = Array.from({ length: 20 }, () => {
    const n = 2 + rng.int(200);
    return { z: Array.from(rng.normals(n), (x) => x * rng.uniform(0.1, 3)), v: Array.from(rng.normals(n)) };
  });

  // Measured: worst |‖z(t)‖ − ‖z‖|/‖z‖ over these cases is 4.4e-16 (two ulps), thanks to the final renormalisation.
  it('keeps ‖z(t)‖ = ‖z‖ to 1e-12 relative for |t| up to many turns', () => {
    for (const { z, v } of cases) {
      const r = norm(z);
      for (const t of [-100, -3, -0.1, 0, 1e-9, 0.5, 7, 1e4]) expect(Math.abs(norm(sphericalStep(z, v, t)) - r) / r).toBeLessThan(1e-12);
    }
  });

  it('starts with velocity equal to the tangent projection of v, and moves by arc length t‖p‖ on a great circle', () => {
    for (const { z, v } of cases) {
      const p = tangentProjection(z, v);
      expect(Math.abs(dot(p, z))).toBeLessThan(1e-12 * norm(v) * norm(z));
      const h = 1e-5;
      const plus = sphericalStep(z, v, h), minus = sphericalStep(z, v, -h);
      const fd = Array.from(plus, (x, i) => (x - minus[i]) / (2 * h));
      expect(norm(fd.map((x, i) => x - p[i])) / norm(p)).toBeLessThan(1e-7);
      const r = norm(z), t = 0.8;
      const zt = sphericalStep(z, v, t);
      const angle = Math.acos(Math.max(-1, Math.min(1, dot(zt, z) / (r * r))));
      expect(angle).toBeCloseTo(Math.min(t * norm(p) / r, 2 * Math.PI - t * norm(p) / r), 9);
      // In the plane of z and p: no component outside it.
      const pn = norm(p);
      const inPlane = Array.from(zt, (x, i) => x - (dot(zt, z) / (r * r)) * z[i] - (dot(zt, p) / (pn * pn)) * p[i]);
      expect(norm(inPlane)).toBeLessThan(1e-12 * r);
    }
  });

  it('a radial direction does not move z; the path helper stacks rows; z = 0 is refused', () => {
    const z = [3, 4];
    expect(Array.from(sphericalStep(z, [6, 8], 2))).toEqual(z);
    const path = sphericalPath(z, [-4, 3], [0, Math.PI / 2 * 5 / 5]);
    expect(Array.from(path.subarray(0, 2))).toEqual(z);
    expect(path[2]).toBeCloseTo(-4, 12); // quarter turn at speed ‖p‖ = 5 on radius 5 after t = π/2
    expect(path[3]).toBeCloseTo(3, 12);
    expect(() => sphericalStep([0, 0], [1, 0], 1)).toThrow(/z = 0/);
  });
});

describe('eigenvalue-scaled steps', () => {
  it('tᵢ = c/√λᵢ gives the same predicted distance √(tᵢ²·uᵢᵀHuᵢ) = c along every eigenvector', () => {
    const lam = Array.from({ length: 16 }, (_, i) => 10 ** (-i / 3));
    const { a, q } = symmetricWithSpectrum(lam, new Rng(2));
    const c = 0.7;
    const s = eigenScaledSteps(lam, c);
    for (let i = 0; i < 16; i++) {
      const u = q.subarray(i * 16, (i + 1) * 16);
      let uhu = 0;
      for (let r = 0; r < 16; r++) for (let k = 0; k < 16; k++) uhu += u[r] * a[r * 16 + k] * u[k];
      expect(Math.sqrt(s.steps[i] ** 2 * uhu)).toBeCloseTo(c, 10);
      expect(s.predicted[i]).toBeCloseTo(c, 12);
      expect(s.clamped[i]).toBe(0);
    }
  });

  it('guards tiny, zero and negative eigenvalues with a relative floor, and honours maxStep', () => {
    const s = eigenScaledSteps([4, 1, 1e-9, 0, -1e-12], 2);
    expect(s.floor).toBeCloseTo(4e-6, 20);
    expect(Array.from(s.steps.subarray(0, 2))).toEqual([1, 2]);
    expect(s.steps[2]).toBeCloseTo(1000, 9);
    expect(s.steps[3]).toBeCloseTo(1000, 9);
    expect(Array.from(s.clamped)).toEqual([0, 0, 1, 1, 1]);
    expect(s.predicted[2]).toBeLessThan(2);
    expect(s.predicted[4]).toBe(0);
    const capped = eigenScaledSteps([4, 1, 0.01], 2, { maxStep: 5 });
    expect(Array.from(capped.steps)).toEqual([1, 2, 5]);
    expect(Array.from(capped.clamped)).toEqual([0, 0, 1]);
  });
});

describe('subspace traversal (Choi et al. App. I)', () => {
  it('grid rows are z + x·v₁ + y·v₂ with y outer, x inner', () => {
    const g = subspaceGrid([0, 0, 1], [1, 0, 0], [0, 1, 0], [-1, 0, 1], [10, 20]);
    expect(g.length).toBe(18);
    expect(Array.from(g.subarray(0, 3))).toEqual([-1, 10, 1]);
    expect(Array.from(g.subarray(15, 18))).toEqual([1, 20, 1]);
  });
});

describe('W+ layer ranges', () => {
  it('thirds by rounding, every range non-empty for any L', () => {
    expect([layerRange(8, 'coarse'), layerRange(8, 'middle'), layerRange(8, 'fine'), layerRange(8, 'all')]).toEqual([[0, 3], [3, 5], [5, 8], [0, 8]]);
    expect([layerRange(18, 'coarse'), layerRange(18, 'middle'), layerRange(18, 'fine')]).toEqual([[0, 6], [6, 12], [12, 18]]);
    expect([layerRange(1, 'coarse'), layerRange(1, 'middle'), layerRange(1, 'fine')]).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect([layerRange(2, 'coarse'), layerRange(2, 'middle'), layerRange(2, 'fine')]).toEqual([[0, 1], [0, 1], [1, 2]]);
    for (let L = 1; L <= 30; L++) {
      for (const r of ['coarse', 'middle', 'fine'] as const) {
        const [s, e] = layerRange(L, r);
        expect(e).toBeGreaterThan(s);
      }
      if (L >= 3) { // a partition for L ≥ 3
        expect(layerRange(L, 'coarse')[1]).toBe(layerRange(L, 'middle')[0]);
        expect(layerRange(L, 'middle')[1]).toBe(layerRange(L, 'fine')[0]);
      }
    }
    expect(() => layerRange(0, 'all')).toThrow(/positive/);
  });

  it('wplusStep moves only the chosen layers, from a w or a w+ base, with a W or W+ direction', () => {
    const shape = { layers: 4, wDim: 2 };
    expect(Array.from(broadcastToWplus([1, 2], 2))).toEqual([1, 2, 1, 2]);
    expect(Array.from(wplusStep([1, 2], [1, -1], 0.5, shape, 'fine'))).toEqual([1, 2, 1, 2, 1, 2, 1.5, 1.5]);
    expect(Array.from(wplusStep([1, 2], [1, -1], 1, shape, [1, 3]))).toEqual([1, 2, 2, 1, 2, 1, 1, 2]);
    const base = [0, 0, 1, 1, 2, 2, 3, 3];
    const vPlus = [1, 1, 2, 2, 3, 3, 4, 4];
    expect(Array.from(wplusStep(base, vPlus, 1, shape, 'coarse'))).toEqual([1, 1, 1, 1, 2, 2, 3, 3]);
    expect(() => wplusStep([1, 2, 3], [1, 0], 1, shape, 'all')).toThrow(/base has 3/);
    expect(() => wplusStep([1, 2], [1, 0], 1, shape, [2, 9])).toThrow(/not inside/);
  });
});

describe('planeCoordinates', () => {
  it('projects a path relative to its origin onto the first two basis rows (0 where a row is missing)', () => {
    const origin = [1, 1, 1];
    const basis = Float64Array.from([1, 0, 0, 0, 0.6, 0.8]);
    const path = Float64Array.from([1, 1, 1, 3, 2, 3]);
    expect(planeCoordinates(path, 2, origin, basis, 2)).toEqual([[0, 0], [2, 0.6 + 1.6]]);
    expect(planeCoordinates(path, 2, origin, basis, 1)).toEqual([[0, 0], [2, 0]]);
  });
});
