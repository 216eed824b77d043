/**
 * Initialisation (issue 11 item 3): every layer with random initial weights draws from its own seed,
 * derived from the model seed and the layer name by FNV-1a, as training/atlas_train/layers.py does.
 * - fnv1a32 / layerSeed against values computed independently with Python (`layer_seed` in layers.py,
 *   and the published FNV-1a test vectors);
 * - layers of one class with different names start from uncorrelated kernels (|cos| < 0.1 between the
 *   flattened kernels' equal-length prefixes; independent N(0,1) draws of ≥ 1,024 values give |cos| ≈ 0.03,
 *   where the old per-class seeds gave 1.0); the same name gives the same kernel; an explicit seed
 *   overrides the name and is kept through getConfig.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fnv1a32, layerSeed } from '../util/random';
import { AFFINE_SEED_XOR, ConstInput, EqConv2D, EqDense, ModConv2D } from './layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('layer seeds', () => {
  it('fnv1a32 gives the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it("layerSeed equals Python's layer_seed (values computed with training/atlas_train/layers.py)", () => {
    // /usr/bin/python3 -c "from atlas_train.layers import layer_seed; print(layer_seed(0, 'map_dense0'))" etc.
    expect(layerSeed(0, '')).toBe(49103232);
    expect(layerSeed(0, 'map_dense0')).toBe(3430328790);
    expect(layerSeed(0, 'map_dense1')).toBe(3447106409);
    expect(layerSeed(1, 'conv4')).toBe(1795297125);
    expect(layerSeed(7, 'to_rgb')).toBe(2329910818);
    expect(layerSeed(123456, 'feat_a')).toBe(2103802787);
    expect(layerSeed(0, 'ü/π 変換')).toBe(4209838165); // UTF-8 bytes, not UTF-16 code units
    // ModConv2D's affine: seed ^ 0x5BD1E995 (Python: 0xa13ce1c0 for the seed above).
    expect((layerSeed(0, 'ü/π 変換') ^ AFFINE_SEED_XOR) >>> 0).toBe(0xa13ce1c0);
  });
});

/** Build `layer` for `inputShape` and return each of its initial weights, flattened, by short name (then free them). */
function initialWeights(layer: tf.layers.Layer, inputShape: tf.Shape | tf.Shape[]): Record<string, Float32Array> {
  layer.build(inputShape);
  const out: Record<string, Float32Array> = {};
  for (const w of layer.weights) {
    out[w.originalName.split('/').at(-1)!] = w.read().dataSync() as Float32Array;
    w.dispose();
  }
  return out;
}

function cosine(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** Largest |cos| between any two of the arrays (equal-length prefixes). */
function maxAbsCos(arrays: Float32Array[]): number {
  let worst = 0;
  for (let i = 0; i < arrays.length; i++) for (let j = i + 1; j < arrays.length; j++) worst = Math.max(worst, Math.abs(cosine(arrays[i], arrays[j])));
  return worst;
}

const NAMES = ['map_dense0', 'map_dense1', 'map_dense2', 'map_dense3', 'fc', 'score'];

describe('initial kernels', () => {
  const kinds: [string, (name: string, seed?: number) => tf.layers.Layer, tf.Shape | tf.Shape[], string][] = [
    ['EqDense', (name, seed) => new EqDense({ units: 64, lrMul: 0.01, name, seed }), [null, 64], 'kernel'],
    ['EqConv2D', (name, seed) => new EqConv2D({ filters: 16, kernelSize: 3, name, seed }), [null, 8, 8, 16], 'kernel'],
    ['ModConv2D', (name, seed) => new ModConv2D({ filters: 16, kernelSize: 3, name, seed }), [[null, 8, 8, 16], [null, 64]], 'kernel'],
    ['ConstInput', (name, seed) => new ConstInput({ size: 8, channels: 16, name, seed }), [null, 4], 'value'],
  ];
  for (const [kind, make, shape, weight] of kinds) {
    it(`${kind}: different names give uncorrelated kernels, the same name the same kernel`, () => {
      const kernels = NAMES.map((name) => initialWeights(make(name), shape)[weight]);
      expect(kernels[0].length).toBeGreaterThanOrEqual(1024);
      expect(maxAbsCos(kernels)).toBeLessThan(0.1);
      const again = initialWeights(make(NAMES[1]), shape)[weight];
      expect(Array.from(again)).toEqual(Array.from(kernels[1]));
    });
  }

  it('all four classes together: no two layers of a model start correlated', () => {
    const all = kinds.flatMap(([, make, shape, weight], k) => NAMES.map((name) => initialWeights(make(`${name}_${k}`), shape)[weight]));
    expect(maxAbsCos(all)).toBeLessThan(0.1);
  });

  it("ModConv2D's affine is uncorrelated with its kernel and with other layers' affines", () => {
    const shape: tf.Shape[] = [[null, 8, 8, 16], [null, 64]];
    const ws = NAMES.map((name) => initialWeights(new ModConv2D({ filters: 16, kernelSize: 3, name }), shape));
    expect(maxAbsCos(ws.map((w) => w.affine))).toBeLessThan(0.1);
    for (const w of ws) expect(Math.abs(cosine(w.affine, w.kernel))).toBeLessThan(0.1);
  });

  it('an explicit seed replaces the name, is kept in the config, and seed 0 is still deterministic', () => {
    const shape: tf.Shape = [null, 64];
    const a = initialWeights(new EqDense({ units: 64, name: 'a', seed: 42 }), shape).kernel;
    const b = initialWeights(new EqDense({ units: 64, name: 'b', seed: 42 }), shape).kernel;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.abs(cosine(a, initialWeights(new EqDense({ units: 64, name: 'a' }), shape).kernel))).toBeLessThan(0.1);
    expect((new EqDense({ units: 4, name: 'c', seed: 42 }).getConfig() as tf.serialization.ConfigDict).seed).toBe(42);
    expect((new EqDense({ units: 4, name: 'c' }).getConfig() as tf.serialization.ConfigDict).seed).toBeUndefined();
    // tfjs would treat seed 0 as "no seed" and draw from Math.random; the layers do not.
    const z1 = initialWeights(new EqConv2D({ filters: 4, kernelSize: 3, name: 'z1', seed: 0 }), [null, 4, 4, 4]).kernel;
    const z2 = initialWeights(new EqConv2D({ filters: 4, kernelSize: 3, name: 'z2', seed: 0 }), [null, 4, 4, 4]).kernel;
    expect(Array.from(z1)).toEqual(Array.from(z2));
  });
});
