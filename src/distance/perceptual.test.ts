/**
 * Perceptual and pixel distances on a tiny LayersGenerator whose discriminator has a minibatch-stddev
 * layer (as the bundled ones do) in front of its second feature layer: batched features must equal
 * one-image features (≤ 1e-6 absolute; the padding to a prime batch is what makes that true).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { anchorDistance, formatOf } from '.';
import { independentBatchSize, perceptualFeatures } from './perceptual';
import { anchorMse } from './mse';
import { LayersGenerator } from '../model/layersGenerator';
import { EqConv2D, LeakyReLU2, MinibatchStd } from '../model/layers';
import { denseGenerator, FEATURE_LAYERS, manifestFor, SIZE } from '../model/testing/fixtures';
import type { Generator } from '../model/generator';

type Sym = tf.SymbolicTensor;
let g: Generator;

/** Image → two feature maps, the second after a MinibatchStd (which mixes the batch). */
function mixingDiscriminator(): tf.LayersModel {
  const img = tf.input({ shape: [SIZE, SIZE, 3], name: 'image' });
  let x = new EqConv2D({ filters: 4, kernelSize: 3, name: 'conv0' }).apply(img) as Sym;
  x = new LeakyReLU2({ name: FEATURE_LAYERS[0] }).apply(x) as Sym;
  x = new MinibatchStd({ name: 'mbstd' }).apply(x) as Sym;
  x = new EqConv2D({ filters: 4, kernelSize: 3, strides: 2, name: 'down0' }).apply(x) as Sym;
  x = new LeakyReLU2({ name: FEATURE_LAYERS[1] }).apply(x) as Sym;
  return tf.model({ inputs: img, outputs: x, name: 'discriminator' });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  g = new LayersGenerator({
    manifest: manifestFor('z'), assumptions: [],
    generator: denseGenerator({ activation: 'linear' }), discriminator: mixingDiscriminator(),
  });
});

afterAll(() => g.dispose());

const images = (seed: number, count: number) =>
  tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(seed, count), [count, g.zDim]), 'z'));

describe('perceptual distance', () => {
  it('pads batches to a prime above the group sizes', () => {
    expect([1, 2, 4, 11, 12, 32, 64].map(independentBatchSize)).toEqual([1, 11, 11, 11, 13, 37, 67]);
  });

  it('gives each image the features it has alone, though the discriminator mixes the batch', () => {
    const x = images(1, 4);
    const before = tf.memory().numTensors;
    const fn = g.discriminatorFeatures!.bind(g);
    const batched = perceptualFeatures(fn, x);
    const single = tf.tidy(() => tf.concat([0, 1, 2, 3].map((i) => perceptualFeatures(fn, x.slice(i, 1))), 0));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(batched, single))));
    expect(diff.dataSync()[0]).toBeLessThan(1e-6);
    // Without the padding the raw maps do differ (so the test would notice if the padding went away).
    const raw = tf.tidy(() => {
      const all = fn(x)[1];
      const first = fn(x.slice(0, 1))[1];
      return tf.max(tf.abs(tf.sub(all.slice(0, 1), first)));
    });
    expect(raw.dataSync()[0]).toBeGreaterThan(1e-4);
    tf.dispose([batched, single, diff, raw]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('unit-normalises channels per position and scales each layer by 1/√(H·W)', () => {
    const x = images(2, 1);
    const phi = perceptualFeatures(g.discriminatorFeatures!.bind(g), x);
    const values = phi.dataSync();
    // Layer a: SIZE×SIZE positions × 4 channels; each position's vector has norm 1/SIZE.
    for (let p = 0; p < SIZE * SIZE; p += 7) {
      const norm = Math.hypot(...values.subarray(p * 4, p * 4 + 4));
      expect(norm * SIZE).toBeCloseTo(1, 5);
    }
    expect(phi.shape[1]).toBe(SIZE * SIZE * 4 + (SIZE / 2) * (SIZE / 2) * 4);
    tf.dispose([x, phi]);
  });

  it('is zero at the anchor, ½LPIPS elsewhere, and refuses models without a discriminator', () => {
    const x = images(3, 2);
    const x0 = x.slice(0, 1);
    const d = anchorDistance('perceptual', g, x0);
    const sq = d.squared(x).dataSync();
    expect(sq[0]).toBe(0);
    expect(sq[1]).toBeGreaterThan(0);
    d.dispose();
    const bare = { ...g, manifest: g.manifest, discriminatorFeatures: undefined } as unknown as Generator;
    expect(() => anchorDistance('perceptual', bare, x0)).toThrow(/no discriminator/);
    tf.dispose([x, x0]);
  });
});

describe('pixel distance', () => {
  it('is half the mean squared difference in units of the output range', () => {
    const x0 = tf.zeros([1, SIZE, SIZE, 3]) as tf.Tensor4D;
    const shifted = tf.fill([1, SIZE, SIZE, 3], 0.2) as tf.Tensor4D; // δ = 0.2 of a range of 2 → 0.1
    const d = anchorMse(formatOf(g), x0);
    expect(d.squared(shifted).dataSync()[0]).toBeCloseTo(0.5 * 0.1 ** 2, 7);
    expect(d.m).toBe(SIZE * SIZE * 3);
    d.dispose();
    tf.dispose([x0, shifted]);
  });
});
