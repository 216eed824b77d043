/**
 * The averaged metric H̄ = (1/P) Σⱼ H(zⱼ) and its eigenbasis as a GLOBAL basis (Wang & Ponce, end of
 * §"Global Metric Structure": "the notion of a 'global' Hessian makes sense, and we estimated it for each
 * latent space by averaging the Hessian matrices at different locations"; A.7: "we picked the simplest
 * [average]: averaging the metric tensors element by element"; the authors' `average_H` does exactly this).
 *
 * Why element-wise: H̄ is then the metric of the expected squared distance, E_z[d²(z, z + δ)] ≈ δᵀH̄δ, so
 * its top eigenvectors are the directions that change images most ON AVERAGE over the sampled positions.
 * (Riemannian means of SPD matrices exist but answer a different question and break on the rank-deficient
 * H = JᵀJ of a generator with more latents than image degrees of freedom.) Homogeneity (C^H near 1,
 * homogeneity.ts) is what licenses using H̄'s basis far from the sampled positions.
 */
import { eigh } from '../linalg/eigh';
import { metricMatrix, metricSize, type MetricInput } from './spectrum';

/** Running element-wise mean (Welford-free: the sum of ≤ thousands of O(1)-scaled matrices loses nothing in float64). */
export class MetricAccumulator {
  private sum: Float64Array | null = null;
  private n = 0;
  private samples = 0;

  add(h: MetricInput): void {
    const dense = metricMatrix(h);
    const n = metricSize(h);
    if (this.sum === null) { this.sum = new Float64Array(n * n); this.n = n; }
    if (n !== this.n) throw new Error(`MetricAccumulator: metric of size ${n} after ${this.n}`);
    for (let i = 0; i < dense.length; i++) this.sum[i] += dense[i];
    this.samples++;
  }

  get count(): number {
    return this.samples;
  }

  /** The mean so far (a copy), symmetrised. */
  mean(): Float64Array {
    if (this.sum === null) throw new Error('MetricAccumulator: no metrics added');
    const n = this.n, m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = 0.5 * (this.sum[i * n + j] + this.sum[j * n + i]) / this.samples;
    return m;
  }

  result(): AverageMetric {
    const mean = this.mean();
    const e = eigh(mean, this.n);
    return { mean, n: this.n, count: this.samples, eigenvalues: e.values, eigenvectors: e.vectors };
  }
}

export interface AverageMetric {
  /** H̄, n×n row-major. */
  mean: Float64Array;
  n: number;
  /** Number of metrics averaged. */
  count: number;
  /** Descending eigenvalues of H̄. */
  eigenvalues: Float64Array;
  /** Row k: unit eigenvector of eigenvalues[k] — the global basis, best first. */
  eigenvectors: Float64Array;
}

export function averageMetric(metrics: Iterable<MetricInput>): AverageMetric {
  const acc = new MetricAccumulator();
  for (const h of metrics) acc.add(h);
  return acc.result();
}

/** Top-k rows of the averaged metric's eigenbasis (k×n), the global basis a slider panel uses. */
export function globalBasisFromAverage(avg: AverageMetric, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1 || k > avg.n) throw new Error(`globalBasisFromAverage: k must be in 1…${avg.n}, got ${k}`);
  return avg.eigenvectors.slice(0, k * avg.n);
}

/**
 * How much of a local metric's action a k-dimensional orthonormal basis B (k×n rows) captures:
 * tr(B H Bᵀ)/tr(H) = Σ_b bᵀHb / Σλ — the fraction of the expected squared image change under isotropic
 * latent noise that lies in span(B). The local eigenbasis attains the maximum Σ_{i≤k} λᵢ/Σλ, so the ratio of
 * the two says how well a global basis serves this position.
 */
export function capturedFraction(basis: Float64Array, k: number, h: MetricInput): number {
  const dense = metricMatrix(h);
  const n = metricSize(h);
  if (basis.length !== k * n) throw new Error(`capturedFraction: basis has ${basis.length} entries, expected ${k}×${n}`);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += dense[i * n + i];
  let captured = 0;
  for (let r = 0; r < k; r++) {
    const b = basis.subarray(r * n, (r + 1) * n);
    for (let i = 0; i < n; i++) {
      let hb = 0;
      for (let j = 0; j < n; j++) hb += dense[i * n + j] * b[j];
      captured += b[i] * hb;
    }
  }
  return trace > 0 ? captured / trace : NaN;
}
