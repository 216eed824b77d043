import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigh, eighTop, type Eigh } from './eigh';
import { orthonormalityError, symmetricWithSpectrum } from './testing';
import { Rng } from '../util/random';

/** Tolerances of the issue: ‖HV − VΛ‖_F / ‖H‖_F and max |VVᵀ − I|. */
const RESIDUAL = 1e-12;
const ORTHO = 1e-12;

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}

/** ‖A vₖ − λₖ vₖ‖_F over the returned rows, relative to ‖A‖_F (1 for the zero matrix). */
function residual(a: Float64Array, e: Eigh): number {
  const n = e.n, k = e.values.length;
  let sq = 0;
  for (let q = 0; q < k; q++) {
    const v = e.vectors.subarray(q * n, (q + 1) * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      sq += (s - e.values[q] * v[i]) ** 2;
    }
  }
  return Math.sqrt(sq) / (frobenius(a) || 1);
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

function mlMatrixValues(a: Float64Array, n: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  return new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues.sort((x, y) => y - x);
}

function expectDescending(values: Float64Array): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
}

/** Checks every property of the contract and returns the decomposition. */
function checked(a: Float64Array, n: number): Eigh {
  const e = eigh(a, n);
  expect(e.n).toBe(n);
  expect(e.values.length).toBe(n);
  expect(e.vectors.length).toBe(n * n);
  expectDescending(e.values);
  expect(residual(a, e)).toBeLessThanOrEqual(RESIDUAL);
  expect(orthonormalityError(e.vectors, n, n)).toBeLessThanOrEqual(ORTHO);
  return e;
}

/** ‖P − P̂‖_max for the projectors onto span(rows) of two k×n orthonormal bases. */
function projectorDistance(x: Float64Array, y: Float64Array, k: number, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let px = 0, py = 0;
      for (let r = 0; r < k; r++) { px += x[r * n + i] * x[r * n + j]; py += y[r * n + i] * y[r * n + j]; }
      worst = Math.max(worst, Math.abs(px - py));
    }
  }
  return worst;
}

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

  it.each([1, 2, 3, 7, 31, 32, 33, 64, 100, 200])('agrees with ml-matrix on a random symmetric matrix, n = %i', (n) => {
    const a = randomSymmetric(n, 1000 + n);
    const e = checked(a, n);
    const ref = mlMatrixValues(a, n);
    const scale = frobenius(a);
    for (let i = 0; i < n; i++) expect(Math.abs(e.values[i] - ref[i])).toBeLessThanOrEqual(1e-13 * scale);
  });

  it('n = 300 (three levels of divide and conquer): residual and orthogonality ≤ 1e-12', () => {
    checked(randomSymmetric(300, 7), 300);
  });

  it('recovers a wide spectrum 1 … 1e-12 (QΛQᵀ, random orthogonal Q) and its well-separated eigenvectors', () => {
    const n = 150;
    const lambda = Array.from({ length: n }, (_, k) => Math.pow(10, (-12 * k) / (n - 1)) * (k % 3 === 2 ? -1 : 1));
    const { a, q } = symmetricWithSpectrum(lambda, new Rng(11));
    const e = checked(a, n);
    const sorted = [...lambda].sort((x, y) => y - x);
    for (let i = 0; i < n; i++) expect(Math.abs(e.values[i] - sorted[i])).toBeLessThanOrEqual(1e-14);
    // Eigenvectors of the largest pairs (gaps ≥ 0.1·λ₁) to 1e-12.
    for (let k = 0; k < 3; k++) {
      const row = sorted.indexOf(lambda[k]);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[k * n + i] * e.vectors[row * n + i];
      expect(1 - Math.abs(dot)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('resolves repeated and clustered eigenvalues: right values, orthonormal bases of the right eigenspaces', () => {
    const n = 120;
    // Multiplicities 40, 30, 30, plus a cluster of 20 within 1e-13 of each other.
    const lambda = Array.from({ length: n }, (_, k) => (k < 40 ? 3 : k < 70 ? 1 : k < 100 ? -2 : 0.5 + 1e-13 * (k - 100)));
    const { a, q } = symmetricWithSpectrum(lambda, new Rng(12));
    const e = checked(a, n);
    const sorted = [...lambda].sort((x, y) => y - x);
    for (let i = 0; i < n; i++) expect(Math.abs(e.values[i] - sorted[i])).toBeLessThanOrEqual(1e-13);
    // Eigenspace of 3 (rows 0..39 of both) and of −2 (the last 30 rows of e; rows 70..99 of q).
    expect(projectorDistance(e.vectors.subarray(0, 40 * n), q.subarray(0, 40 * n), 40, n)).toBeLessThanOrEqual(1e-12);
    expect(projectorDistance(e.vectors.subarray(90 * n), q.subarray(70 * n, 100 * n), 30, n)).toBeLessThanOrEqual(1e-12);
  });

  it('the zero matrix: all zeros and an orthonormal basis', () => {
    const n = 70;
    const e = checked(new Float64Array(n * n), n);
    expect(Array.from(e.values).every((v) => v === 0)).toBe(true);
  });

  it('n = 1 and n = 0', () => {
    const one = eigh(Float64Array.of(-2.5), 1);
    expect(Array.from(one.values)).toEqual([-2.5]);
    expect(Array.from(one.vectors)).toEqual([1]);
    const none = eigh(new Float64Array(0), 0);
    expect(none.values.length).toBe(0);
    expect(none.vectors.length).toBe(0);
  });

  it('a diagonal matrix: its sorted diagonal, and unit basis vectors', () => {
    const n = 90;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = ((i * 37) % 53) - 20 + i / 1000;
    const e = checked(a, n);
    const diag = Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => y - x);
    expect(Array.from(e.values)).toEqual(diag);
    for (let k = 0; k < n; k++) {
      const row = Array.from(e.vectors.subarray(k * n, (k + 1) * n), Math.abs);
      const at = row.indexOf(1);
      expect(a[at * n + at]).toBe(e.values[k]);
      expect(row.reduce((s, x) => s + x, 0)).toBe(1);
    }
  });

  it('rank-deficient JᵀJ (96×96 of rank 20): λ₁…λ₂₀ = σᵢ², the rest ≈ 0', () => {
    const m = 20, n = 96;
    const rng = new Rng(13);
    const j = Float64Array.from({ length: m * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let t = 0; t < m; t++) s += j[t * n + p] * j[t * n + q];
        a[p * n + q] = s;
      }
    }
    const e = checked(a, n);
    // σᵢ² are the eigenvalues of the small Gram matrix J Jᵀ (20×20).
    const g = new Float64Array(m * m);
    for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) { let s = 0; for (let t = 0; t < n; t++) s += j[p * n + t] * j[q * n + t]; g[p * m + q] = s; }
    const small = eigh(g, m).values;
    for (let i = 0; i < m; i++) expect(Math.abs(e.values[i] - small[i])).toBeLessThanOrEqual(1e-12 * small[0]);
    for (let i = m; i < n; i++) expect(Math.abs(e.values[i])).toBeLessThanOrEqual(1e-13 * small[0]);
  });

  it('the Wilkinson matrix W₄₁⁺ (pairs of eigenvalues equal to 1e-15 and more): residual, orthogonality, values vs ml-matrix', () => {
    const n = 41;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = Math.abs(i - 20);
      if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = 1;
    }
    const e = checked(a, n);
    const ref = mlMatrixValues(a, n);
    for (let i = 0; i < n; i++) expect(Math.abs(e.values[i] - ref[i])).toBeLessThanOrEqual(1e-13 * 20);
  });

  it('a tridiagonal matrix that splits (zero off-diagonals) into blocks of several sizes', () => {
    const n = 160;
    const rng = new Rng(14);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = rng.normal();
      if (i + 1 < n && ![1, 2, 40, 41, 100].includes(i)) a[i * n + i + 1] = a[(i + 1) * n + i] = rng.normal();
    }
    checked(a, n);
  });

  it('is invariant to scale: the same answer for A·2⁻⁵⁰⁰, A, A·1e150 (no over- or underflow)', () => {
    const n = 40;
    const a = randomSymmetric(n, 15);
    const base = eigh(a, n);
    for (const s of [2 ** -500, 1e150]) {
      const e = checked(Float64Array.from(a, (x) => x * s), n);
      for (let i = 0; i < n; i++) expect(Math.abs(e.values[i] / s - base.values[i])).toBeLessThanOrEqual(1e-13 * frobenius(a));
    }
  });

  it('uses the symmetric part (A + Aᵀ)/2 of a slightly asymmetric input', () => {
    const n = 30;
    const a = randomSymmetric(n, 16);
    const skewed = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { skewed[i * n + j] += 1e-9; skewed[j * n + i] -= 1e-9; }
    const x = eigh(a, n), y = eigh(skewed, n);
    for (let i = 0; i < n; i++) expect(y.values[i]).toBeCloseTo(x.values[i], 13);
  });

  it('rejects non-finite entries with a plain message', () => {
    expect(() => eigh(Float64Array.of(1, NaN, NaN, 2), 2)).toThrow(/non-finite/);
    expect(() => eigh(Float64Array.of(1, 0, 0, Infinity), 2)).toThrow(/non-finite/);
  });
});

describe('eighTop', () => {
  function checkTop(a: Float64Array, n: number, k: number): Eigh {
    const full = eigh(a, n);
    const top = eighTop(a, n, k);
    expect(top.values.length).toBe(k);
    expect(top.vectors.length).toBe(k * n);
    expectDescending(top.values);
    expect(residual(a, top)).toBeLessThanOrEqual(RESIDUAL);
    expect(orthonormalityError(top.vectors, k, n)).toBeLessThanOrEqual(ORTHO);
    const scale = frobenius(a);
    for (let i = 0; i < k; i++) expect(Math.abs(top.values[i] - full.values[i])).toBeLessThanOrEqual(1e-13 * scale);
    return top;
  }

  it.each([[1, 1], [5, 2], [64, 10], [200, 32], [257, 32]])('n = %i, k = %i: the top of eigh, to 1e-12', (n, k) => {
    checkTop(randomSymmetric(n, 2000 + n), n, k);
  });

  it('a repeated top eigenvalue (multiplicity 4) and a tight cluster below it: orthonormal, right eigenspace', () => {
    const n = 100;
    const lambda = Array.from({ length: n }, (_, k) => (k < 4 ? 5 : k < 10 ? 4 + 1e-12 * k : 1 - k / n));
    const { a, q } = symmetricWithSpectrum(lambda, new Rng(21));
    const top = checkTop(a, n, 10);
    expect(projectorDistance(top.vectors.subarray(0, 4 * n), q.subarray(0, 4 * n), 4, n)).toBeLessThanOrEqual(1e-12);
  });

  it('a GAN-like metric: rank-deficient JᵀJ with a wide spectrum, top 32', () => {
    const n = 128;
    const lambda = Array.from({ length: n }, (_, k) => (k < 100 ? Math.pow(10, -k / 20) : 0));
    checkTop(symmetricWithSpectrum(lambda, new Rng(22)).a, n, 32);
  });

  it('blocks of a split tridiagonal, and a diagonal matrix with ties', () => {
    const n = 50;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = i % 5; // value 4 ten times
    const top = checkTop(a, n, 12);
    expect(Array.from(top.values)).toEqual([...Array(10).fill(4), 3, 3]);
  });

  it('clamps k to n and allows k = 0', () => {
    const a = randomSymmetric(6, 23);
    expect(eighTop(a, 6, 10).values.length).toBe(6);
    expect(eighTop(a, 6, 0).values.length).toBe(0);
    expect(() => eighTop(a, 6, 1.5)).toThrow(/k must be/);
  });
});
