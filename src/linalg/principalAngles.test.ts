import { describe, expect, it } from 'vitest';
import { grassmannGeodesicDistance, grassmannProjectionDistance, principalAngles } from './principalAngles';
import { matmul, transpose } from './dense';
import { orthonormalise } from './orthonormalise';
import { singularValues } from './svd';
import { randomOrthogonal } from './testing';
import { Rng } from '../util/random';

/**
 * Two k-dim subspaces of Rⁿ (2k ≤ n) with prescribed principal angles: span(e_1…e_k) and
 * span(cos θ_i e_i + sin θ_i e_{k+i}) — each basis vector rotated by θ_i in its own plane, the planes
 * mutually orthogonal — then both rotated by one random orthogonal R and each basis mixed by a random
 * (non-orthogonal) k×k matrix, so neither basis is orthonormal or axis-aligned.
 */
function subspacesWithAngles(theta: number[], n: number, seed: number) {
  const k = theta.length;
  const rng = new Rng(seed);
  const r = randomOrthogonal(n, rng); // rows r_0…r_{n−1} orthonormal
  const a = new Float64Array(k * n);
  const b = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let t = 0; t < n; t++) {
      a[i * n + t] = r[i * n + t];
      b[i * n + t] = Math.cos(theta[i]) * r[i * n + t] + Math.sin(theta[i]) * r[(k + i) * n + t];
    }
  }
  const mix = () => Float64Array.from({ length: k * k }, (_, j) => rng.normal() + (j % (k + 1) === 0 ? 2 : 0));
  return { a: matmul(mix(), a, k, k, n), b: matmul(mix(), b, k, k, n) };
}

describe('principal angles', () => {
  it('recovers prescribed angles to 1e-10, including 1e-7 and angles within 1e-7 of π/2', () => {
    const theta = [0, 1e-7, 1e-4, 0.3, Math.PI / 4, 1.2, Math.PI / 2 - 1e-7, Math.PI / 2];
    const n = 20;
    const { a, b } = subspacesWithAngles(theta, n, 1);
    const got = principalAngles(a, b, theta.length, n);
    const want = [...theta].sort((x, y) => x - y);
    for (let i = 0; i < theta.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-10);
    // Relative accuracy survives at small angles: 1e-7 recovered to ~1e-9 relative, not the ~10 % of arccos.
    expect(Math.abs(got[1] - 1e-7) / 1e-7).toBeLessThan(1e-6);
  });

  it('resolves θ = 1e-9, which the naive arccos of σ(Q₂Q₁ᵀ) (as in the Local Basis code) rounds away', () => {
    const { a, b } = subspacesWithAngles([1e-9, 0.5], 6, 2);
    const got = principalAngles(a, b, 2, 6);
    expect(Math.abs(got[0] - 1e-9)).toBeLessThan(1e-15);
    const q1 = orthonormalise(a, 2, 6).q;
    const q2 = orthonormalise(b, 2, 6).q;
    const naive = Array.from(singularValues(matmul(q2, transpose(q1, 2, 6), 2, 6, 2), 2, 2), (c) => Math.acos(Math.min(1, c)));
    expect(Math.abs(naive[0] - 1e-9)).toBeGreaterThan(1e-10); // cos(1e-9) = 1 − 5e-19 is 1 in float64
  });

  it('angles of a subspace with itself (different bases) are 0 to 1e-14; k = n gives zeros', () => {
    const { a } = subspacesWithAngles([0.1, 0.2, 0.3], 7, 3);
    const rng = new Rng(4);
    const m = Float64Array.from({ length: 9 }, () => rng.normal());
    const same = principalAngles(a, matmul(m, a, 3, 3, 7), 3, 7);
    for (const t of same) expect(t).toBeLessThan(1e-14);
    const full = principalAngles(randomOrthogonal(4, rng), Float64Array.from({ length: 16 }, () => rng.normal()), 4, 4);
    for (const t of full) expect(t).toBeLessThan(1e-14); // k = n: both span Rⁿ
  });

  it('throws on a rank-deficient basis', () => {
    const a = Float64Array.from([1, 0, 0, 2, 0, 0]);
    const b = Float64Array.from([1, 0, 0, 0, 1, 0]);
    expect(() => principalAngles(a, b, 2, 3)).toThrow(/spans only 1 of 2/);
  });
});

describe('Grassmannian distances (Choi et al. Eq. 13–14)', () => {
  const theta = [0.05, 0.4, 1.1, 1.5];
  const n = 12;
  const k = theta.length;
  const { a, b } = subspacesWithAngles(theta, n, 5);

  it('geodesic distance is ‖θ‖₂ (to 1e-12)', () => {
    expect(grassmannGeodesicDistance(a, b, k, n)).toBeCloseTo(Math.hypot(...theta), 12);
  });

  it('projection distance: spectral = sin θ_max = ‖P₁ − P₂‖₂ (explicit projectors), Frobenius = √2‖sin θ‖₂ = ‖P₁ − P₂‖_F', () => {
    // Explicit projectors P = QᵀQ from the orthonormal bases (before any mixing), compared with the closed forms.
    const rng = new Rng(6);
    const r = randomOrthogonal(n, rng);
    const q1 = r.slice(0, k * n);
    const q2 = new Float64Array(k * n);
    for (let i = 0; i < k; i++) for (let t = 0; t < n; t++) q2[i * n + t] = Math.cos(theta[i]) * r[i * n + t] + Math.sin(theta[i]) * r[(k + i) * n + t];
    const proj = (q: Float64Array) => { const p = new Float64Array(n * n); for (let i = 0; i < k; i++) for (let s = 0; s < n; s++) for (let t = 0; t < n; t++) p[s * n + t] += q[i * n + s] * q[i * n + t]; return p; };
    const p1 = proj(q1);
    const p2 = proj(q2);
    const diff = p1.map((x, i) => x - p2[i]);
    const spectral = singularValues(diff, n, n)[0];
    const frob = Math.sqrt(diff.reduce((s, x) => s + x * x, 0));
    expect(grassmannProjectionDistance(q1, q2, k, n)).toBeCloseTo(spectral, 12);
    expect(grassmannProjectionDistance(a, b, k, n)).toBeCloseTo(Math.sin(1.5), 12);
    expect(grassmannProjectionDistance(a, b, k, n, { norm: 'frobenius' })).toBeCloseTo(frob, 12);
    expect(frob).toBeCloseTo(Math.SQRT2 * Math.hypot(...theta.map(Math.sin)), 12);
  });
});
