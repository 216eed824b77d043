/**
 * computeMetric on an analytic style generator: z → w = Bz, w+ → image = s(Σ_l A_l w_l) with s = id
 * (linear) or s(y) = y/√(1+y²) (curved), so J is known in closed form in every space (float64 oracle).
 * Tolerances (relative, Frobenius on the reconstructed H = Σ λ v vᵀ unless said otherwise):
 * exact ≤ 1e-5, bp ≤ 1e-5 (float32 products), fd ≤ 5e-3 (central differences at the default step),
 * lanczos top-k eigenvalues ≤ 1e-6 each. SSIM and perceptual have no closed form here: exact vs fd,
 * exact vs bp (the bp route differentiates d² itself, an independent check), symmetry and PSD.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { computeMetric, type MetricMethod, type MetricResult } from './metric';
import { applyRows, hvp } from './hvp';
import { jacobianExact, metricFromJacobian } from './jacobian';
import { anchorDistance } from '../distance';
import { eigh } from '../linalg/eigh';
import type { Generator, LatentSpace } from '../model/generator';
import { manifestFor } from '../model/testing/fixtures';
import { Rng } from '../util/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const Z = 5, WD = 4, L = 3, HH = 6, WW = 6, C = 2, P = HH * WW * C;
const rng = new Rng(3);
const gauss = (r: number, c: number, s = 1) => Array.from({ length: r }, () => Array.from({ length: c }, () => s * rng.normal()));
const B = gauss(WD, Z, 0.5); // w = B z
const A = Array.from({ length: L }, () => gauss(P, WD, 0.4)); // image = s(Σ A_l w_l)
const K1 = Float32Array.from({ length: 3 * 3 * C * 3 }, () => rng.normal() / 3);
const K2 = Float32Array.from({ length: 3 * 3 * 3 * 4 }, () => rng.normal() / 3);
const z0 = Float32Array.from({ length: Z }, () => rng.normal());

const leaky = (x: tf.Tensor) => tf.add(tf.mul(x, 0.2), tf.mul(tf.relu(x), 0.8));
const softClip = (y: tf.Tensor) => tf.div(y, tf.sqrt(tf.add(tf.square(y), 1)));

function analyticGenerator(curved: boolean): Generator {
  const bt = tf.tensor2d(B).transpose() as tf.Tensor2D;
  const at = tf.concat(A.map((a) => tf.tensor2d(a).transpose()), 0) as tf.Tensor2D; // [L·WD, P]
  const k1 = tf.tensor4d(K1, [3, 3, C, 3]), k2 = tf.tensor4d(K2, [3, 3, 3, 4]);
  const g: Generator = {
    manifest: manifestFor('style', { output: { height: HH, width: WW, channels: C, range: [-1, 1] } }),
    zDim: Z, wDim: WD, styleLayers: L, isStyleBased: true, outputShape: [HH, WW, C], assumptions: [],
    samplePrior: () => z0,
    mapZ: (z) => tf.matMul(z, bt),
    broadcastW: (w) => tf.tile(tf.expandDims(w, 1), [1, L, 1]) as tf.Tensor3D,
    synthesize: (wplus) => tf.tidy(() => {
      const y = tf.matMul(wplus.reshape([-1, L * WD]) as tf.Tensor2D, at);
      return (curved ? softClip(y) : y).reshape([-1, HH, WW, C]) as tf.Tensor4D;
    }),
    generate: (latent, space: LatentSpace = 'z') => tf.tidy(() => {
      if (space === 'wplus') return g.synthesize(latent as tf.Tensor3D);
      const w = space === 'w' ? latent as tf.Tensor2D : g.mapZ(latent as tf.Tensor2D);
      return g.synthesize(g.broadcastW(w));
    }),
    discriminatorFeatures: (images) => tf.tidy(() => {
      const a = leaky(tf.conv2d(images, k1, 1, 'same')) as tf.Tensor4D;
      return [a, leaky(tf.conv2d(a, k2, 2, 'same')) as tf.Tensor4D];
    }),
    toRGBA: async () => new Uint8ClampedArray(0),
    dispose: () => tf.dispose([bt, at, k1, k2]),
  };
  return g;
}

/** Closed-form metric for mse (φ = x / (2√P)) in a space, float64 n×n. */
function mseMetric(curved: boolean, space: LatentSpace): { h: Float64Array; n: number } {
  const w0 = B.map((row) => row.reduce((s, b, j) => s + b * z0[j], 0));
  const n = space === 'z' ? Z : space === 'w' ? WD : L * WD;
  const scale = 1 / (2 * Math.sqrt(P));
  const J = Array.from({ length: P }, (_, p) => {
    const y = A.reduce((s, a) => s + a[p].reduce((t, v, j) => t + v * w0[j], 0), 0);
    const ds = curved ? Math.pow(1 + y * y, -1.5) : 1;
    const dw = A.map((a) => a[p]); // ∂image_p/∂w_l
    if (space === 'wplus') return dw.flat().map((v) => ds * scale * v);
    const sum = Array.from({ length: WD }, (_, j) => dw.reduce((s, r) => s + r[j], 0));
    if (space === 'w') return sum.map((v) => ds * scale * v);
    return Array.from({ length: Z }, (_, i) => ds * scale * sum.reduce((s, v, j) => s + v * B[j][i], 0));
  });
  const h = new Float64Array(n * n);
  for (const row of J) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) h[a * n + b] += row[a] * row[b];
  return { h, n };
}

function latentIn(space: LatentSpace): Float32Array {
  const w0 = B.map((row) => row.reduce((s, b, j) => s + b * z0[j], 0));
  return space === 'z' ? z0 : Float32Array.from(space === 'w' ? w0 : [...w0, ...w0, ...w0]);
}

function reconstruct(r: MetricResult): Float64Array {
  const { n } = r;
  const h = new Float64Array(n * n);
  r.eigenvalues.forEach((l, k) => {
    const v = r.eigenvectors.subarray(k * n, (k + 1) * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) h[a * n + b] += l * v[a] * v[b];
  });
  return h;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>) {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

const maxRelEach = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
const TOL: Record<Exclude<MetricMethod, 'lanczos'>, number> = { exact: 1e-5, bp: 1e-5, fd: 5e-3 };

describe.each([false, true])('mse on the %s generator', (curved) => {
  const name = curved ? 'curved' : 'linear';
  for (const space of ['z', 'w', 'wplus'] as const) {
    it(`${name}, ${space}: every method matches the closed-form JᵀJ, without leaks`, async () => {
      const g = analyticGenerator(curved);
      const ref = mseMetric(curved, space);
      const before = tf.memory().numTensors;
      for (const method of ['exact', 'fd', 'bp'] as const) {
        const r = await computeMetric(g, latentIn(space), { space, distance: 'mse', method, chunk: 4 });
        expect(r.n).toBe(ref.n);
        expect(relErr(reconstruct(r), ref.h), `${method}`).toBeLessThan(TOL[method]);
        expect(r.errorEstimate).toBeGreaterThan(0);
        expect(r.errorEstimate).toBeLessThan(method === 'fd' ? 5e-3 : 1e-5);
      }
      const k = Math.min(4, ref.n);
      const top = eigh(ref.h, ref.n).values.slice(0, k);
      const r = await computeMetric(g, latentIn(space), { space, distance: 'mse', method: 'lanczos', k });
      expect(maxRelEach(r.eigenvalues, top)).toBeLessThan(1e-6);
      expect(r.errorEstimate).toBeLessThan(1e-5);
      expect(tf.memory().numTensors).toBe(before);
      g.dispose();
    });
  }
});

describe('computeMetric', () => {
  it('exact agrees with jacobian.ts (jacobianExact + metricFromJacobian) on the same φ∘G', async () => {
    const g = analyticGenerator(true);
    const x0 = tf.tensor2d(z0, [1, Z]);
    const x = tf.tidy(() => g.generate(x0, 'z'));
    const d = anchorDistance('perceptual', g, x);
    const h = metricFromJacobian(jacobianExact((t) => d.features(g.generate(t, 'z')), x0));
    const r = await computeMetric(g, x0, { space: 'z', distance: 'perceptual', method: 'exact' });
    expect(relErr(reconstruct(r), h)).toBeLessThan(1e-6);
    d.dispose();
    tf.dispose([x0, x]);
    g.dispose();
  });

  for (const distance of ['ssim', 'perceptual'] as const) {
    it(`${distance}: exact vs fd ≤ 5e-3, exact vs bp ≤ 1e-4, lanczos top-3 ≤ 1e-5, symmetric and PSD`, async () => {
      const g = analyticGenerator(true);
      const before = tf.memory().numTensors;
      const run = (method: MetricMethod, k?: number) => computeMetric(g, latentIn('wplus'), { space: 'wplus', distance, method, k });
      const exact = await run('exact'), fd = await run('fd'), bp = await run('bp'), lz = await run('lanczos', 3);
      const h = reconstruct(exact);
      expect(relErr(reconstruct(fd), h)).toBeLessThan(5e-3);
      expect(relErr(reconstruct(bp), h)).toBeLessThan(1e-4);
      expect(maxRelEach(lz.eigenvalues, exact.eigenvalues.slice(0, 3))).toBeLessThan(1e-5);
      expect(exact.eigenvalues[exact.n - 1]).toBeGreaterThan(-1e-6 * exact.eigenvalues[0]);
      // Symmetry of the operator itself (not of the mirrored Gram matrix): ⟨u, Hv⟩ = ⟨Hu, v⟩.
      const x0 = tf.tensor3d(latentIn('wplus'), [1, L, WD]);
      const images0 = tf.tidy(() => g.generate(x0, 'wplus'));
      const dist = anchorDistance(distance, g, images0);
      const uv = Float64Array.from({ length: 2 * L * WD }, () => rng.normal());
      const huv = await applyRows((t) => hvp({ f: (x) => dist.features(g.generate(x, 'wplus')), x0, m: dist.m, weight: dist.weight }, t), uv, L * WD);
      const n = L * WD;
      let uHv = 0, Huv = 0;
      for (let i = 0; i < n; i++) { uHv += uv[i] * huv[n + i]; Huv += huv[i] * uv[n + i]; }
      expect(Math.abs(uHv - Huv)).toBeLessThan(1e-5 * Math.abs(uHv));
      dist.dispose();
      tf.dispose([x0, images0]);
      expect(tf.memory().numTensors).toBe(before);
      g.dispose();
    });
  }

  it("exact's check compares the forward-mode columns with reverse mode: a wrong rule is caught; check: false skips it", async () => {
    // The linear generator's image is linear in the latent, so generate(directions) is J·directions exactly:
    // a forward-mode push with its tangents scaled by `gain` is right at 1 and a wrong rule otherwise.
    const withPush = (gain: number): Generator => {
      const g = analyticGenerator(false);
      g.pushForward = (latent, directions, space = 'z') => ({
        image: { primal: g.generate(latent, space), tangent: tf.mul(g.generate(directions, space), gain) },
        fallbacks: [],
      });
      return g;
    };
    const ref = mseMetric(false, 'w');
    const [exact, off] = [withPush(1), withPush(1.05)];
    const run = async (g: Generator, check?: boolean) => {
      const phases = new Set<string>();
      const r = await computeMetric(g, latentIn('w'), { space: 'w', distance: 'mse', method: 'exact', check, onProgress: (p) => phases.add(p.phase) });
      expect(r.jvp).toBe('forward');
      return { r, phases };
    };
    const before = tf.memory().numTensors;
    const right = await run(exact);
    expect(relErr(reconstruct(right.r), ref.h)).toBeLessThan(1e-5);
    expect(right.r.errorEstimate).toBeLessThan(1e-5);
    // H comes out 1.05² JᵀJ while reverse mode applies the true Jᵀ: residuals ≈ (1.05 − 1.05²)·λ ≈ 5 % of λ.
    const wrong = await run(off);
    expect(wrong.r.errorEstimate).toBeGreaterThan(1e-2);
    const unchecked = await run(exact, false);
    expect(unchecked.r.errorEstimate).toBeNull();
    expect(unchecked.phases.has('check')).toBe(false);
    expect(Array.from(unchecked.r.eigenvalues)).toEqual(Array.from(right.r.eigenvalues));
    expect(tf.memory().numTensors).toBe(before);
    exact.dispose();
    off.dispose();
  });

  it('returns the top k only when asked, with unit eigenvectors, and reports progress', async () => {
    const g = analyticGenerator(false);
    const phases = new Set<string>();
    const r = await computeMetric(g, latentIn('wplus'), { space: 'wplus', distance: 'mse', method: 'exact', k: 2, chunk: 5, onProgress: (p) => phases.add(`${p.phase}`) });
    expect(r.eigenvalues.length).toBe(2);
    expect(r.eigenvectors.length).toBe(2 * L * WD);
    expect(Math.hypot(...r.eigenvectors.subarray(0, L * WD))).toBeCloseTo(1, 10);
    expect(r.eigenvalues[0]).toBeGreaterThanOrEqual(r.eigenvalues[1]);
    expect([...phases]).toEqual(['columns', 'eigen', 'check']);
    g.dispose();
  });

  for (const method of ['exact', 'lanczos'] as const) {
    it(`cancellation from another task stops a running ${method} job and frees everything`, async () => {
      const g = analyticGenerator(true);
      const before = tf.memory().numTensors;
      const ctl = new AbortController();
      let events = 0;
      const job = computeMetric(g, latentIn('wplus'), {
        space: 'wplus', distance: 'ssim', method, chunk: 2, k: 3, signal: ctl.signal,
        // The first progress event schedules the abort as a separate task, as a UI click would arrive.
        onProgress: () => { if (events++ === 0) setTimeout(() => ctl.abort(), 0); },
      });
      await expect(job).rejects.toThrow(/abort/i);
      expect(events).toBeLessThanOrEqual(2); // of 6 column chunks (exact) or ≥ 12 Krylov steps (lanczos)
      expect(tf.memory().numTensors).toBe(before);
      g.dispose();
    });
  }

  it('holds between batches of directions at the job checkpoint it is given (the drag hold), and goes on when released', async () => {
    const g = analyticGenerator(true);
    let release: (() => void) | null = null;
    let held = false;
    let calls = 0;
    const columns: number[] = [];
    // A checkpoint that holds the second batch until released, as the paused job runner does.
    const checkpoint = () => {
      calls++;
      if (calls !== 2) return Promise.resolve();
      held = true;
      return new Promise<void>((resolve) => { release = resolve; });
    };
    const job = computeMetric(g, latentIn('wplus'), {
      space: 'wplus', distance: 'mse', method: 'exact', chunk: 2, k: 3, checkpoint,
      onProgress: (p) => { if (p.phase === 'columns') columns.push(p.done); },
    });
    let finished = false;
    void job.then(() => { finished = true; });
    for (let i = 0; i < 50 && !held; i++) await new Promise((r) => setTimeout(r, 5));
    expect(held).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(columns).toEqual([2]); // one batch done, the second waits at the checkpoint
    expect(finished).toBe(false);
    release!();
    const r = await job;
    expect(columns.at(-1)).toBe(L * WD);
    expect(calls).toBeGreaterThan(L * WD / 2);
    expect(r.eigenvalues.length).toBe(3);
    g.dispose();
  });

  it('checks the latent and the space', async () => {
    const g = analyticGenerator(false);
    await expect(computeMetric(g, new Float32Array(3), { space: 'z', distance: 'mse', method: 'exact' })).rejects.toThrow(/has 3 values.*expects 5/);
    const zOnly = { ...g, isStyleBased: false } as Generator;
    await expect(computeMetric(zOnly, latentIn('w'), { space: 'w', distance: 'mse', method: 'exact' })).rejects.toThrow(/no W space/);
    g.dispose();
  });
});
