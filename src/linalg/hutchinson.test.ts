import { describe, expect, it } from 'vitest';
import { hutchinson, meanAndStdError, type ProbeDistribution } from './hutchinson';
import { denseOperator } from './operator';
import { Rng } from '../util/random';

describe('hutchinson trace estimator', () => {
  // A fixed symmetric 30×30 matrix with a known trace and known per-probe variances:
  // Rademacher 2(‖A‖_F² − Σ A_ii²), Gaussian 2‖A‖_F².
  const n = 30;
  const rng = new Rng(31);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal() + (i === j ? 3 : 0);
  let trace = 0;
  let fro2 = 0;
  let diag2 = 0;
  for (let i = 0; i < n; i++) { trace += a[i * n + i]; diag2 += a[i * n + i] ** 2; }
  for (const x of a) fro2 += x * x;
  const op = denseOperator(a, n);

  it.each<[ProbeDistribution, number]>([
    ['rademacher', 2 * (fro2 - diag2)],
    ['gaussian', 2 * fro2],
  ])('%s: unbiased, and the reported standard error matches the spread over 300 seeds (to 15 %%)', async (distribution, variance) => {
    const probes = 10;
    const seeds = 300;
    const means: number[] = [];
    let reported = 0;
    for (let s = 0; s < seeds; s++) {
      const r = await hutchinson(op, n, { probes, distribution, seed: s });
      means.push(r.mean);
      reported += r.stdError ** 2;
    }
    const { mean, stdError } = meanAndStdError(Float64Array.from(means));
    const empiricalSd = stdError * Math.sqrt(seeds); // spread of the per-seed estimates
    const theorySd = Math.sqrt(variance / probes);
    const reportedSd = Math.sqrt(reported / seeds); // RMS of the per-seed reported standard errors
    expect(Math.abs(mean - trace)).toBeLessThan(3 * stdError); // unbiased: grand mean within 3 SE of tr A
    expect(Math.abs(empiricalSd / theorySd - 1)).toBeLessThan(0.15);
    expect(Math.abs(reportedSd / theorySd - 1)).toBeLessThan(0.15);
  });

  it('is exact with Rademacher probes on a diagonal matrix (zero variance), and reproducible per seed', async () => {
    const d = Float64Array.from({ length: 5 }, (_, i) => i + 1);
    const diag = (v: Float64Array) => v.map((x, i) => d[i] * x);
    const r = await hutchinson(diag, 5, { probes: 4 });
    expect(r.mean).toBe(15);
    expect(r.stdError).toBe(0);
    const r1 = await hutchinson(op, n, { probes: 5, seed: 9, distribution: 'gaussian' });
    const r2 = await hutchinson(op, n, { probes: 5, seed: 9, distribution: 'gaussian' });
    expect(Array.from(r1.samples)).toEqual(Array.from(r2.samples));
  });

  it('reports NaN standard error for one probe and rejects a bad probe count', async () => {
    const r = await hutchinson(op, n, { probes: 1 });
    expect(r.stdError).toBeNaN();
    await expect(hutchinson(op, n, { probes: 0 })).rejects.toThrow(/probes/);
  });
});
