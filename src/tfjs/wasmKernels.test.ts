/**
 * The replacement wasm kernels against a float64 reference written as plain loops: conv2d's input and
 * filter gradients for strides 1–3, 'same' and 'valid' padding; matmul with transpose flags. Tolerance:
 * relative error ≤ 1e-5 (float32 accumulation over ≤ 300 terms).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs-core';
import { useBackend } from '../../scripts/lib/tfnode';
import { Rng } from '../util/random';

beforeAll(async () => {
  await useBackend('wasm');
});

function convGradsReference(x: Float64Array, xs: number[], w: Float64Array, ws: number[], dy: Float64Array, info: backend_util.Conv2DInfo) {
  const [B, H, W, C] = xs;
  const [KH, KW, , CO] = ws;
  const { top, left } = info.padInfo;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < B; b++) for (let i = 0; i < info.outHeight; i++) for (let j = 0; j < info.outWidth; j++)
    for (let co = 0; co < CO; co++) {
      const g = dy[((b * info.outHeight + i) * info.outWidth + j) * CO + co];
      for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
        const r = i * info.strideHeight + kh - top;
        const c = j * info.strideWidth + kw - left;
        if (r < 0 || r >= H || c < 0 || c >= W) continue;
        for (let ci = 0; ci < C; ci++) {
          const xi = ((b * H + r) * W + c) * C + ci;
          const wi = ((kh * KW + kw) * C + ci) * CO + co;
          dx[xi] += g * w[wi];
          dw[wi] += g * x[xi];
        }
      }
    }
  return { dx, dw };
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

describe('wasm conv2d gradient kernels', () => {
  const cases: [number, 'same' | 'valid', number, number][] = [
    [1, 'same', 3, 8], [2, 'same', 3, 8], [2, 'valid', 4, 9], [2, 'same', 4, 8], [1, 'valid', 3, 7], [3, 'same', 3, 10], [1, 'same', 1, 5],
  ];
  for (const [s, pad, k, H] of cases) {
    it(`stride ${s}, ${pad}, ${k}×${k} kernel on ${H}×${H}: matches the float64 reference`, () => {
      const rng = new Rng(s * 100 + k * 10 + H);
      const xs = [2, H, H, 3], ws = [k, k, 3, 5];
      const x = Float64Array.from({ length: 2 * H * H * 3 }, () => rng.uniform(-1, 1));
      const w = Float64Array.from({ length: k * k * 15 }, () => rng.uniform(-1, 1));
      const info = backend_util.computeConv2DInfo(xs as [number, number, number, number], ws as [number, number, number, number], s, 1, pad);
      const dy = Float64Array.from({ length: 2 * info.outHeight * info.outWidth * 5 }, () => rng.uniform(-1, 1));
      const before = tf.memory().numTensors;
      const [dxT, dwT] = tf.tidy(() => {
        const xt = tf.tensor4d(Float32Array.from(x), xs as [number, number, number, number]);
        const wt = tf.tensor4d(Float32Array.from(w), ws as [number, number, number, number]);
        const dyt = tf.tensor4d(Float32Array.from(dy), [2, info.outHeight, info.outWidth, 5]);
        // ⟨conv(x, w), dy⟩ has gradients exactly (dx, dw) of the reference.
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dyt)))([xt, wt]);
      });
      const ref = convGradsReference(x, xs, w, ws, dy, info);
      expect(relErr(dxT.dataSync(), ref.dx)).toBeLessThan(1e-5);
      expect(relErr(dwT.dataSync(), ref.dw)).toBeLessThan(1e-5);
      tf.dispose([dxT, dwT]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('second-order: the gradient of the input gradient (double backprop) runs and matches finite differences', () => {
    const x = tf.randomUniform([1, 6, 6, 2], -1, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 2, 2], -1, 1, 'float32', 4) as tf.Tensor4D;
    // f(w) = ‖∂/∂x Σ softplus(conv(x, w))‖² ; compare df/dw·v with a central difference along v.
    const f = (wv: tf.Tensor) => tf.tidy(() => {
      const gx = tf.grad((xv: tf.Tensor) => tf.sum(tf.softplus(tf.conv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, 2, 'same'))))(x);
      return tf.sum(tf.square(gx));
    });
    const v = tf.randomUniform(w.shape, -1, 1, 'float32', 5);
    const g = tf.grad(f)(w);
    const analytic = tf.sum(tf.mul(g, v)).dataSync()[0];
    const eps = 1e-2;
    const fd = (f(tf.add(w, tf.mul(v, eps))).dataSync()[0] - f(tf.sub(w, tf.mul(v, eps))).dataSync()[0]) / (2 * eps);
    expect(Math.abs(analytic - fd) / Math.abs(fd)).toBeLessThan(2e-2);
    tf.dispose([x, w, v, g]);
  });
});

describe('wasm matmul with transpose flags', () => {
  it('equals the explicitly transposed product for every flag combination', () => {
    const a = tf.randomNormal([3, 5, 7], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 7, 4], 0, 1, 'float32', 2);
    const ref = tf.matMul(a, b).arraySync();
    for (const [ta, tb] of [[true, false], [false, true], [true, true]]) {
      const A = ta ? tf.transpose(a, [0, 2, 1]) : a;
      const Bm = tb ? tf.transpose(b, [0, 2, 1]) : b;
      const out = tf.matMul(A, Bm, ta, tb);
      expect(relErr((out.dataSync()), Float64Array.from((ref as number[][][]).flat(2)))).toBeLessThan(1e-6);
      tf.dispose([out, ...(ta ? [A] : []), ...(tb ? [Bm] : [])]);
    }
    tf.dispose([a, b]);
  });
});
