import { describe, expect, it } from 'vitest';
import { eigh } from './eigh';
import { Rng } from '../util/random';

describe('eigh', () => {
  it('recovers a known spectrum: A = Q diag(λ) Qᵀ (to 1e-10)', () => {
    const n = 12;
    const rng = new Rng(9);
    // Orthonormal Q by Gram–Schmidt of a random matrix.
    const q: number[][] = [];
    for (let k = 0; k < n; k++) {
      const v = Array.from({ length: n }, () => rng.normal());
      for (const u of q) { const d = u.reduce((s, x, i) => s + x * v[i], 0); u.forEach((x, i) => (v[i] -= d * x)); }
      const norm = Math.hypot(...v);
      q.push(v.map((x) => x / norm));
    }
    const lambda = Array.from({ length: n }, (_, k) => Math.pow(10, -k / 2)); // 1 … 3e-6: a wide spread, like GAN metrics
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += q[k][i] * lambda[k] * q[k][j];
    const e = eigh(a, n);
    e.values.forEach((v, k) => expect(Math.abs(v - lambda[k])).toBeLessThan(1e-10));
    for (let k = 0; k < 6; k++) {
      const dot = q[k].reduce((s, x, i) => s + x * e.vectors[k * n + i], 0);
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-8);
    }
  });
});
