/**
 * Chebyshev approximation of a scalar function on [a, b], its application to a symmetric operator by
 * the three-term recurrence, and the stochastic log-determinant of Ramesh & LeCun ("Backpropagation
 * for implicit spectral densities", Algorithm 1, Eq. 4–7), which combines the two with Hutchinson.
 *
 * Approximation: p_m(x) = Σ_{i≤m} c_i T_i(ϕ⁻¹(x)), ϕ: [−1, 1] → [a, b] affine (Eq. 6), with c_i from the
 * m+1 Chebyshev–Gauss nodes x_j = cos(π(j + ½)/(m + 1)) (the paper's formula after Eq. 4): p_m then
 * interpolates f at the mapped nodes, which is within a factor ~(2 + (2/π) ln m) of the best uniform
 * polynomial approximation, and converges geometrically for f analytic on [a, b] — for ln on [µ, ν]
 * at the rate ρ⁻ᵐ with ρ = (√κ + 1)/(√κ − 1), κ = ν/µ. That rate is why the degree must grow like
 * √κ: measured max |p_m − ln| (chebyshev.test.ts) is 1.2e-6 at m = 20 for κ = 12, but κ = 1200 needs
 * m = 144 for 1e-4.
 */
import { axpy } from './dense';
import { drawProbe, hutchinson, meanAndStdError, type ProbeDistribution } from './hutchinson';
import { Rng } from '../util/random';
import { applyOperator, rowwise, type Cancellable, type MatVec } from './operator';
import { powerMethod, type PowerOptions } from './power';

/** Coefficients c_0…c_m of the degree-m Chebyshev interpolant of f on [a, b]. */
export function chebyshevCoefficients(f: (x: number) => number, a: number, b: number, degree: number): Float64Array {
  if (!(b > a)) throw new Error(`chebyshevCoefficients: need a < b, got [${a}, ${b}]`);
  if (!Number.isInteger(degree) || degree < 0) throw new Error(`chebyshevCoefficients: bad degree ${degree}`);
  const m1 = degree + 1;
  const fx = new Float64Array(m1);
  for (let j = 0; j < m1; j++) fx[j] = f(0.5 * (b - a) * Math.cos((Math.PI * (j + 0.5)) / m1) + 0.5 * (b + a));
  const c = new Float64Array(m1);
  for (let i = 0; i < m1; i++) {
    let s = 0;
    // T_i(cos θ) = cos(iθ): evaluate directly rather than by recurrence (exact to rounding at every i).
    for (let j = 0; j < m1; j++) s += fx[j] * Math.cos((Math.PI * i * (j + 0.5)) / m1);
    c[i] = ((i === 0 ? 1 : 2) / m1) * s;
  }
  return c;
}

/** p(x) = Σ c_i T_i(ϕ⁻¹(x)) by Clenshaw's backward recurrence (stable for any x in [a, b]). */
export function chebyshevEvaluate(c: Float64Array, a: number, b: number, x: number): number {
  const t = (2 * x - (a + b)) / (b - a);
  let b1 = 0;
  let b2 = 0;
  for (let i = c.length - 1; i >= 1; i--) {
    const b0 = 2 * t * b1 - b2 + c[i];
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + c[0];
}

/**
 * max |p − f| over [a, b], sampled at `samples` Chebyshev–Lobatto points (they cluster at the ends,
 * where the error of a function like ln is largest). A sampled maximum, so a slight under-estimate.
 */
export function chebyshevMaxError(c: Float64Array, a: number, b: number, f: (x: number) => number, samples = 2048): number {
  let worst = 0;
  for (let k = 0; k < samples; k++) {
    const x = 0.5 * (b - a) * Math.cos((Math.PI * k) / (samples - 1)) + 0.5 * (b + a);
    worst = Math.max(worst, Math.abs(chebyshevEvaluate(c, a, b, x) - f(x)));
  }
  return worst;
}

/** Smallest degree ≤ maxDegree whose interpolant of f on [a, b] has sampled max error ≤ tol (else maxDegree). */
export function chebyshevDegreeFor(f: (x: number) => number, a: number, b: number, tol: number, maxDegree = 256): number {
  const ok = (m: number) => chebyshevMaxError(chebyshevCoefficients(f, a, b, m), a, b, f, 512) <= tol;
  let hi = 1;
  while (hi < maxDegree && !ok(hi)) hi *= 2; // doubling, then bisection: the error decreases geometrically in m
  if (hi >= maxDegree) { hi = maxDegree; if (!ok(hi)) return maxDegree; }
  let lo = Math.floor(hi / 2); // not ok (or 0)
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (ok(mid)) hi = mid; else lo = mid; }
  return hi;
}

/**
 * p(A) v for a symmetric A with spectrum in [a, b], by the forward three-term recurrence of Eq. 4 on
 * vectors (STOCHASTICCHEBYSHEVTRACE's inner loop): w₀ = v, w₁ = Âv, wᵢ = 2Âwᵢ₋₁ − wᵢ₋₂ with
 * Â = (2A − (a + b)I)/(b − a). Uses `degree` products. Outside [a, b] the Tᵢ grow like cosh(i·arccosh|t|),
 * so eigenvalues outside the interval are not merely approximated badly — they blow up.
 */
export async function chebyshevApply(c: Float64Array, a: number, b: number, matvec: MatVec, v: Float64Array, signal?: AbortSignal): Promise<Float64Array> {
  const alpha = 2 / (b - a);
  const beta = -(a + b) / (b - a);
  const hat = async (x: Float64Array) => {
    const y = await applyOperator(matvec, x, signal);
    for (let i = 0; i < y.length; i++) y[i] = alpha * y[i] + beta * x[i];
    return y;
  };
  const s = Float64Array.from(v, (x) => c[0] * x);
  if (c.length === 1) return s;
  let prev: Float64Array = Float64Array.from(v);
  let cur: Float64Array = await hat(v);
  axpy(s, c[1], cur);
  for (let i = 2; i < c.length; i++) {
    const next = await hat(cur);
    for (let j = 0; j < next.length; j++) next[j] = 2 * next[j] - prev[j];
    axpy(s, c[i], next);
    prev = cur;
    cur = next;
  }
  return s;
}

export interface LogDetOptions extends Cancellable {
  /**
   * REQUIRED lower bound µ on the spectrum of M (absolute, > 0). Nothing here estimates it: an
   * eigenvalue below µ falls outside the Chebyshev interval, where the polynomial explodes, so the
   * caller must know it — e.g. δ when M = JᵀJ + δI is regularised, or the smallest eigenvalue from a
   * Lanczos run on νI − M, shaved by a safety factor. The paper fixes µ = ε ∈ {0.1, 0.01}. Larger
   * ν/µ needs a higher degree (≈ √(ν/µ) growth; see the header).
   */
  lambdaMin: number;
  /** Polynomial degree m. Default: the smallest with max |p_m − ln| ≤ `polyTol` on [µ, ν] (capped at 256). */
  degree?: number;
  /** Per-eigenvalue approximation target for the automatic degree. Default 1e-4. */
  polyTol?: number;
  /** Hutchinson probes p. Default 30. */
  probes?: number;
  distribution?: ProbeDistribution;
  seed?: number;
  /** g ≥ 1: ν = g·λ̂_max, since the power method's Rayleigh quotient under-estimates λ_max. Default 1.2 (the paper's). */
  lambdaMaxMultiplier?: number;
  /** Skip the power method when λ_max is already known (still multiplied by g). */
  lambdaMax?: number;
  /** Options of the power method (the paper's t iterations is `maxIter`). Default tol 1e-3, maxIter 100. */
  power?: PowerOptions;
  onProgress?: (done: number, total: number) => void;
}

export interface LogDetEstimate {
  /** Estimate of ln det M. */
  estimate: number;
  /** Hutchinson standard error of the estimate (probe noise only). */
  stdError: number;
  /** n · max_{[µ,ν]} |p_m − ln|: bound on the polynomial bias if the spectrum lies in [µ, ν]. */
  polynomialError: number;
  degree: number;
  probes: number;
  /** Power-method estimate λ̂_max (before the multiplier g). */
  lambdaMax: number;
  /** [µ, ν] = [lambdaMin, g·λ̂_max]. */
  interval: [number, number];
  /** Operator products used in total. */
  matvecs: number;
}

/**
 * ln det M for symmetric positive definite M (n×n, via products), Ramesh & LeCun Algorithm 1:
 * λ̂_max by the power method; µ, ν = lambdaMin, g·λ̂_max; a, b = µ/(µ+ν), ν/(µ+ν); coefficients of ln
 * on [a, b]; M̄ = M/(µ+ν); Γ = Hutchinson estimate of tr p_m(M̄) with the recurrence above;
 * ln det M = n ln(µ+ν) + Γ. (The paper's listing returns n ln(a + b) + Γ, but with its normalised a, b
 * that is n ln 1 = 0 — the constant that undoes the scaling of M̄ is n ln(µ + ν), as in its Eq. 7 text.)
 */
/** The interval, scaling and polynomial of Algorithm 1 for a spectrum in [µ, g·λ̂max] (shared by both drivers). */
function logDetSetup(n: number, mu: number, lambdaMax: number, opts: LogDetOptions) {
  const g = opts.lambdaMaxMultiplier ?? 1.2;
  const nu = g * lambdaMax;
  if (!(nu > mu)) throw new Error(`logDetChebyshev: g·λ_max = ${nu} is not above lambdaMin = ${mu} (is M positive definite, µ a lower bound?)`);
  const scale = mu + nu;
  const a = mu / scale;
  const b = nu / scale;
  const degree = opts.degree ?? chebyshevDegreeFor(Math.log, a, b, opts.polyTol ?? 1e-4);
  const c = chebyshevCoefficients(Math.log, a, b, degree);
  return { nu, scale, a, b, degree, c, polynomialError: n * chebyshevMaxError(c, a, b, Math.log) };
}

function checkLogDetOptions(opts: LogDetOptions): void {
  if (!(opts.lambdaMin > 0)) throw new Error(`logDetChebyshev: lambdaMin must be a positive lower bound on the spectrum, got ${opts.lambdaMin}`);
  const g = opts.lambdaMaxMultiplier ?? 1.2;
  if (!(g >= 1)) throw new Error(`logDetChebyshev: lambdaMaxMultiplier must be ≥ 1, got ${g}`);
}

export async function logDetChebyshev(matvec: MatVec, n: number, opts: LogDetOptions): Promise<LogDetEstimate> {
  checkLogDetOptions(opts);
  const mu = opts.lambdaMin;
  const { lambdaMax, matvecs: powerProducts } = await lambdaMaxOf(rowwise(matvec, n), n, opts);
  let matvecs = powerProducts;
  const { nu, scale, a, b, degree, c, polynomialError } = logDetSetup(n, mu, lambdaMax, opts);
  const scaled: MatVec = async (v) => {
    const w = await applyOperator(matvec, v, opts.signal);
    for (let i = 0; i < w.length; i++) w[i] /= scale;
    return w;
  };
  const trace = await hutchinson((v) => chebyshevApply(c, a, b, scaled, v, opts.signal), n, {
    probes: opts.probes ?? 30,
    distribution: opts.distribution,
    seed: opts.seed,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  matvecs += trace.probes * degree;
  return {
    estimate: n * Math.log(scale) + trace.mean,
    stdError: trace.stdError,
    polynomialError,
    degree,
    probes: trace.probes,
    lambdaMax,
    interval: [mu, nu],
    matvecs,
  };
}


/** Products with k vectors at once: rows k×n (row-major) → the k products, e.g. one batched network pass. */
export type BlockMatVec = (rows: Float64Array, k: number) => Promise<Float64Array>;

/**
 * Coefficients of the derivative p′ = dp/dx of p = Σ c_i T_i(ϕ⁻¹(x)), as a series on the same [a, b]
 * (the standard backward recurrence d_{i−1} = d_{i+1} + 2i·c_i, times dϕ⁻¹/dx = 2/(b − a)).
 */
export function chebyshevDerivative(c: Float64Array, a: number, b: number): Float64Array {
  const m = c.length - 1;
  const d = new Float64Array(Math.max(m, 1));
  if (m === 0) return d;
  const next = new Float64Array(m + 2); // d_{i} for i ≤ m + 1, with d_m = d_{m+1} = 0
  for (let i = m; i >= 1; i--) next[i - 1] = next[i + 1] + 2 * i * c[i];
  next[0] /= 2; // this file's series carries c_0 at full weight
  const scale = 2 / (b - a);
  for (let i = 0; i < m; i++) d[i] = scale * next[i];
  return d;
}

/**
 * Σ_i c_i T_i(Â) V for a block V of k vectors (k×n, row-major), Â = (2A − (a + b)I)/(b − a): the
 * recurrence of `chebyshevApply` with one block product per degree.
 */
async function chebyshevApplyBlock(c: Float64Array, a: number, b: number, block: BlockMatVec, vectors: Float64Array, k: number,
  signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<Float64Array> {
  const degree = c.length - 1;
  const alpha = 2 / (b - a);
  const beta = -(a + b) / (b - a);
  const hat = async (x: Float64Array) => {
    signal?.throwIfAborted();
    const y = await block(x, k);
    for (let i = 0; i < y.length; i++) y[i] = alpha * y[i] + beta * x[i];
    return y;
  };
  const sum = Float64Array.from(vectors, (x) => c[0] * x);
  if (degree < 1) return sum;
  let prev: Float64Array = Float64Array.from(vectors);
  let cur: Float64Array = await hat(vectors);
  axpy(sum, c[1], cur);
  onProgress?.(1, degree);
  for (let i = 2; i <= degree; i++) {
    const next = await hat(cur);
    for (let j = 0; j < next.length; j++) next[j] = 2 * next[j] - prev[j];
    axpy(sum, c[i], next);
    prev = cur;
    cur = next;
    onProgress?.(i, degree);
  }
  return sum;
}

/** λ̂max by the power method on single products (or the caller's value), and the products it took. */
async function lambdaMaxOf(block: BlockMatVec, n: number, opts: LogDetOptions): Promise<{ lambdaMax: number; matvecs: number }> {
  if (opts.lambdaMax !== undefined) return { lambdaMax: opts.lambdaMax, matvecs: 0 };
  const pm = await powerMethod((v) => block(v, 1), n, { tol: 1e-3, maxIter: 100, seed: (opts.seed ?? 0) + 1, signal: opts.signal, ...opts.power });
  return { lambdaMax: pm.value, matvecs: pm.iterations };
}

/** The p probe vectors of a seed, p×n row-major (the same ones for the estimate and its gradient). */
function probeBlock(n: number, opts: LogDetOptions): { probes: Float64Array; p: number } {
  const p = opts.probes ?? 30;
  if (!(p >= 1) || !Number.isInteger(p)) throw new Error(`logDetChebyshev: probes must be a positive integer, got ${p}`);
  const rng = new Rng(opts.seed ?? 0);
  const probes = new Float64Array(p * n);
  for (let j = 0; j < p; j++) drawProbe(rng, probes.subarray(j * n, (j + 1) * n), opts.distribution ?? 'rademacher');
  return { probes, p };
}

/** M̄ = M/(µ + ν), block-wise. */
const scaledBlock = (block: BlockMatVec, scale: number): BlockMatVec => async (rows, k) => {
  const y = await block(rows, k);
  for (let i = 0; i < y.length; i++) y[i] /= scale;
  return y;
};

/**
 * logDetChebyshev with all p probes pushed through the recurrence together, one block product per degree
 * (m block products instead of p·m single ones): the same estimate for the same seed (same probes, same
 * arithmetic per probe). The power method still takes single products.
 */
export async function logDetChebyshevBlock(block: BlockMatVec, n: number, opts: LogDetOptions): Promise<LogDetEstimate> {
  checkLogDetOptions(opts);
  const mu = opts.lambdaMin;
  const { lambdaMax, matvecs: powerProducts } = await lambdaMaxOf(block, n, opts);
  const { nu, scale, a, b, degree, c, polynomialError } = logDetSetup(n, mu, lambdaMax, opts);
  const { probes, p } = probeBlock(n, opts);
  const sum = await chebyshevApplyBlock(c, a, b, scaledBlock(block, scale), probes, p, opts.signal, opts.onProgress);
  const samples = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let d = 0;
    for (let i = 0; i < n; i++) d += probes[j * n + i] * sum[j * n + i];
    samples[j] = d;
  }
  const trace = meanAndStdError(samples);
  return {
    estimate: n * Math.log(scale) + trace.mean, stdError: trace.stdError, polynomialError, degree, probes: p, lambdaMax,
    interval: [mu, nu], matvecs: powerProducts + p * degree,
  };
}

/** What the gradient of Algorithm 1's estimate needs: probe pairs (u_j, v_j), see `logDetGradientProbes`. */
export interface LogDetGradientProbes {
  /** v_j, p×n row-major: the estimate's own probes (same seed, same vectors). */
  probes: Float64Array;
  /** u_j = p_m′(M̄) v_j / (µ + ν), p×n row-major. */
  applied: Float64Array;
  p: number;
  degree: number;
  lambdaMax: number;
  interval: [number, number];
  matvecs: number;
}

/**
 * The gradient of Algorithm 1, "backpropagation for implicit spectral densities" (the paper's title): for a
 * matrix M(z), ∂ tr p_m(M̄) = tr(p_m′(M̄) ∂M̄) exactly (trace cyclicity), and Hutchinson with the same probes
 * gives ∂ ln det M ≈ (1/p) Σ_j u_jᵀ (∂M) v_j with u_j = p_m′(M̄) v_j /(µ + ν): the caller differentiates the
 * bilinear forms u_jᵀ M(z) v_j at fixed u_j, v_j. p_m′ is the derivative of the same interpolant of ln (so
 * an approximation of 1/x on [a, b]); [µ, ν] is held fixed (the paper does not differentiate the power
 * method). Its expectation over probes equals the expectation of the gradient of the estimate itself.
 */
export async function logDetGradientProbes(block: BlockMatVec, n: number, opts: LogDetOptions): Promise<LogDetGradientProbes> {
  checkLogDetOptions(opts);
  const mu = opts.lambdaMin;
  const { lambdaMax, matvecs: powerProducts } = await lambdaMaxOf(block, n, opts);
  const { nu, scale, a, b, degree, c } = logDetSetup(n, mu, lambdaMax, opts);
  const { probes, p } = probeBlock(n, opts);
  const applied = await chebyshevApplyBlock(chebyshevDerivative(c, a, b), a, b, scaledBlock(block, scale), probes, p, opts.signal, opts.onProgress);
  for (let i = 0; i < applied.length; i++) applied[i] /= scale;
  return { probes, applied, p, degree, lambdaMax, interval: [mu, nu], matvecs: powerProducts + p * Math.max(degree - 1, 0) };
}
