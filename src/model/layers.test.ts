/**
 * The custom layers are twice differentiable in tfjs: for each, the gradient (w.r.t. a parameter
 * direction) of the squared norm of the input-gradient matches a central finite difference. This is the
 * property exact second-order geometry relies on. tanh is included as a known failure of tfjs 4.22
 * (wrong second derivatives through ops that save their output), so the test would notice a fix.
 * Tolerance: 2 % relative (float32 central differences, ε = 1e-3 on O(1) inputs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LeakyReLU2, MinibatchStd, PixelNorm, SoftClip, Upsample2x } from './layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * d/ds at s = 1 of ‖∇ₓ Σ b ⊙ φ((a + s·c) ⊙ x)‖², by autodiff and by central differences, with random
 * a, c (a per-element input scaling moved along c; not a global scale, to which PixelNorm is blind)
 * and b (output weighting, shaped like φ's output).
 */
function secondOrderCheck(phi: (t: tf.Tensor) => tf.Tensor, shape: number[]): { autodiff: number; fd: number } {
  return tf.tidy(() => {
    const x = tf.randomUniform(shape, -1.5, 1.5, 'float32', 7);
    const a = tf.randomUniform(shape, 0.5, 1.5, 'float32', 8);
    const c = tf.randomUniform(shape, -0.5, 0.5, 'float32', 10);
    const b = tf.randomUniform(phi(x).shape, 0.5, 1.5, 'float32', 9);
    const f = (s: tf.Tensor) => {
      const g = tf.grad((xv: tf.Tensor) => tf.sum(tf.mul(phi(tf.mul(xv, tf.add(a, tf.mul(c, s)))), b)))(x);
      return tf.sum(tf.square(g));
    };
    const autodiff = tf.grad(f)(tf.scalar(1)).dataSync()[0];
    const eps = 1e-3;
    const fd = (f(tf.scalar(1 + eps)).dataSync()[0] - f(tf.scalar(1 - eps)).dataSync()[0]) / (2 * eps);
    return { autodiff, fd };
  });
}

const relDiff = ({ autodiff, fd }: { autodiff: number; fd: number }) => Math.abs(autodiff - fd) / Math.max(Math.abs(fd), 1e-6);

describe('second derivatives of the custom layers', () => {
  const layers: [string, tf.layers.Layer, number[]][] = [
    ['LeakyReLU2', new LeakyReLU2({ alpha: 0.2 }), [2, 4, 4, 3]],
    ['LeakyReLU2 gain √2', new LeakyReLU2({ alpha: 0.2, gain: Math.SQRT2 }), [2, 4, 4, 3]],
    ['SoftClip', new SoftClip(), [2, 4, 4, 3]],
    ['PixelNorm', new PixelNorm(), [2, 4, 4, 3]],
    ['Upsample2x', new Upsample2x(), [2, 3, 3, 2]],
    ['Upsample2x bilinear', new Upsample2x({ interpolation: 'bilinear' }), [2, 3, 3, 2]],
    ['MinibatchStd', new MinibatchStd({ groupSize: 2 }), [4, 3, 3, 2]],
  ];
  for (const [name, layer, shape] of layers) {
    it(`${name}: autodiff second derivative matches finite differences`, () => {
      const check = secondOrderCheck((t) => layer.apply(t) as tf.Tensor, shape);
      expect(relDiff(check)).toBeLessThan(2e-2);
    });
  }

  it('LeakyReLU2 equals leaky ReLU', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const y = new LeakyReLU2({ alpha: 0.2 }).apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.leakyRelu(x, 0.2).dataSync()));
  });

  it('LeakyReLU2 with a gain scales leaky ReLU, and writes the gain only when it is not 1', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const layer = new LeakyReLU2({ alpha: 0.2, gain: Math.SQRT2 });
    const y = layer.apply(x) as tf.Tensor;
    const expected = [-2, -0.5, 0, 0.5, 2].map((v) => Math.SQRT2 * (v > 0 ? v : 0.2 * v));
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(layer.getConfig().gain).toBe(Math.SQRT2);
    expect(new LeakyReLU2({ alpha: 0.2 }).getConfig()).not.toHaveProperty('gain');
    tf.dispose([x, y]);
  });

  it('tfjs tanh still has wrong second derivatives (why SoftClip exists)', () => {
    // If this starts failing, tfjs fixed the saved-output clone bug and tanh becomes usable again.
    expect(relDiff(secondOrderCheck(tf.tanh, [2, 4, 4, 3]))).toBeGreaterThan(0.1);
  });
});

describe('Upsample2x', () => {
  it('is nearest-neighbour upsampling', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const y = new Upsample2x().apply(x) as tf.Tensor;
    const ref = tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [4, 4]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(ref.dataSync()));
  });
  it('bilinear equals TF.js resizeBilinear with half-pixel centres, and leaks no tensor', () => {
    for (const shape of [[2, 3, 5, 2], [1, 1, 4, 3], [1, 4, 1, 1]] as [number, number, number, number][]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const before = tf.memory().numTensors;
      const y = new Upsample2x({ interpolation: 'bilinear' }).apply(x) as tf.Tensor;
      expect(tf.memory().numTensors).toBe(before + 1); // the output only: no intermediate is left behind
      const [diff, nearestDiff] = tf.tidy(() => {
        const ref = tf.image.resizeBilinear(x as tf.Tensor4D, [shape[1] * 2, shape[2] * 2], false, true);
        expect(y.shape).toEqual(ref.shape);
        // A different filter (nearest) is far from the reference: the comparison can fail.
        const nearest = new Upsample2x().apply(x) as tf.Tensor;
        return [tf.max(tf.abs(y.sub(ref))).dataSync()[0], tf.max(tf.abs(nearest.sub(ref))).dataSync()[0]];
      });
      expect(diff).toBeLessThan(1e-6);
      expect(nearestDiff).toBeGreaterThan(0.05);
      tf.dispose([x, y]);
    }
  });
  it('names its interpolation in the config only when bilinear, and refuses an unknown one', () => {
    expect(new Upsample2x().getConfig()).not.toHaveProperty('interpolation');
    expect(new Upsample2x({ interpolation: 'bilinear' }).getConfig()).toMatchObject({ interpolation: 'bilinear' });
    expect(() => new Upsample2x({ interpolation: 'bicubic' })).toThrow(/unknown interpolation 'bicubic'/);
  });
});
