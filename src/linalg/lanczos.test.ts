import { describe, expect, it } from 'vitest';
import { lanczos } from './lanczos';
import { eigh } from './eigh';
import { denseOperator } from './operator';
import { dot, matvec } from './dense';
import { symmetricWithSpectrum } from './testing';
import { Rng } from '../util/random';

describe('lanczos (full re-orthogonalisation)', () => {
  // n = 200, eigenvalues log-spaced over 6 decades (like a GAN metric), plus a clustered pair at the top.
  const n = 200;
  const lambda = Array.from({ length: n }, (_, i) => 10 ** ((-6 * i) / (n - 1)));
  const { a } = symmetricWithSpectrum(lambda, new Rng(11));
  const ref = eigh(a, n);

  it('top-10 eigenvalues of a wide-spectrum SPD matrix to 1e-8 relative vs eigh (n = 200, Krylov ≤ 60)', async () => {
    const r = await lanczos(denseOperator(a, n), n, { k: 10, krylovDim: 60, tol: 0, exactResiduals: true });
    expect(r.steps).toBe(60);
    expect(r.matvecs).toBe(70);
    for (let i = 0; i < 10; i++) {
      expect(Math.abs(r.values[i] - ref.values[i]) / ref.values[i]).toBeLessThan(1e-8);
      // Eigenvalue error is bounded by the reported residual (symmetric A).
      expect(Math.abs(r.values[i] - ref.values[i])).toBeLessThanOrEqual(r.residuals[i] + 1e-13) // + rounding of eigh itself;
      // Ritz vector aligned with the true eigenvector to ~residual/gap.
      const align = Math.abs(dot(r.vectors.subarray(i * n, (i + 1) * n), ref.vectors.subarray(i * n, (i + 1) * n)));
      expect(1 - align).toBeLessThan(1e-6);
    }
  });

  it('the free residual estimate |β·s_last| matches ‖Ay − θy‖ (to 1e-12 absolute)', async () => {
    const op = denseOperator(a, n);
    const est = await lanczos(op, n, { k: 10, krylovDim: 40, tol: 0 });
    const exact = await lanczos(op, n, { k: 10, krylovDim: 40, tol: 0, exactResiduals: true });
    for (let i = 0; i < 10; i++) {
      expect(Math.abs(est.residuals[i] - exact.residuals[i])).toBeLessThan(1e-12);
      const y = est.vectors.subarray(i * n, (i + 1) * n);
      const ay = matvec(a, y, n, n);
      let r2 = 0;
      for (let t = 0; t < n; t++) r2 += (ay[t] - est.values[i] * y[t]) ** 2;
      expect(Math.abs(Math.sqrt(r2) - est.residuals[i])).toBeLessThan(1e-12);
    }
  });

  it('stops early at tol and accepts an async matvec', async () => {
    const op = denseOperator(a, n);
    let calls = 0;
    const asyncOp = async (v: Float64Array) => { calls++; await Promise.resolve(); return op(v) as Float64Array; };
    const r = await lanczos(asyncOp, n, { k: 3, krylovDim: 80, tol: 1e-6, seed: 5 });
    expect(r.converged).toBe(true);
    expect(r.steps).toBeLessThan(80);
    expect(calls).toBe(r.matvecs);
    for (let i = 0; i < 3; i++) {
      expect(r.residuals[i]).toBeLessThanOrEqual(1e-6 * r.values[0]);
      expect(Math.abs(r.values[i] - ref.values[i])).toBeLessThan(1e-9);
    }
  });

  it('finds every copy of a repeated eigenvalue via restart after an invariant subspace (n = 30, 3 distinct values)', async () => {
    const m = 30;
    const spec = Array.from({ length: m }, (_, i) => (i < 4 ? 5 : i < 10 ? 2 : 1));
    const { a: b } = symmetricWithSpectrum(spec, new Rng(12));
    const r = await lanczos(denseOperator(b, m), m, { k: 6, krylovDim: 30, tol: 1e-10 });
    expect(Array.from(r.values, (v) => Math.round(v * 1e9) / 1e9)).toEqual([5, 5, 5, 5, 2, 2]);
    expect(r.converged).toBe(true);
  });

  it('is reproducible for a seed and honours an abort signal', async () => {
    const op = denseOperator(a, n);
    const r1 = await lanczos(op, n, { k: 2, krylovDim: 20, tol: 0, seed: 3 });
    const r2 = await lanczos(op, n, { k: 2, krylovDim: 20, tol: 0, seed: 3 });
    expect(Array.from(r1.values)).toEqual(Array.from(r2.values));
    const ctl = new AbortController();
    const p = lanczos(op, n, { k: 2, krylovDim: 20, tol: 0, signal: ctl.signal, onProgress: (done) => { if (done === 5) ctl.abort(new Error('cancelled')); } });
    await expect(p).rejects.toThrow('cancelled');
  });
});
