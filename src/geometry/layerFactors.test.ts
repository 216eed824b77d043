/**
 * Layer-range factor energies (layerFactors.ts) on the tiny style fixture (cpu), against an independent
 * computation: central differences of a linear "probe" P·image and of the mse features, on W+ codes built here
 * by hand (w moved on one range of layers), summed over the W basis. Tolerance 1 % relative: float32 differences
 * at ε = 1e-3 agree to 0.3 % (at 1e-2 their truncation error reaches 2.6 %, and shrinks with ε as it should).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { anchorDistance } from '../distance';
import { memoryFiles } from '../model/files';
import type { Generator } from '../model/generator';
import { loadGenerator } from '../model/load';
import { styleModelFolder } from '../model/testing/fixtures';
import type { Dual, ForwardFallback } from '../model/forward/dual';
import { Rng } from '../util/random';
import type { DirectionalRates } from './factorScore';
import { factorEnergies, layerRangeDirections, layerShares, rangeEnergiesAt, STYLE_RANGES, type RangeEnergy } from './layerFactors';
import { layerRange } from './traversal';

let g: Generator;
beforeAll(async () => {
  await tf.setBackend('cpu');
  g = await loadGenerator(memoryFiles('tiny-style', await styleModelFolder()));
});
afterAll(() => g?.dispose());

describe('layer ranges', () => {
  it('places each W basis vector on the layers of the range, and nowhere else', () => {
    const d = layerRangeDirections(3, 2, [1, 3]);
    expect(Array.from(d)).toEqual([0, 0, 1, 0, 1, 0, /* e1 */ 0, 0, 0, 1, 0, 1]);
    expect(() => layerRangeDirections(3, 2, [2, 2])).toThrow(/not a range/);
    expect(() => layerRangeDirections(3, 2, [0, 4])).toThrow(/not a range/);
  });

  it('sums squared rates per factor in fractions of the factor range', () => {
    const rates: DirectionalRates = { k: 2, targets: 3, imageRates: Float64Array.from([3, 4]), targetRates: Float64Array.from([1, 2, 2, 0, 0, 4]) };
    const e = factorEnergies(rates, ['a', 'b_cos', 'b_sin'], [{ name: 'a', targets: ['a'], range: 2 }, { name: 'b', targets: ['b_cos', 'b_sin'] }]);
    expect(e.image).toBe(25);
    expect(Array.from(e.factors)).toEqual([(1 + 0) / 4, 4 + 4 + 16]);
  });

  it('gives per-factor and image shares over ranges, and each factor\'s home range against its image share', () => {
    const pos: RangeEnergy[] = [
      { range: 'coarse', layers: [0, 1], image: 2, factors: [9, 1] },
      { range: 'middle', layers: [1, 2], image: 1, factors: [1, 1] },
      { range: 'fine', layers: [2, 3], image: 1, factors: [0, 8] },
    ];
    const s = layerShares([pos, pos], ['pose', 'colour']);
    expect(s.imageShares).toEqual({ coarse: 0.5, middle: 0.25, fine: 0.25 });
    expect(s.factorShares.pose).toEqual({ coarse: 0.9, middle: 0.1, fine: 0 });
    expect(s.home.colour).toEqual({ range: 'fine', share: 0.8, concentration: 0.8 / 0.25 });
  });

  it('equals central differences of the probe and the image summed over the W basis, range by range', async () => {
    const L = g.styleLayers!, wDim = g.wDim!;
    const [H, W, C] = g.outputShape;
    const T = 3;
    const rng = new Rng(7);
    const P = tf.tensor2d(Float32Array.from(rng.normals(H * W * C * T)), [H * W * C, T]);
    const probe = {
      names: ['a', 'b', 'c'],
      read: (images: tf.Tensor4D) => tf.matMul(images.reshape([images.shape[0], -1]), P),
      pushForward: (image: Dual) => ({
        out: { primal: tf.matMul(image.primal.reshape([1, -1]), P), tangent: image.tangent && tf.matMul(image.tangent.reshape([image.tangent.shape[0], -1]), P) },
        fallbacks: [] as ForwardFallback[],
      }),
    };
    const groups = [{ name: 'a', targets: ['a'], range: 2 }, { name: 'bc', targets: ['b', 'c'] }];
    const z = tf.tensor2d(Float32Array.from(new Rng(3).normals(g.zDim)), [1, g.zDim]);
    const x0 = tf.tidy(() => g.broadcastW!(g.mapZ!(z)));
    const image0 = tf.tidy(() => g.generate(x0, 'wplus') as tf.Tensor4D);
    const dist = anchorDistance('mse', g, image0);
    const before = tf.memory().numTensors;
    const got = await rangeEnergiesAt(g, x0, dist, probe, groups);
    expect(tf.memory().numTensors).toBe(before);

    // Independent: W+ codes with w + ε·eᵢ on the range's layers, images differenced, features and P applied here.
    const eps = 1e-3;
    const base = await x0.data();
    for (const [r, range] of STYLE_RANGES.entries()) {
      const [a, b] = layerRange(L, range);
      let image = 0;
      const factors = [0, 0];
      for (let i = 0; i < wDim; i++) {
        const code = (sign: number) => {
          const c = Float32Array.from(base);
          for (let l = a; l < b; l++) c[l * wDim + i] += sign * eps;
          return tf.tensor3d(c, [1, L, wDim]);
        };
        const [dImg, dT] = tf.tidy(() => {
          const plus = g.generate(code(1), 'wplus') as tf.Tensor4D, minus = g.generate(code(-1), 'wplus') as tf.Tensor4D;
          const df = tf.sub(dist.features(plus), dist.features(minus)).div(2 * eps);
          const dp = tf.sub(probe.read(plus), probe.read(minus)).div(2 * eps);
          return [df.square().sum().dataSync()[0], Array.from(dp.dataSync())];
        });
        image += dImg;
        factors[0] += dT[0] ** 2 / 4;
        factors[1] += dT[1] ** 2 + dT[2] ** 2;
      }
      expect(got[r].range).toBe(range);
      expect(got[r].layers).toEqual([a, b]);
      expect(got[r].image).toBeGreaterThan(0);
      expect(Math.abs(got[r].image - image) / image).toBeLessThan(0.01);
      factors.forEach((v, f) => expect(Math.abs(got[r].factors[f] - v) / v).toBeLessThan(0.01));
    }
    dist.dispose();
    tf.dispose([P, z, x0, image0]);
  });
});
