/**
 * Fréchet distance between two Gaussians fitted to feature sets (the "FID" recipe, in any feature space):
 *   d² = ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2 tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}).
 * The symmetric form keeps every square root of a symmetric PSD matrix, so eigh suffices (float64).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface Gaussian {
  mean: Float64Array;
  cov: Matrix;
}

/** Mean and (n−1)-normalised covariance of `count` row vectors of length `dim`. */
export function fitGaussian(features: ArrayLike<number>, count: number, dim: number): Gaussian {
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const centred = new Matrix(count, dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) centred.set(i, j, features[i * dim + j] - mean[j]);
  const cov = centred.transpose().mmul(centred).div(Math.max(1, count - 1));
  return { mean, cov };
}

/** Square root of a symmetric PSD matrix via its eigen-decomposition (negative round-off clipped to 0). */
export function sqrtmSymmetric(a: Matrix): Matrix {
  const sym = a.add(a.transpose()).div(2);
  const eig = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const d = eig.realEigenvalues.map((x) => Math.sqrt(Math.max(0, x)));
  return v.mmul(Matrix.diag(d)).mmul(v.transpose());
}

export function frechetDistance(a: Gaussian, b: Gaussian): number {
  let meanTerm = 0;
  for (let j = 0; j < a.mean.length; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  const s1h = sqrtmSymmetric(a.cov);
  const inner = s1h.mmul(b.cov).mmul(s1h);
  const cross = sqrtmSymmetric(inner).trace();
  return meanTerm + a.cov.trace() + b.cov.trace() - 2 * cross;
}
