/**
 * SSIM against a float64 loop implementation of the same definition (≤ 1e-5 absolute; float32 sums of
 * 121 products), and its closed-form Hessian M against second-order autodiff of 1 − SSIM (≤ 1e-4
 * relative: float32, with 1/c up to 1/C2 ≈ 1100 in flat windows), plus the window's own algebra.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { anchorSsim, ssim } from './ssim';
import { GaussianWindow } from './window';
import { hvpBackprop } from '../geometry/hvp';
import { eigh } from '../linalg/eigh';
import { Rng } from '../util/random';
import type { ImageFormat } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const H = 7, W = 6, C = 2;
const format: ImageFormat = { shape: [H, W, C], range: [-1, 1] };
const rng = new Rng(11);
/** A smooth-ish random image in (−1, 1) with some flat and some textured windows. */
const image = () => Float32Array.from({ length: H * W * C }, (_, i) => 0.6 * Math.sin(i * 0.7 + rng.normal()) * (i % 5 === 0 ? 0.1 : 1));
const a = image(), b = image();

function relErr(x: ArrayLike<number>, y: ArrayLike<number>) {
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) { num += (x[i] - y[i]) ** 2; den += y[i] ** 2; }
  return Math.sqrt(num / den);
}

/** The value of a scalar tensor computed in a tidy, freed after reading. */
function scalar(fn: () => tf.Tensor): number {
  const t = tf.tidy(fn);
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** SSIM in float64 with the same renormalised, truncated 11×11 Gaussian windows, images in [−1, 1]. */
function ssimReference(x: Float32Array, y: Float32Array): number {
  const taps = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const weights = (centre: number, size: number) => {
    const w = Array.from({ length: size }, (_, i) => (Math.abs(i - centre) <= 5 ? taps[i - centre + 5] : 0));
    const s = w.reduce((p, q) => p + q, 0);
    return w.map((v) => v / s);
  };
  const at = (img: Float32Array, i: number, j: number, c: number) => (img[(i * W + j) * C + c] + 1) / 2;
  let total = 0;
  for (let c = 0; c < C; c++) for (let r = 0; r < H; r++) for (let q = 0; q < W; q++) {
    const wr = weights(r, H), wq = weights(q, W);
    let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
      const g = wr[i] * wq[j], u = at(x, i, j, c), v = at(y, i, j, c);
      mx += g * u; my += g * v; xx += g * u * u; yy += g * v * v; xy += g * u * v;
    }
    const vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
    total += ((2 * mx * my + 1e-4) * (2 * cxy + 9e-4)) / ((mx * mx + my * my + 1e-4) * (vx + vy + 9e-4));
  }
  return total / (H * W * C);
}

describe('Gaussian window', () => {
  it('averages (a constant stays constant up to the border) and has the adjoint it claims', () => {
    const before = tf.memory().numTensors;
    const win = new GaussianWindow(H, W);
    const x = tf.tensor4d(a, [1, H, W, C]), y = tf.tensor4d(b, [1, H, W, C]);
    const ones = tf.tidy(() => win.mean(tf.fill([1, H, W, C], 3) as tf.Tensor4D));
    expect(Math.max(...Array.from(ones.dataSync(), (v) => Math.abs(v - 3)))).toBeLessThan(1e-5);
    const lhs = scalar(() => tf.sum(tf.mul(win.mean(x), y)));
    const rhs = scalar(() => tf.sum(tf.mul(x, win.meanAdjoint(y))));
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.abs(lhs));
    win.dispose();
    tf.dispose([x, y, ones]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SSIM distance', () => {
  const x0 = tf.tensor4d(a, [1, H, W, C]);

  it('matches the float64 reference, is 1 for identical images, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const s = ssim(format, tf.tensor4d(b, [1, H, W, C]), x0);
    expect(Math.abs(s.dataSync()[0] - ssimReference(b, a))).toBeLessThan(1e-5);
    const self = ssim(format, x0, x0);
    expect(self.dataSync()[0]).toBeCloseTo(1, 6);
    tf.dispose([s, self]);
    expect(tf.memory().numTensors).toBe(before + 1); // the tensor4d(b) argument
  });

  it('has the closed-form Hessian M at x₀ (checked by second-order autodiff), symmetric and PSD', () => {
    const d = anchorSsim(format, x0);
    const m = H * W * C;
    const eye = tf.eye(m) as tf.Tensor2D;
    const closed = d.weight!(eye).dataSync();
    const flat0 = x0.reshape([1, m]);
    const autodiff = hvpBackprop((x) => d.squared(x.reshape([-1, H, W, C]) as tf.Tensor4D), flat0, eye).dataSync();
    // The Hessian in φ-coordinates (images scaled to [0, 1]) is M; in image coordinates it is M/(hi − lo)².
    const scaled = Float64Array.from(closed, (v) => v / 4);
    expect(relErr(autodiff, scaled)).toBeLessThan(1e-4);
    let asym = 0, norm = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { asym += (closed[i * m + j] - closed[j * m + i]) ** 2; norm += closed[i * m + j] ** 2; }
    expect(Math.sqrt(asym / norm)).toBeLessThan(1e-6);
    const e = eigh(Float64Array.from(closed), m);
    expect(e.values[m - 1]).toBeGreaterThan(-1e-6 * e.values[0]);
    tf.dispose([eye, flat0]);
    d.dispose();
  });

  it('is locally ½δᵀMδ: d²(x₀ + tδ) / (½t²·δᵀMδ) → 1', () => {
    const d = anchorSsim(format, x0);
    const delta = Float32Array.from({ length: H * W * C }, () => rng.normal());
    const t = 1e-2;
    const x = tf.tidy(() => tf.add(x0, tf.mul(tf.tensor4d(delta, [1, H, W, C]), t)) as tf.Tensor4D);
    const value = d.squared(x).dataSync()[0];
    // δ in φ-coordinates is δ/2 (range 2); second-order Taylor: d² ≈ ½ (tδ/2)ᵀ M (tδ/2).
    const phiDelta = tf.tensor2d(Float32Array.from(delta, (v) => v / 2), [1, H * W * C]);
    const quad = tf.sum(tf.mul(phiDelta, d.weight!(phiDelta))).dataSync()[0];
    expect(value / (0.5 * t * t * quad)).toBeCloseTo(1, 1);
    tf.dispose([x, phiDelta]);
    d.dispose();
  });
});
