import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { anchorTerms } from './anchor';

const B = 3;
const Z = 4;
const side = 2;
const pixels = side * side * 1;

/** A decoder whose image is the first `pixels` entries of z, so the reconstruction is readable. */
const decodeFirst = (z: tf.Tensor2D) => z.slice([0, 0], [B, pixels]).reshape([B, side, side, 1]) as tf.Tensor4D;

function posteriorOf(mu: number[][], logVar: number[][]): tf.Tensor2D {
  return tf.tensor2d(mu.map((m, i) => [...m, ...logVar[i]]));
}

/** float64 KL(N(μ, σ²) ‖ N(0, I)) summed over dims, averaged over rows, divided by the pixels. */
function klReference(mu: number[][], logVar: number[][]): number {
  let total = 0;
  mu.forEach((m, i) => m.forEach((v, j) => { total += 0.5 * (v * v + Math.exp(logVar[i][j]) - 1 - logVar[i][j]); }));
  return total / mu.length / pixels;
}

describe('anchorTerms (VAE term of an encoder-anchored GAN)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  const mu = [[0.5, -1, 2, 0.1], [0, 0.3, -0.7, 1.5], [-2, 1, 0, 0.25]];
  const logVar = [[0, -1, 0.5, -3], [1, 0.2, -0.4, 0], [-2, 2, 0.1, -0.5]];
  const real = tf.tensor4d(Array.from({ length: B * pixels }, (_, i) => Math.sin(i)), [B, side, side, 1]);

  it('KL matches the closed form in float64, and is zero at the prior', () => {
    const t = anchorTerms(posteriorOf(mu, logVar), tf.zeros([B, Z]), real, decodeFirst, 1);
    expect(t.kl.dataSync()[0]).toBeCloseTo(klReference(mu, logVar), 5);
    const atPrior = anchorTerms(tf.zeros([B, 2 * Z]), tf.zeros([B, Z]), real, decodeFirst, 1);
    expect(atPrior.kl.dataSync()[0]).toBe(0);
  });

  it('reconstructs from z = μ + σ·ε and weighs the mean squared error', () => {
    const eps = [[1, -1, 0.5, 2], [0, 1, -2, 1], [0.3, 0.3, 0.3, 0.3]];
    const weight = 50;
    const t = anchorTerms(posteriorOf(mu, logVar), tf.tensor2d(eps), real, decodeFirst, weight);
    const r = real.arraySync().flat(3) as number[];
    let se = 0;
    mu.forEach((m, i) => m.forEach((v, j) => {
      const z = v + Math.exp(logVar[i][j] / 2) * eps[i][j];
      se += (z - r[i * pixels + j]) ** 2;
    }));
    const mse = se / (B * pixels);
    expect(t.squaredError.dataSync()[0]).toBeCloseTo(mse, 5);
    expect(t.loss.dataSync()[0]).toBeCloseTo(weight * mse + klReference(mu, logVar), 3);
  });

  it('gradient of the KL part: μ/(B·pixels) for μ and ½(σ² − 1)/(B·pixels) for log σ²', () => {
    const constant = () => tf.zeros([B, side, side, 1]) as tf.Tensor4D;
    const g = tf.grad((p: tf.Tensor) => anchorTerms(p as tf.Tensor2D, tf.ones([B, Z]), real, constant, 7).loss)(posteriorOf(mu, logVar));
    const got = g.arraySync() as number[][];
    mu.forEach((m, i) => m.forEach((v, j) => {
      expect(got[i][j]).toBeCloseTo(v / (B * pixels), 6);
      expect(got[i][Z + j]).toBeCloseTo(0.5 * (Math.exp(logVar[i][j]) - 1) / (B * pixels), 6);
    }));
  });

  it('clips log σ² at ±8, so an outlier cannot overflow exp()', () => {
    const t = anchorTerms(posteriorOf([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], [[200, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), tf.zeros([B, Z]), real, decodeFirst, 1);
    const kl = t.kl.dataSync()[0];
    expect(Number.isFinite(kl)).toBe(true);
    expect(kl).toBeCloseTo(0.5 * (Math.exp(8) - 1 - 8) / B / pixels, 1);
  });

  it('leaves no tensors behind inside a tidy', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => { anchorTerms(posteriorOf(mu, logVar), tf.ones([B, Z]), real, decodeFirst, 3).loss.dataSync(); });
    expect(tf.memory().numTensors).toBe(before);
  });
});
