/**
 * Inversion on models whose answer is known:
 * - a linear generator G(z) = Kᵀz + b (full column rank): the pixel loss is a convex quadratic with its
 *   minimum at the target's own z, so the latent itself must come back, with and without rotating Adam's
 *   coordinates into the eigenbasis of KKᵀ (from an independent float64 eigh of the kernel);
 * - the nearest-start search: when the target is one of the candidates, the start is that candidate, so the
 *   diamond loss is 0 at step 0;
 * - W and W+ of a style fixture, and the errors a user can cause.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { invert } from './inversion';
import { loadGenerator } from '../model/load';
import { memoryFiles } from '../model/files';
import { denseGenerator, manifestFor, serialise, styleModelFolder, zModelFolder, SIZE, Z_DIM } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';
import { eigh } from '../linalg/eigh';

let linear: Generator;
let kernel: Float64Array; // Z_DIM × m
let withD: Generator; // tanh dense generator + discriminator
let style: Generator;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = denseGenerator({ activation: 'linear' });
  kernel = Float64Array.from(model.getLayer('fc').getWeights()[0].dataSync());
  const { json, shard } = await serialise(model);
  model.dispose();
  const manifest = manifestFor('z', { id: 'tiny-linear' });
  delete manifest.discriminator;
  linear = await loadGenerator(memoryFiles('linear', { 'manifest.json': JSON.stringify(manifest), 'generator/model.json': JSON.stringify(json), 'generator/group1-shard1of1.bin': shard }));
  withD = await loadGenerator(memoryFiles('z', await zModelFolder()));
  style = await loadGenerator(memoryFiles('style', await styleModelFolder()));
});

const imageOf = (g: Generator, latent: ArrayLike<number>, space: 'z' | 'w' | 'wplus', shape: number[]) =>
  tf.tidy(() => g.generate(tf.tensor(Float32Array.from(latent), shape), space));

describe('inversion', () => {
  it('linear generator, pixel loss: the target\'s own z comes back, in the original and in the rotated coordinates', async () => {
    const zStar = Array.from(linear.samplePrior(9, 1));
    const target = imageOf(linear, zStar, 'z', [1, Z_DIM]);
    const m = SIZE * SIZE * 3;
    const h = new Float64Array(Z_DIM * Z_DIM);
    for (let i = 0; i < Z_DIM; i++) for (let j = 0; j < Z_DIM; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += kernel[i * m + t] * kernel[j * m + t];
      h[i * Z_DIM + j] = s;
    }
    const basis = eigh(h, Z_DIM).vectors;
    const before = tf.memory().numTensors;
    for (const precondition of ['none', 'hessian'] as const) {
      const r = await invert(linear, target, { loss: 'pixel', init: 'random', starts: 2, steps: 600, lr: 0.05, decayEvery: 300, precondition, basis, tol: 0 });
      const err = Math.hypot(...zStar.map((v, i) => v - r.latent[i]));
      expect(err).toBeLessThan(1e-2);
      expect(r.pixelMse).toBeLessThan(1e-5);
      expect(r.loss[0]).toBeGreaterThan(100 * r.loss[r.loss.length - 1]);
      expect(r.history[0].losses.length).toBe(2);
    }
    expect(tf.memory().numTensors).toBe(before);
    target.dispose();
  });

  it('the nearest start of 50 candidates that include the target\'s latent is that latent: the diamond loss is 0 at step 0', async () => {
    const zs = withD.samplePrior(3, 50);
    const target = imageOf(withD, zs.subarray(17 * Z_DIM, 18 * Z_DIM), 'z', [1, Z_DIM]);
    const r = await invert(withD, target, { loss: 'diamond', init: 'nearest', candidates: 50, seed: 3, steps: 3, beta: 0 });
    expect(r.history[0].losses[0]).toBeLessThan(1e-6);
    // A random start (another prior sample) is far from it.
    const other = await invert(withD, target, { loss: 'diamond', init: 'random', seed: 4, steps: 1, beta: 0 });
    expect(other.history[0].losses[0]).toBeGreaterThan(1e-3);
    target.dispose();
  });

  it('diamond loss from a random start: the loss falls and the image approaches the target', async () => {
    const target = imageOf(withD, withD.samplePrior(11, 1), 'z', [1, Z_DIM]);
    const r = await invert(withD, target, { loss: 'diamond', init: 'random', seed: 5, steps: 300, lr: 0.05, tol: 0 });
    expect(r.steps).toBe(300);
    expect(r.loss[r.loss.length - 1]).toBeLessThan(0.5 * r.loss[0]);
    expect(Number.isFinite(r.featureL1)).toBe(true);
    const start = imageOf(withD, withD.samplePrior(5, 1), 'z', [1, Z_DIM]);
    const startMse = tf.tidy(() => tf.mean(tf.square(tf.sub(start, target))).dataSync()[0]);
    expect(r.pixelMse).toBeLessThan(0.5 * startMse);
    tf.dispose([target, start]);
  });

  it('W and W+ of a style model: pixel loss reaches a generated target, and the latent regenerates it', async () => {
    const w = tf.tidy(() => style.mapZ(tf.tensor2d(style.samplePrior(2, 1), [1, Z_DIM])));
    const wv = Array.from(w.dataSync());
    w.dispose();
    const target = imageOf(style, wv, 'w', [1, wv.length]);
    for (const space of ['w', 'wplus'] as const) {
      const r = await invert(style, target, { space, loss: 'pixel', init: 'random', seed: 6, steps: 300, tol: 0 });
      expect(r.latent.length).toBe(space === 'w' ? style.wDim : style.wDim! * style.styleLayers!);
      expect(r.pixelMse).toBeLessThan(1e-3);
      const again = imageOf(style, r.latent, space, space === 'w' ? [1, style.wDim!] : [1, style.styleLayers!, style.wDim!]);
      const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(again, target))).dataSync()[0]);
      expect(Math.abs(mse - r.pixelMse)).toBeLessThan(1e-6);
      again.dispose();
    }
    target.dispose();
  });

  it('stops when every start\'s loss has stopped changing (|Δ| < tol on 5 steps running)', async () => {
    const target = imageOf(linear, linear.samplePrior(9, 1), 'z', [1, Z_DIM]);
    const r = await invert(linear, target, { loss: 'pixel', init: 'random', steps: 2000, lr: 0.05, decayEvery: 300, tol: 1e-9 });
    expect(r.steps).toBeLessThan(2000);
    const tail = r.loss.slice(-6);
    for (let i = 1; i < tail.length; i++) expect(Math.abs(tail[i] - tail[i - 1])).toBeLessThan(1e-9);
    target.dispose();
  });

  it('says what is wrong: no discriminator for the diamond loss, W on a z-space model, a target of the wrong shape, a bad option', async () => {
    const target = imageOf(linear, linear.samplePrior(1, 1), 'z', [1, Z_DIM]);
    await expect(invert(linear, target, { loss: 'diamond' })).rejects.toThrow(/discriminator.*'pixel'/);
    await expect(invert(linear, target, { loss: 'pixel', space: 'w' })).rejects.toThrow(/style-based/);
    await expect(invert(linear, tf.zeros([1, 4, 4, 3]), { loss: 'pixel' })).rejects.toThrow(/8×8×3/);
    await expect(invert(linear, target, { loss: 'pixel', steps: 0 })).rejects.toThrow(/1 to 5000 steps/);
    await expect(invert(linear, target, { loss: 'pixel', precondition: 'hessian' })).rejects.toThrow(/eigenbasis/);
    target.dispose();
  });
});
