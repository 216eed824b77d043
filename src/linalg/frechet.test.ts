import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { fitGaussian, frechetDistance, sqrtmSymmetric } from './frechet';
import { Rng } from '../util/random';

const randn = (rng: Rng, n: number) => new Matrix(Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal())));

describe('Fréchet distance', () => {
  it('is ‖Δμ‖² + Σ(σ₁ − σ₂)² for diagonal covariances (closed form)', () => {
    const a = { mean: Float64Array.from([0, 1, 2]), cov: Matrix.diag([1, 4, 9]) };
    const b = { mean: Float64Array.from([1, 1, 0]), cov: Matrix.diag([4, 4, 1]) };
    expect(frechetDistance(a, b)).toBeCloseTo(1 + 4 + (1 - 2) ** 2 + 0 + (3 - 1) ** 2, 10);
  });

  it('is 0 for identical Gaussians and symmetric for full covariances', () => {
    const rng = new Rng(1);
    const A = randn(rng, 4);
    const B = randn(rng, 4);
    const g1 = { mean: Float64Array.from([1, 2, 3, 4]), cov: A.mmul(A.transpose()) };
    const g2 = { mean: Float64Array.from([0, 2, 1, 4]), cov: B.mmul(B.transpose()).add(Matrix.eye(4)) };
    expect(Math.abs(frechetDistance(g1, g1))).toBeLessThan(1e-9);
    expect(frechetDistance(g1, g2)).toBeCloseTo(frechetDistance(g2, g1), 8);
    expect(frechetDistance(g1, g2)).toBeGreaterThan(0);
  });

  it('sqrtm squares back to the matrix', () => {
    const rng = new Rng(2);
    const A = randn(rng, 5);
    const S = A.mmul(A.transpose());
    const R = sqrtmSymmetric(S);
    expect(R.mmul(R).sub(S).norm()).toBeLessThan(1e-9 * S.norm());
  });

  it('fits mean and unbiased covariance', () => {
    const g = fitGaussian([1, 2, 3, 6, 5, 10], 3, 2);
    expect(Array.from(g.mean)).toEqual([3, 6]);
    expect(g.cov.get(0, 0)).toBeCloseTo(4, 12);
    expect(g.cov.get(1, 1)).toBeCloseTo(16, 12);
    expect(g.cov.get(0, 1)).toBeCloseTo(8, 12);
  });
});
