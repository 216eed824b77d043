/**
 * Oracles in float64: f(x) = A x has J = A; f(x) = s(A x) with s(y) = y/√(1+y²) has J = diag(s'(Ax)) A,
 * s'(y) = (1+y²)^(-3/2). Products are float32, so tolerances are relative (Frobenius): exact products
 * ≤ 1e-5, central differences ≤ 5e-3 (relEps 1e-3: truncation ~ε², round-off ~u/ε).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { applyRows, hvp, hvpBackprop, hvpOperator, jvp, jvpFD, rowsPerProduct, vjp, type Linearisation } from './hvp';
import { Rng } from '../util/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const n = 6, m = 9, k = 4;
const rng = new Rng(7);
const A = Array.from({ length: m }, () => Array.from({ length: n }, () => rng.normal()));
const x0v = Array.from({ length: n }, () => rng.normal());
const V = Array.from({ length: k }, () => Array.from({ length: n }, () => rng.normal()));
const U = Array.from({ length: k }, () => Array.from({ length: m }, () => rng.normal()));
// A symmetric PSD weight W = LᵀL on features (as SSIM's M would be).
const L = Array.from({ length: m }, () => Array.from({ length: m }, () => rng.normal() / 3));
const W = L.map((_, i) => L.map((_, j) => L.reduce((s, row) => s + row[i] * row[j], 0)));

function relErr(a: ArrayLike<number>, b: ArrayLike<number>) {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

const matmul = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, t) => s + v * b[t][j], 0)));
const transpose = (a: number[][]) => a[0].map((_, j) => a.map((row) => row[j]));
const flat = (a: number[][]) => a.flat();

/** Closed-form J of the curved map at x0, m×n. */
function curvedJ(): number[][] {
  return A.map((row) => {
    const y = row.reduce((s, a, j) => s + a * x0v[j], 0);
    const ds = Math.pow(1 + y * y, -1.5);
    return row.map((a) => ds * a);
  });
}

describe('Jacobian, VJP and Hessian-vector products', () => {
  const At = tf.tensor2d(transpose(A));
  const linear = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, At);
  const curved = (x: tf.Tensor) => { const y = linear(x); return tf.div(y, tf.sqrt(tf.add(tf.square(y), 1))); };
  const x0 = tf.tensor2d([x0v]);
  const v = tf.tensor2d(V);
  const weight = (t: tf.Tensor2D): tf.Tensor2D => tf.matMul(t, tf.tensor2d(W)); // W symmetric

  for (const [name, f, J] of [['linear', linear, A], ['curved', curved, curvedJ()]] as const) {
    const lin: Linearisation = { f, x0, m };
    it(`${name}: jvp = J V, vjp = Jᵀ U, hvp = JᵀJ V and JᵀWJ V, without leaks`, () => {
      const before = tf.memory().numTensors;
      const jv = jvp(lin, v), ju = vjp(lin, tf.tensor2d(U)), hv = hvp(lin, v), hwv = hvp({ ...lin, weight }, v);
      expect(relErr(jv.dataSync(), flat(matmul(V, transpose(J))))).toBeLessThan(1e-5);
      expect(relErr(ju.dataSync(), flat(matmul(U, J)))).toBeLessThan(1e-5);
      const H = matmul(transpose(J), J);
      expect(relErr(hv.dataSync(), flat(matmul(V, H)))).toBeLessThan(1e-5);
      expect(relErr(hwv.dataSync(), flat(matmul(V, matmul(transpose(J), matmul(W, J)))))).toBeLessThan(1e-5);
      tf.dispose([jv, ju, hv, hwv]);
      expect(tf.memory().numTensors).toBe(before + 1); // the tensor2d(U) argument above
    });

    it(`${name}: central differences ≤ 5e-3 and the backprop baseline ≤ 1e-5`, () => {
      const jfd = jvpFD(lin, v, 1e-3);
      expect(relErr(jfd.dataSync(), flat(matmul(V, transpose(J))))).toBeLessThan(5e-3);
      const f0 = f(x0);
      const squared = (x: tf.Tensor) => tf.mul(tf.sum(tf.square(tf.sub(f(x), f0)), 1), 0.5) as tf.Tensor1D;
      const bp = hvpBackprop(squared, x0, v);
      expect(relErr(bp.dataSync(), flat(matmul(V, matmul(transpose(J), J))))).toBeLessThan(1e-5);
      tf.dispose([jfd, f0, bp]);
    });
  }

  it('hvpOperator gives float64 products for Lanczos, one direction at a time', async () => {
    const op = hvpOperator({ f: linear, x0, m });
    const before = tf.memory().numTensors;
    const out = await op(Float64Array.from(V[0]));
    expect(out).toBeInstanceOf(Float64Array);
    expect(relErr(out, matmul([V[0]], matmul(transpose(A), A))[0])).toBeLessThan(1e-5);
    const rows = await applyRows((t) => hvp({ f: linear, x0, m }, t), Float64Array.from(flat(V)), n);
    expect(relErr(rows, flat(matmul(V, matmul(transpose(A), A))))).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applyRows in chunks of at most maxRows rows gives the one-batch products, in order, without leaks', async () => {
    const sizes: number[] = [];
    const product = (t: tf.Tensor2D) => {
      sizes.push(t.shape[0]);
      return hvp({ f: linear, x0, m }, t);
    };
    const before = tf.memory().numTensors;
    const rows = await applyRows(product, Float64Array.from(flat(V)), n, 2);
    expect(sizes.every((k) => k <= 2)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(V.length);
    expect(relErr(rows, flat(matmul(V, matmul(transpose(A), A))))).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    // The budget: the 64-px faces model (12,288 features) gets 42 rows per product, 32-px shapes (3,072) 170.
    expect([rowsPerProduct({ m: 12288 }), rowsPerProduct({ m: 3072 }), rowsPerProduct({ m: 1e9 })]).toEqual([42, 170, 1]);
  });

  it('rejects directions of the wrong length', () => {
    expect(() => jvp({ f: linear, x0, m }, tf.zeros([2, n + 1]) as tf.Tensor2D)).toThrow(/entries/);
  });
});
