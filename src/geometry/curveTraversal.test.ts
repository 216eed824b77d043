/**
 * Oracle: f(z) = Q·R·(cos az₁ cos bz₂, sin az₁ cos bz₂, sin bz₂) — a sphere of radius R embedded in a
 * 3-D subspace of W = R⁵ (Q has orthonormal rows). Its Jacobian columns are orthogonal: ∂f/∂z₁ (along a
 * circle of latitude, σ = aR cos bz₂) and ∂f/∂z₂ (along a meridian, σ = bR), so the Local Basis is known
 * in closed form, the two singular values cross where a cos bz₂ = b, and the distance of any w to the
 * manifold is exact: √(‖w − QᵀQw‖² + (‖Qw‖ − R)²).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { curveTraversal } from './curveTraversal';
import { localBasis } from './localBasis';
import { linearPath } from './traversal';
import { randomOrthogonal } from '../linalg/testing';
import { Rng } from '../util/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const W = 5, R = 1, A = 1.5, B = 0.6;
const Q = randomOrthogonal(W, new Rng(7)).slice(0, 3 * W); // 3×5, orthonormal rows
const Qt = tf.tensor2d(Float32Array.from(Q), [3, W]);
const sphere = (x: tf.Tensor) => tf.tidy(() => {
  const [z1, z2] = tf.split(x, 2, 1);
  const a = tf.mul(z1, A), b = tf.mul(z2, B);
  const s = tf.concat([tf.mul(tf.cos(a), tf.cos(b)), tf.mul(tf.sin(a), tf.cos(b)), tf.sin(b)], 1);
  return tf.matMul(tf.mul(s, R) as tf.Tensor2D, Qt as tf.Tensor2D);
});

function distanceToSphere(w: Float64Array, rows: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const x = w.subarray(r * W, (r + 1) * W);
    const p = [0, 1, 2].map((k) => Q.subarray(k * W, (k + 1) * W).reduce((s, q, i) => s + q * x[i], 0));
    let res = 0;
    for (let i = 0; i < W; i++) res += (x[i] - p.reduce((s, pk, k) => s + pk * Q[k * W + i], 0)) ** 2;
    out.push(Math.sqrt(res + (Math.hypot(...p) - R) ** 2));
  }
  return out;
}

const dw = (w: Float64Array, i: number) => Array.from({ length: W }, (_, t) => w[(i + 1) * W + t] - w[i * W + t]);
const dotArr = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, v, i) => s + v * y[i], 0);

describe('Iterative Curve-Traversal (Choi et al. Alg. 2) on an embedded sphere', () => {
  // Measured: curve max distance 6e-8 (float32 forward passes); linear max distance 0.562 (= √(1 + I²) − 1);
  // W chord length 1.1995 for I = 1.2 (chord vs arc on a circle of radius 0.955: −4e-4).
  it('follows the manifold where the straight line along the same initial direction leaves it', () => {
    const z0 = [0.2, 0.3];
    const I = 1.2, N = 12;
    const curve = curveTraversal(sphere, z0, { intensity: I, steps: N, index: 0 });
    expect(curve.points).toBe(N + 1);
    const lb = localBasis(sphere, z0);
    const linear = linearPath(lb.w, lb.wDirections.subarray(0, W), Array.from({ length: N + 1 }, (_, i) => (I * i) / N));
    const dCurve = Math.max(...distanceToSphere(curve.w, N + 1));
    const dLinear = Math.max(...distanceToSphere(linear, N + 1));
    expect(dCurve).toBeLessThan(1e-6);
    expect(dLinear).toBeCloseTo(Math.sqrt(1 + I * I) - 1, 4);
    expect(dCurve).toBeLessThan(dLinear / 1e4);
    // It walks the circle of latitude: z₂ fixed, index 0 throughout, W length ≈ I.
    for (let i = 0; i <= N; i++) expect(Math.abs(curve.z[i * 2 + 1] - 0.3)).toBeLessThan(1e-5);
    expect(Array.from(curve.indices)).toEqual(new Array(N).fill(0));
    expect(Math.abs(curve.wLength - I) / I).toBeLessThan(2e-3);
    expect(Math.abs(curve.sigmas[0] - A * R * Math.cos(B * 0.3))).toBeLessThan(1e-5);
    // Orientation is kept: consecutive pieces point the same way despite SVD sign ambiguity.
    for (let i = 0; i + 1 < N; i++) expect(dotArr(dw(curve.w, i), dw(curve.w, i + 1))).toBeGreaterThan(0);
  });

  // σ_meridian = 0.6 stays put while σ_latitude = 1.5 cos(0.6 z₂) falls through it at z₂ = 1.932.
  it('tracks the direction by similarity when singular values cross (index changes, path does not turn)', () => {
    // The SVD's sign is arbitrary: pick the half (γ⁺ or γ⁻) that walks north, towards the crossing.
    const north = localBasis(sphere, [0, 1.6]).zDirections[1 * 2 + 1] > 0 ? 1 : -1;
    const curve = curveTraversal(sphere, [0, 1.6], { intensity: 0.42, steps: 14, index: 1, sign: north });
    expect(curve.indices[0]).toBe(1);
    expect(curve.indices[13]).toBe(0);
    for (let i = 0; i < curve.points; i++) expect(Math.abs(curve.z[i * 2])).toBeLessThan(1e-5); // stays on the meridian z₁ = 0
    expect(curve.z[14 * 2 + 1]).toBeCloseTo(1.6 + 0.42 / (B * R), 4);
    // Consecutive meridian tangents turn by the piece length over R = 0.03 rad: similarity cos 0.03 = 0.99955.
    for (const s of curve.similarity.subarray(1)) expect(s).toBeCloseTo(Math.cos(0.03), 5);
  });

  it('the negative half departs along −v_k', () => {
    const z0 = [0.2, 0.3];
    const lb = localBasis(sphere, z0);
    const plus = curveTraversal(sphere, z0, { intensity: 0.2, steps: 2, index: 0 });
    const minus = curveTraversal(sphere, z0, { intensity: 0.2, steps: 2, index: 0, sign: -1 });
    const v0 = lb.wDirections.subarray(0, W);
    expect(dotArr(dw(plus.w, 0), v0)).toBeGreaterThan(0.09);
    expect(dotArr(dw(minus.w, 0), v0)).toBeLessThan(-0.09);
  });

  it('guided by a global W direction: departs along the most similar Local Basis vector, with its sign', () => {
    const z0 = [0.2, 0.3];
    const lb = localBasis(sphere, z0);
    const g = Array.from(lb.wDirections.subarray(W, 2 * W), (x) => -2 * x); // −2·v₁: the meridian, pointing south
    for (const guideMode of ['every-step', 'departure'] as const) {
      const c = curveTraversal(sphere, z0, { intensity: 0.3, steps: 6, index: 0, guide: g, guideMode });
      expect(Array.from(c.indices)).toEqual(new Array(6).fill(1));
      expect(c.similarity[0]).toBeCloseTo(1, 6);
      for (let i = 0; i < 6; i++) expect(dotArr(dw(c.w, i), g)).toBeGreaterThan(0);
      // Moved along the meridian by ≈ 0.3/(bR) = 0.5 in z₂, in the direction g points to (−v₁, i.e. −u₁ in Z).
      expect((c.z[6 * 2 + 1] - 0.3) * -Math.sign(lb.zDirections[1 * 2 + 1])).toBeCloseTo(0.5, 3);
    }
    // A W+ guide (L = 3 copies) acts as its layer mean.
    const gPlus = [...g, ...g, ...g];
    const c3 = curveTraversal(sphere, z0, { intensity: 0.3, steps: 6, guide: gPlus });
    expect(Array.from(c3.indices)).toEqual(new Array(6).fill(1));
  });

  it('stochastic piece lengths: seeded, within [min, max] except a clipped last piece, summing to I', () => {
    const opts = { intensity: 1, stochastic: { min: 0.05, max: 0.15, seed: 3 }, index: 0 };
    const a = curveTraversal(sphere, [0.2, 0.3], opts);
    const b = curveTraversal(sphere, [0.2, 0.3], opts);
    const c = curveTraversal(sphere, [0.2, 0.3], { ...opts, stochastic: { ...opts.stochastic, seed: 4 } });
    expect(Array.from(a.stepLengths)).toEqual(Array.from(b.stepLengths));
    expect(Array.from(a.stepLengths)).not.toEqual(Array.from(c.stepLengths));
    const h = Array.from(a.stepLengths);
    expect(h.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    for (const x of h.slice(0, -1)) { expect(x).toBeGreaterThanOrEqual(0.05); expect(x).toBeLessThanOrEqual(0.15); }
    expect(a.points).toBe(h.length + 1);
    expect(Math.max(...distanceToSphere(a.w, a.points))).toBeLessThan(1e-6);
  });

  it('validates its inputs and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    curveTraversal(sphere, [0.1, 0.1], { intensity: 0.1, steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => curveTraversal(sphere, [0, 0], { intensity: 0 })).toThrow(/intensity/);
    expect(() => curveTraversal(sphere, [0, 0], { intensity: 1, steps: 0 })).toThrow(/steps/);
    expect(() => curveTraversal(sphere, [0, 0], { intensity: 1, index: 5 })).toThrow(/index 5/);
    expect(() => curveTraversal(sphere, [0, 0], { intensity: 1, stochastic: { min: 0, max: 1 } })).toThrow(/min/);
  });
});
