/**
 * Hutchinson's stochastic trace estimator: tr(B) = E[vᵀ B v] for any probe distribution with
 * E[v vᵀ] = I, here B = f(A) given only through products v ↦ f(A) v (for the log-det, the Chebyshev
 * recurrence of chebyshev.ts). Each probe gives one unbiased sample; we return their mean and its
 * standard error s/√p (s the sample standard deviation), so every trace comes with its own error bar.
 *
 * Probes: Rademacher (entries ±1, the default, as in Ramesh & LeCun) has the smallest variance,
 * 2(‖B‖_F² − Σ B_ii²) per probe, because the diagonal contributes no noise; Gaussian probes give
 * 2‖B‖_F². Probes are drawn from src/util/random.ts's Rng so a seed reproduces the estimate everywhere.
 */
import { dot } from './dense';
import { applyOperator, type Cancellable, type MatVec } from './operator';
import { Rng } from '../util/random';

export type ProbeDistribution = 'rademacher' | 'gaussian';

export interface HutchinsonOptions extends Cancellable {
  /** Number of probe vectors. Default 30. */
  probes?: number;
  /** Default 'rademacher'. */
  distribution?: ProbeDistribution;
  /** Default 0. */
  seed?: number;
  /** Called after each probe with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface TraceEstimate {
  mean: number;
  /** Sample standard deviation / √probes; NaN for a single probe (no spread to measure). */
  stdError: number;
  probes: number;
  /** vᵀ B v for each probe, in order. */
  samples: Float64Array;
}

/** Fills `out` with one probe vector. */
export function drawProbe(rng: Rng, out: Float64Array, distribution: ProbeDistribution): void {
  if (distribution === 'rademacher') for (let i = 0; i < out.length; i++) out[i] = rng.next() < 0.5 ? -1 : 1;
  else for (let i = 0; i < out.length; i++) out[i] = rng.normal();
}

/** Mean and standard error of samples (two-pass: the one-pass formula cancels badly when mean ≫ spread). */
export function meanAndStdError(samples: Float64Array): { mean: number; stdError: number } {
  const p = samples.length;
  let mean = 0;
  for (const s of samples) mean += s;
  mean /= p;
  if (p < 2) return { mean, stdError: NaN };
  let ss = 0;
  for (const s of samples) ss += (s - mean) ** 2;
  return { mean, stdError: Math.sqrt(ss / (p - 1) / p) };
}

export async function hutchinson(apply: MatVec, n: number, opts: HutchinsonOptions = {}): Promise<TraceEstimate> {
  const probes = opts.probes ?? 30;
  if (!(probes >= 1) || !Number.isInteger(probes)) throw new Error(`hutchinson: probes must be a positive integer, got ${probes}`);
  const distribution = opts.distribution ?? 'rademacher';
  const rng = new Rng(opts.seed ?? 0);
  const samples = new Float64Array(probes);
  const v = new Float64Array(n);
  for (let j = 0; j < probes; j++) {
    drawProbe(rng, v, distribution);
    const w = await applyOperator(apply, v, opts.signal);
    samples[j] = dot(v, w);
    opts.onProgress?.(j + 1, probes);
  }
  return { ...meanAndStdError(samples), probes, samples };
}
