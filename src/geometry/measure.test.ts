/**
 * measure.ts on a linear map f(x) = x·B (cpu backend): α(v) measured through the map by JVPs equals
 * |vB|²/|v|² computed here in float64 from the same seeded draws (≤ 1e-5 relative: the JVPs run in
 * float32), and directionRates of unnormalised rows scale with their length.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/random';
import { directionRates, measuredAlpha } from './measure';
import type { Linearisation } from './hvp';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('measured α(v) and rates', () => {
  const n = 5, m = 7;
  const rng = new Rng(1);
  const B = Float64Array.from({ length: n * m }, () => rng.normal());
  const lin = (x0: tf.Tensor): Linearisation => ({ f: (x) => tf.matMul(x as tf.Tensor2D, tf.tensor2d(Float32Array.from(B), [n, m])), x0, m });

  it('α(v) = |vB|²/|v|² for the same Gaussian draws', async () => {
    const x0 = tf.tensor2d([[0.3, -1, 2, 0, 0.5]]);
    const before = tf.memory().numTensors;
    const alpha = await measuredAlpha(lin(x0), 40, 9);
    expect(tf.memory().numTensors).toBe(before);
    const draws = new Rng(9);
    for (let s = 0; s < 40; s++) {
      const v = Array.from({ length: n }, () => draws.normal());
      let num = 0;
      for (let j = 0; j < m; j++) {
        let y = 0;
        for (let i = 0; i < n; i++) y += v[i] * B[i * m + j];
        num += y * y;
      }
      const expected = num / v.reduce((a, x) => a + x * x, 0);
      expect(Math.abs(alpha[s] - expected) / expected).toBeLessThan(1e-5);
    }
    x0.dispose();
  });

  it('rates scale with the direction length', async () => {
    const x0 = tf.tensor2d([[1, 1, 1, 1, 1]]);
    const v = Float64Array.from([1, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    const r = await directionRates(lin(x0), v, 2);
    expect(r[1] / r[0]).toBeCloseTo(3, 5);
    x0.dispose();
  });
});
