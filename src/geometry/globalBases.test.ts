import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ganspaceFromActivations, ganspaceW, ganspaceZ, latentWeights, pca, sefa, sefaFromWeight } from './globalBases';
import { svd } from '../linalg/svd';
import { randomOrthogonal } from '../linalg/testing';
import { denseGenerator, styleSynthesis } from '../model/testing/fixtures';
import { Rng } from '../util/random';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const absDot = (x: ArrayLike<number>, y: ArrayLike<number>) => Math.abs(Array.from(x).reduce((s, v, i) => s + v * y[i], 0));
const row = (a: Float64Array, i: number, d: number) => a.subarray(i * d, (i + 1) * d);

/** count samples mean + Σ sₖ gₖ qₖ (+ isotropic noise), qₖ the rows of a random orthogonal matrix. */
function planted(count: number, dim: number, s: number[], noise: number, seed: number) {
  const rng = new Rng(seed);
  const q = randomOrthogonal(dim, rng);
  const mean = Array.from({ length: dim }, () => rng.uniform(-3, 3));
  const x = new Float64Array(count * dim);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < dim; i++) x[t * dim + i] = mean[i] + noise * rng.normal();
    s.forEach((sk, k) => { const g = sk * rng.normal(); for (let i = 0; i < dim; i++) x[t * dim + i] += g * q[k * dim + i]; });
  }
  return { x, q, mean };
}

describe('PCA (GANSpace core)', () => {
  // Measured (N = 4000, d = 10, s = 5, 3, 2): |cos| to the planted axes 0.99999, 0.99998, 0.99999 and
  // variance/sₖ² = 0.999, 0.992, 1.025 — the sampling error of 4000 draws.
  it('covariance path (N > d) recovers planted axes, variances and the mean', () => {
    const s = [5, 3, 2];
    const p = planted(4000, 10, s, 0, 1);
    const r = pca(p.x, 4000, 10, 3);
    for (let k = 0; k < 3; k++) {
      expect(absDot(row(r.components, k, 10), row(p.q, k, 10))).toBeGreaterThan(0.999);
      expect(Math.abs(r.variances[k] / s[k] ** 2 - 1)).toBeLessThan(0.05);
      // Sign convention: the largest-magnitude entry of each direction is positive.
      const c = Array.from(row(r.components, k, 10));
      expect(c.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0)).toBeGreaterThan(0);
    }
    expect(Math.abs(r.mean[0] - p.mean[0])).toBeLessThan(0.2);
    expect(r.totalVariance).toBeCloseTo(r.variances.reduce((a, b) => a + b, 0), 8); // rank 3 data
  });

  // With only 60 draws the sample covariance of the three planted coordinates is not diagonal, so the
  // principal axes are legitimately rotated within the planted span (|cos| 0.969, 0.971, 0.996 measured):
  // the exact check is against the SVD of the centred data, and the span.
  it('Gram path (N < d) equals the SVD of the centred data and spans the planted subspace', () => {
    const count = 60, dim = 300;
    const p = planted(count, dim, [5, 3, 2], 0, 2);
    const r = pca(p.x, count, dim, 3);
    const centred = Float64Array.from(p.x, (v, t) => v - r.mean[t % dim]);
    const ref = svd(centred, count, dim);
    for (let k = 0; k < 3; k++) {
      expect(absDot(row(r.components, k, dim), row(ref.right, k, dim))).toBeCloseTo(1, 9);
      expect(r.variances[k]).toBeCloseTo(ref.values[k] ** 2 / (count - 1), 8);
      const c = row(r.components, k, dim);
      const inSpan = [0, 1, 2].reduce((acc, j) => acc + absDot(c, row(p.q, j, dim)) ** 2, 0);
      expect(inSpan).toBeCloseTo(1, 9);
    }
  });

  it('rejects bad shapes and k', () => {
    expect(() => pca(new Float64Array(10), 3, 3, 1)).toThrow(/expected 3×3/);
    expect(() => pca(new Float64Array(9), 3, 3, 3)).toThrow(/k must be in 1…2/);
  });
});

describe('GANSpace in Z: PCA of first-layer activations regressed to the latent', () => {
  it('for a linear layer y = Bz the latent directions are the right singular vectors of B', () => {
    const n = 6, D = 40, count = 3000;
    const rng = new Rng(1);
    const U = randomOrthogonal(D, rng), V = randomOrthogonal(n, rng);
    const sigma = [8, 4, 2, 1, 0.5, 0.25];
    const act = (z: Float64Array, c: number) => {
      const y = new Float64Array(c * D);
      for (let t = 0; t < c; t++) sigma.forEach((s, k) => {
        let vz = 0;
        for (let j = 0; j < n; j++) vz += V[k * n + j] * z[t * n + j];
        for (let i = 0; i < D; i++) y[t * D + i] += s * vz * U[k * D + i] + 0.7; // + a constant offset (bias)
      });
      return y;
    };
    const z1 = Float64Array.from(rng.normals(count * n)), z2 = Float64Array.from(rng.normals(count * n));
    const b = ganspaceFromActivations({ activations: act(z1, count), count, dim: D }, { activations: act(z2, count), latents: z2, count }, n, 3);
    expect([b.method, b.space, b.dim, b.k]).toEqual(['ganspace', 'z', n, 3]);
    for (let k = 0; k < 3; k++) expect(absDot(row(b.directions, k, n), row(V, k, n))).toBeGreaterThan(0.99);
  });
});

describe('SeFa', () => {
  it('raw (normaliseUnits: false), from a known weight W = P Σ Qᵀ [in×out]: directions are the right singular vectors of A = Wᵀ (P), values σ²', () => {
    const inDim = 5, outDim = 8;
    const rng = new Rng(2);
    const P = randomOrthogonal(inDim, rng), Q = randomOrthogonal(outDim, rng);
    const sigma = [3, 2, 1.5, 1, 0.1];
    const w = new Float64Array(inDim * outDim);
    sigma.forEach((s, k) => { for (let i = 0; i < inDim; i++) for (let j = 0; j < outDim; j++) w[i * outDim + j] += s * P[k * inDim + i] * Q[k * outDim + j]; });
    const b = sefaFromWeight(w, inDim, outDim, 5, { normaliseUnits: false });
    for (let k = 0; k < 5; k++) {
      expect(absDot(row(b.directions, k, inDim), row(P, k, inDim))).toBeCloseTo(1, 10);
      expect(b.values[k]).toBeCloseTo(sigma[k] ** 2, 10);
    }
    expect(b.explained.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('default (official per-unit normalisation): the eigenvectors of AᵀA for the column-normalised W, by an independent float64 eigensolver', () => {
    // Independent oracle: W's columns (output units) normalised here, WWᵀ formed and decomposed by
    // ml-matrix (EISPACK tred2/tql2), not by linalg/eigh. Column scales spread over 3 decades, so the
    // normalisation changes the answer: the raw SeFa directions must differ from the oracle's.
    const inDim = 6, outDim = 40;
    const rng = new Rng(11);
    const w = Float64Array.from({ length: inDim * outDim }, (_, t) => rng.normal() * 10 ** (3 * ((t % outDim) / outDim) - 1.5) * (1 + (Math.floor(t / outDim) === 2 ? 2 : 0)));
    const wn = Matrix.zeros(inDim, outDim);
    for (let j = 0; j < outDim; j++) {
      let s = 0;
      for (let i = 0; i < inDim; i++) s += w[i * outDim + j] ** 2;
      for (let i = 0; i < inDim; i++) wn.set(i, j, w[i * outDim + j] / Math.sqrt(s));
    }
    const e = new EigenvalueDecomposition(wn.mmul(wn.transpose()), { assumeSymmetric: true });
    const order = e.realEigenvalues.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
    const b = sefaFromWeight(w, inDim, outDim, inDim);
    const raw = sefaFromWeight(w, inDim, outDim, inDim, { normaliseUnits: false });
    let rawWorst = 1;
    order.forEach(([value, i], r) => {
      const v = e.eigenvectorMatrix.getColumn(i);
      expect(b.values[r]).toBeCloseTo(value, 10);
      expect(absDot(row(b.directions, r, inDim), v)).toBeCloseTo(1, 9);
      rawWorst = Math.min(rawWorst, absDot(row(raw.directions, r, inDim), v));
    });
    expect(rawWorst).toBeLessThan(0.99);
    // Σλ = trace(WWᵀ) = number of unit columns.
    expect(order.reduce((s, [v]) => s + v, 0)).toBeCloseTo(outDim, 9);
  });

  it('on a z-space network: finds the first dense kernel, and agrees with GANSpace-in-Z on the same layer', () => {
    const model = denseGenerator({ zDim: 4, size: 4, channels: 3 });
    const fc = model.getLayer('fc');
    const rng = new Rng(3);
    const P = randomOrthogonal(4, rng), Q = randomOrthogonal(48, rng);
    const sigma = [4, 2, 1, 0.5];
    const k = new Float32Array(4 * 48);
    sigma.forEach((s, r) => { for (let i = 0; i < 4; i++) for (let j = 0; j < 48; j++) k[i * 48 + j] += s * P[r * 4 + i] * Q[r * 48 + j]; });
    fc.setWeights([tf.tensor2d(k, [4, 48]), tf.zeros([48])]);
    const lw = latentWeights(model);
    expect(lw.map((w) => [w.layer, w.inDim, w.outDim])).toEqual([['fc', 4, 48]]);
    const b = sefa(model, { k: 4, normaliseUnits: false });
    expect(b.space).toBe('z');
    for (let r = 0; r < 4; r++) {
      expect(absDot(row(b.directions, r, 4), row(P, r, 4))).toBeGreaterThan(1 - 1e-6);
      expect(b.values[r]).toBeCloseTo(sigma[r] ** 2, 4);
    }
    const sampler = { zDim: 4, samplePrior: (seed: number, count: number) => new Rng(seed).normals(count * 4) };
    const g = ganspaceZ(sampler, model, { k: 2, samples: 400 });
    expect(g.notes[0]).toMatch(/layer 'fc'/);
    for (let r = 0; r < 2; r++) expect(absDot(row(g.directions, r, 4), row(P, r, 4))).toBeGreaterThan(0.99);
    model.dispose();
  });

  it('on a style synthesis network: the ModConv2D affines by style index; first, a range, or chosen layers', () => {
    const model = styleSynthesis({ wDim: 6, styleLayers: 3 });
    const lw = latentWeights(model);
    expect(lw.map((w) => [w.layer, w.styleIndex, w.inDim, w.outDim])).toEqual([['conv4', 0, 6, 8], ['conv8', 1, 6, 8], ['to_rgb', 2, 6, 8]]);
    const rng = new Rng(4);
    const P = randomOrthogonal(6, rng), Q = randomOrthogonal(8, rng);
    const aff = new Float32Array(6 * 8);
    [5, 4, 3, 2, 1, 0.5].forEach((s, r) => { for (let i = 0; i < 6; i++) for (let j = 0; j < 8; j++) aff[i * 8 + j] += s * P[r * 6 + i] * Q[r * 8 + j]; });
    const conv4 = model.getLayer('conv4');
    conv4.setWeights(conv4.getWeights().map((w, i) => (conv4.weights[i].originalName.endsWith('/affine') ? tf.tensor2d(aff, [6, 8]) : w)));
    const first = sefa(model, { k: 3, normaliseUnits: false });
    expect(first.space).toBe('w');
    expect(first.notes[0]).toMatch(/conv4 \[6×8\]/);
    for (let r = 0; r < 3; r++) expect(absDot(row(first.directions, r, 6), row(P, r, 6))).toBeGreaterThan(1 - 1e-6);
    expect(first.values[0]).toBeCloseTo(25 / 6, 4); // σ² scaled by ModConv2D's run-time 1/√wDim, squared
    expect(sefa(model, { k: 2, layers: 'fine' }).notes[0]).toMatch(/to_rgb/);
    expect(sefa(model, { k: 2, layers: [0, 2] }).notes[0]).toMatch(/conv4 .*to_rgb/);
    expect(sefa(model, { k: 2, layers: 'all' }).notes[0]).toMatch(/conv4.*conv8.*to_rgb/);
    expect(() => sefa(model, { k: 2, layers: [7] })).toThrow(/no style layer/);
    model.dispose();
  });
});

describe('GANSpace in W', () => {
  it('PCA of mapZ samples recovers the planted W axes of a linear mapping', () => {
    const zDim = 4, wDim = 7;
    const rng = new Rng(5);
    const U = randomOrthogonal(wDim, rng);
    const B = new Float32Array(zDim * wDim); // w = z·B, B = Σ sₖ eₖ uₖᵀ
    [3, 2, 1, 0.5].forEach((s, k) => { for (let i = 0; i < wDim; i++) B[k * wDim + i] = s * U[k * wDim + i]; });
    const Bt = tf.tensor2d(B, [zDim, wDim]);
    const gen = {
      zDim, isStyleBased: true,
      samplePrior: (seed: number, count: number) => new Rng(seed).normals(count * zDim),
      mapZ: (z: tf.Tensor2D) => tf.matMul(z, Bt) as tf.Tensor2D,
    };
    const b = ganspaceW(gen, { k: 3, samples: 3000 });
    expect([b.space, b.dim]).toEqual(['w', wDim]);
    for (let k = 0; k < 3; k++) expect(absDot(row(b.directions, k, wDim), row(U, k, wDim))).toBeGreaterThan(0.995);
    expect(() => ganspaceW({ ...gen, isStyleBased: false }, { k: 1 })).toThrow(/no W space/);
    Bt.dispose();
  });
});
