/**
 * Limits on a generator with a known answer: G(z) draws a small Gaussian blob at x = clamp(4·z₀, −6, 6) px, so the
 * walk w = (D/2)/4 · e₀ shifts it exactly as asked until the blob reaches ±6 px and then stops. The measured change
 * must equal the requested one inside, saturate at the grid's first α past 6 px, and Δμ must be the 12 px the
 * clamp allows; a data set of blobs spread uniformly over ±6 px has the σ of its positions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { samplePriorFrom } from '../model/layersGenerator';
import { defaultAlphas, monotoneOver, steerLimits } from './steerLimits';
import { WALK_FORMAT, type SavedWalk } from './steerWalk';

const D = 32;

function blob(x: number, out: Float32Array, offset: number): void {
  const c = (D - 1) / 2;
  for (let y = 0; y < D; y++) {
    for (let i = 0; i < D; i++) {
      const v = -1 + 2 * Math.exp(-((i - c - x) ** 2 + (y - c) ** 2) / 2);
      out.set([v, v, v], offset + (y * D + i) * 3);
    }
  }
}

const g = {
  manifest: { id: 'blob', output: { height: D, width: D, channels: 3, range: [-1, 1] } },
  zDim: 2, isStyleBased: false, outputShape: [D, D, 3], assumptions: [],
  samplePrior: (seed: number, count: number) => samplePriorFrom('normal', 2, seed, count),
  generate: (z: tf.Tensor) => {
    const v = z.dataSync(), n = z.shape[0];
    const out = new Float32Array(n * D * D * 3);
    for (let k = 0; k < n; k++) blob(Math.max(-6, Math.min(6, 4 * v[2 * k])), out, k * D * D * 3);
    return tf.tensor4d(out, [n, D, D, 3]);
  },
} as unknown as Generator;

const walk: SavedWalk = {
  format: WALK_FORMAT, version: 1, model: 'blob', edit: 'shift-x', kind: 'linear', space: 'z', dim: 2, size: D,
  directions: [[D / 2 / 4, 0]], direction: [D / 2 / 4, 0], training: { steps: 0, lr: 0, loss: 'l2', seed: 0, finalLoss: 0 },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('steerLimits on a clamped blob', () => {
  // z₀ = 0 for every sample, so every blob starts centred: the clamp is reached at exactly ±6 px of walk.
  const zero = { ...g, samplePrior: (_s: number, count: number) => new Float32Array(2 * count) } as Generator;
  it('achieved = requested inside the clamp, saturation just past ±6 px, Δμ = 12 px, data σ of the positions', async () => {
    const data = new Float32Array(200 * D * D * 3);
    const xs = Array.from({ length: 200 }, (_, i) => -6 + (12 * i) / 199);
    xs.forEach((x, i) => blob(x, data, i * D * D * 3));
    const before = tf.memory().numTensors;
    const r = await steerLimits(zero, walk, null, { count: 8, seed: 1, data: { images: data, count: 200 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.alphas).toEqual(defaultAlphas('shift-x', D));
    const m = r.measures[0];
    expect(m.source).toBe('moments');
    r.alphas.forEach((a, i) => expect(m.perAlpha[i].change).toBeCloseTo(Math.max(-6, Math.min(6, a)), 2));
    expect(m.saturation.positive).toBe(r.alphas.find((a) => a > 6));
    expect(m.saturation.negative).toBe([...r.alphas].reverse().find((a) => a < -6));
    expect(m.deltaMu).toBeCloseTo(12, 2);
    expect(m.monotone).toBe(false);
    // Flat beyond the clamp, so not monotone over ±15 px; but it follows all the way to where it saturates.
    expect(m.monotoneToSaturation).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(m.dataSd!).toBeCloseTo(Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)), 2);
    expect(r.fd).toBeNull();
  });
  it('within the clamp the walk is monotone and the requested and achieved shifts correlate perfectly', async () => {
    const r = await steerLimits(zero, walk, null, { count: 6, seed: 2, alphas: [-5, -2, 1, 3] });
    expect(r.measures[0].monotone).toBe(true);
    expect(r.measures[0].pearson).toBeGreaterThan(0.999);
  });
  it('monotoneOver: strict, in the edit\'s direction, only inside [from, to]', () => {
    const alphas = [-3, -2, -1, 0, 1, 2, 3];
    const means = [-2, -2, -1, 0, 1, 1.5, 1.4];
    expect(monotoneOver(alphas, means, -3, 3, 1)).toBe(false);
    expect(monotoneOver(alphas, means, -2, 2, 1)).toBe(true);
    expect(monotoneOver(alphas, means, -2, 2, -1)).toBe(false);
    expect(monotoneOver(alphas, means.map((m) => -m), -2, 2, -1)).toBe(true);
    expect(monotoneOver(alphas, means, 0.5, 1.5, 1)).toBe(false);
  });
  it('bad requests get one sentence', async () => {
    await expect(steerLimits(g, walk, null, { count: 2, seed: 1 })).rejects.toThrow(/4 to 4096 samples/);
    await expect(steerLimits(g, { ...walk, edit: 'zoom' }, null, { count: 8, seed: 1, alphas: [0, 1] })).rejects.toThrow(/positive/);
  });
});
