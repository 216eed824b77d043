import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { direction, localBasis, localBasisOfGenerator } from './localBasis';
import { randomOrthogonal } from '../linalg/testing';
import { Rng } from '../util/random';
import { loadGenerator } from '../model/load';
import { memoryFiles } from '../model/files';
import { styleModelFolder } from '../model/testing/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** B = Σ σₖ aₖ bₖᵀ (wDim×zDim) with known orthonormal aₖ ∈ W, bₖ ∈ Z. */
function plantedLinear(wDim: number, zDim: number, sigma: number[], seed: number) {
  const rng = new Rng(seed);
  const a = randomOrthogonal(wDim, rng);
  const b = randomOrthogonal(zDim, rng);
  const B = new Float64Array(wDim * zDim);
  sigma.forEach((s, k) => { for (let i = 0; i < wDim; i++) for (let j = 0; j < zDim; j++) B[i * zDim + j] += s * a[k * wDim + i] * b[k * zDim + j]; });
  const Bt = tf.tensor2d(Float32Array.from(B), [wDim, zDim]).transpose();
  const f = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, Bt as tf.Tensor2D);
  return { a, b, B, f, dispose: () => Bt.dispose() };
}

const absDot = (x: Float64Array, y: Float64Array) => Math.abs(x.reduce((s, xi, i) => s + xi * y[i], 0));

describe('Local Basis (Choi et al. Alg. 1) of a linear mapping f(z) = Bz', () => {
  it.each([
    ['wide W (dW = 9 > dZ = 5)', 9, 5],
    ['narrow W (dW = 4 < dZ = 7)', 4, 7],
  ])('%s: singular values, W and Z directions are the SVD of B', (_name, wDim, zDim) => {
    const r = Math.min(wDim, zDim);
    const sigma = Array.from({ length: r }, (_, k) => 3 / (k + 1));
    const p = plantedLinear(wDim, zDim, sigma, wDim * 10 + zDim);
    const z = new Rng(9).normals(zDim);
    const before = tf.memory().numTensors;
    const lb = localBasis(p.f, z);
    expect(tf.memory().numTensors).toBe(before);
    expect([lb.zDim, lb.wDim, lb.r]).toEqual([zDim, wDim, r]);
    for (let k = 0; k < r; k++) {
      expect(Math.abs(lb.singularValues[k] - sigma[k]) / sigma[k]).toBeLessThan(1e-6); // float32 Jacobian
      expect(absDot(direction(lb.wDirections, k, wDim), p.a.subarray(k * wDim, (k + 1) * wDim))).toBeGreaterThan(1 - 1e-6);
      expect(absDot(direction(lb.zDirections, k, zDim), p.b.subarray(k * zDim, (k + 1) * zDim))).toBeGreaterThan(1 - 1e-6);
      // Signs paired: B uₖ = σₖ vₖ.
      const u = direction(lb.zDirections, k, zDim), v = direction(lb.wDirections, k, wDim);
      for (let i = 0; i < wDim; i++) {
        let bu = 0;
        for (let j = 0; j < zDim; j++) bu += p.B[i * zDim + j] * u[j];
        expect(Math.abs(bu - lb.singularValues[k] * v[i])).toBeLessThan(1e-5);
      }
    }
    // w = f(z) is returned alongside.
    for (let i = 0; i < wDim; i++) {
      let bz = 0;
      for (let j = 0; j < zDim; j++) bz += p.B[i * zDim + j] * z[j];
      expect(lb.w[i]).toBeCloseTo(bz, 4);
    }
    p.dispose();
  });

  it('through the Generator interface (mapZ), refusing models without W', () => {
    const p = plantedLinear(6, 4, [4, 3, 2, 1], 3);
    const g = { zDim: 4, isStyleBased: true, mapZ: (z: tf.Tensor2D) => p.f(z) as tf.Tensor2D };
    const lb = localBasisOfGenerator(g, [0.1, -0.2, 0.3, 0.4]);
    expect(Array.from(lb.singularValues, (s) => Math.round(s * 1e5) / 1e5)).toEqual([4, 3, 2, 1]);
    expect(() => localBasisOfGenerator({ ...g, isStyleBased: false }, [0, 0, 0, 0])).toThrow(/no mapping network/);
    expect(() => localBasisOfGenerator(g, [0, 0])).toThrow(/2 entries/);
    p.dispose();
  });

  it('by forward mode on a loaded style model: the same basis as the double-VJP of mapZ', async () => {
    const g = await loadGenerator(memoryFiles('style fixture', await styleModelFolder()));
    const z = [0.3, -1.1, 0.4, 0.9];
    const forward = localBasisOfGenerator(g, z);
    const reverse = localBasis((x) => g.mapZ(x as tf.Tensor2D), z);
    for (let i = 0; i < forward.r; i++) expect(Math.abs(forward.singularValues[i] - reverse.singularValues[i]) / reverse.singularValues[0]).toBeLessThan(1e-5);
    // The pixel norm of z leaves a null direction (σ₄ ≈ 1e-8), whose vector is arbitrary: compare the others.
    for (let i = 0; i < forward.r && reverse.singularValues[i] > 1e-4 * reverse.singularValues[0]; i++) {
      let dot = 0;
      for (let j = 0; j < forward.wDim; j++) dot += direction(forward.wDirections, i, forward.wDim)[j] * direction(reverse.wDirections, i, reverse.wDim)[j];
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-4);
    }
    g.dispose();
  });
});
