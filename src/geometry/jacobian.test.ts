/**
 * Oracles: G(z) = A z has J = A exactly (so H = AᵀA); G(z) = tanh-free smooth map s(Az) with
 * s(x) = x/√(1+x²) has J = diag(s'(Az)) A. Tolerances: exact ≤ 1e-5 relative (float32), fd ≤ 5e-3.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { jacobianExact, jacobianFD, metricFromJacobian } from './jacobian';
import { Rng } from '../util/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const n = 6, m = 10;
const rng = new Rng(4);
const A = Array.from({ length: m }, () => Array.from({ length: n }, () => rng.normal()));
const z0 = Array.from({ length: n }, () => rng.normal());

function relErr(a: ArrayLike<number>, b: ArrayLike<number>) {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

/** Jᵀ of x ↦ s(Ax) (row i = J e_i), in float64. */
function softClipJt(): Float64Array {
  const jt = new Float64Array(n * m);
  for (let r = 0; r < m; r++) {
    const y = A[r].reduce((s, a, j) => s + a * z0[j], 0);
    const ds = 1 / Math.pow(1 + y * y, 1.5);
    for (let c = 0; c < n; c++) jt[c * m + r] = ds * A[r][c];
  }
  return jt;
}

describe('Jacobians', () => {
  const At = tf.tensor2d(A).transpose();
  const linear = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, At as tf.Tensor2D);
  const curved = (x: tf.Tensor) => { const y = linear(x); return tf.div(y, tf.sqrt(tf.add(tf.square(y), 1))); };
  const x0 = tf.tensor2d([z0]);

  it('exact: linear map gives J = A and H = AᵀA', () => {
    const before = tf.memory().numTensors;
    const j = jacobianExact(linear, x0, 4);
    expect(tf.memory().numTensors).toBe(before);
    const ref = new Float64Array(n * m);
    for (let r = 0; r < m; r++) for (let c = 0; c < n; c++) ref[c * m + r] = A[r][c];
    expect(relErr(j.jt, ref)).toBeLessThan(1e-6);
    const h = metricFromJacobian(j);
    const href = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) for (let r = 0; r < m; r++) href[a * n + b] += A[r][a] * A[r][b];
    expect(relErr(h, href)).toBeLessThan(1e-6);
  });

  it('exact and fd match the closed-form Jacobian of a curved map', () => {
    const ref = softClipJt();
    expect(relErr(jacobianExact(curved, x0).jt, ref)).toBeLessThan(1e-5);
    expect(relErr(jacobianFD(curved, x0, 1e-3).jt, ref)).toBeLessThan(5e-3);
  });
});
