/**
 * The Generator built on LayersModels: prior sampling, latent spaces, RGBA conversion, the
 * discriminator's outputs, gradients through generate, and disposal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { memoryFiles } from './files';
import type { Generator } from './generator';
import { LayersGenerator, samplePriorFrom } from './layersGenerator';
import { loadGenerator } from './load';
import { denseGenerator, manifestFor, styleModelFolder, zModelFolder, Z_DIM } from './testing/fixtures';

let zModel: Generator;
let styleModel: Generator;

beforeAll(async () => {
  await tf.setBackend('cpu');
  zModel = await loadGenerator(memoryFiles('z', await zModelFolder()));
  styleModel = await loadGenerator(memoryFiles('style', await styleModelFolder()));
});

const rowNorms = (z: Float32Array, dim: number) =>
  Array.from({ length: z.length / dim }, (_, i) => Math.hypot(...z.subarray(i * dim, (i + 1) * dim)));

describe('samplePrior', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(zModel.samplePrior(7, 3)).toEqual(zModel.samplePrior(7, 3));
    expect(zModel.samplePrior(7, 3)).not.toEqual(zModel.samplePrior(8, 3));
    expect(zModel.samplePrior(7, 3).length).toBe(3 * Z_DIM);
  });

  it('draws standard normals for the normal prior', () => {
    const z = samplePriorFrom('normal', 10, 1, 2000);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('draws from U(-1, 1) for the uniform prior', () => {
    const z = samplePriorFrom('uniform', 10, 1, 500);
    expect(Math.min(...z)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...z)).toBeLessThan(1);
    expect(Math.min(...z)).toBeLessThan(-0.95);
  });

  it('puts sphere samples on the sphere of radius √dim', () => {
    for (const norm of rowNorms(samplePriorFrom('sphere', 16, 3, 20), 16)) expect(norm).toBeCloseTo(4, 4);
  });
});

describe('latent spaces', () => {
  it('refuses W and W+ on a z-space model with a clear message', () => {
    const z = tf.zeros([1, Z_DIM]) as tf.Tensor2D;
    expect(() => zModel.generate(z, 'w')).toThrow(/has no mapping network, so it has no W space; use space 'z'/);
    expect(() => zModel.generate(z, 'wplus')).toThrow(/no W\+ space/);
    expect(() => zModel.mapZ(z)).toThrow(/no mapping network/);
    z.dispose();
  });

  it('refuses a latent of the wrong shape', () => {
    const z = tf.zeros([2, Z_DIM + 1]);
    expect(() => zModel.generate(z)).toThrow(/expects z of shape \[null,4\], not \[2,5\]/);
    expect(() => styleModel.generate(z, 'wplus')).toThrow(/expects w\+ of shape \[null,3,6\], not \[2,5\]/);
    z.dispose();
  });

  it('broadcasts w to every style layer', () => {
    tf.tidy(() => {
      const w = tf.randomNormal([2, 6]) as tf.Tensor2D;
      const wplus = styleModel.broadcastW(w);
      expect(wplus.shape).toEqual([2, 3, 6]);
      expect(tf.max(tf.abs(tf.sub(wplus.slice([0, 2, 0], [2, 1, 6]).reshape([2, 6]), w))).dataSync()[0]).toBe(0);
    });
  });

  it('lets gradients flow from the image back to z (geometry needs them)', () => {
    tf.tidy(() => {
      const z = tf.tensor2d(styleModel.samplePrior(2, 1), [1, Z_DIM]);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.square(styleModel.generate(x))))(z);
      const values = grad.dataSync();
      expect(values.every(Number.isFinite)).toBe(true);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0);
    });
  });
});

describe('toRGBA', () => {
  it('maps the output range to 0..255, replicates grey and sets alpha to 255', async () => {
    const manifest = manifestFor('z', { output: { height: 1, width: 3, channels: 1, range: [-1, 1] }, discriminator: undefined });
    const model = denseGenerator({ size: 1, channels: 1 });
    const g = new LayersGenerator({ manifest, assumptions: [], generator: model });
    const images = tf.tensor4d([-1, 0, 1.5], [1, 1, 3, 1]);
    expect(Array.from(await g.toRGBA(images))).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
    images.dispose();
    g.dispose();
  });

  it('uses the manifest range, e.g. [0, 1], for colour images', async () => {
    const manifest = manifestFor('z', { output: { height: 1, width: 1, channels: 3, range: [0, 1] } });
    const g = new LayersGenerator({ manifest, assumptions: [], generator: denseGenerator({ size: 1 }) });
    const images = tf.tensor4d([0, 0.5, 1], [1, 1, 1, 3]);
    expect(Array.from(await g.toRGBA(images))).toEqual([0, 128, 255, 255]);
    images.dispose();
    g.dispose();
  });
});

describe('discriminator and disposal', () => {
  it('gives one score per image and the named feature maps, fine to coarse', () => {
    tf.tidy(() => {
      const images = styleModel.generate(tf.tensor2d(styleModel.samplePrior(1, 3), [3, Z_DIM]));
      expect(styleModel.discriminatorScore!(images).shape).toEqual([3]);
      expect(styleModel.discriminatorFeatures!(images).map((f) => f.shape)).toEqual([[3, 8, 8, 4], [3, 4, 4, 4]]);
    });
  });

  it('has no discriminator methods when the model ships none', () => {
    const manifest = manifestFor('z', { discriminator: undefined });
    const g = new LayersGenerator({ manifest, assumptions: [], generator: denseGenerator() });
    expect(g.discriminatorScore).toBeUndefined();
    expect(g.discriminatorFeatures).toBeUndefined();
    g.dispose();
  });

  it('frees every weight on dispose and refuses work afterwards', async () => {
    const before = tf.memory().numTensors;
    const g = await loadGenerator(memoryFiles('style', await styleModelFolder()));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const z = tf.zeros([1, Z_DIM]);
    expect(() => g.generate(z)).toThrow(/has been disposed/);
    z.dispose();
  });
});
