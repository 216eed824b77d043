/**
 * Forward mode through a network (src/model/forward) against two independent routes to the same Jacobian:
 * - the batched double-VJP trick (reverse mode twice, src/geometry/jacobian.ts), ≤ 1e-5 relative to the
 *   Jacobian's largest entry, wherever tfjs has the second derivatives it needs;
 * - central differences (float32, step 1e-3 of the input scale), ≤ 2e-3 relative, for every case — the only
 *   route for layers without second derivatives in tfjs (UpSampling2D, ELU). Models here are smooth or
 *   evaluated away from kinks, so that bound holds; a wrong rule (a missing factor, a transposed kernel)
 *   is off by O(1).
 * Also: the primal equals the model's own output, layers without a rule are reported with how their
 * derivative was taken, and no tensor is left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { pushForward } from './interpret';
import type { ForwardFallback } from './dual';
import { jacobianExact, jacobianFD } from '../../geometry/jacobian';
import { discriminator, styleMapping, styleSynthesis, FEATURE_LAYERS } from '../testing/fixtures';
import { LeakyReLU2, MinibatchStd, PixelNorm, SoftClip, Upsample2x } from '../layers';

type Sym = tf.SymbolicTensor;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** J by forward mode at x0 [1, ...s] with the n unit directions: rows of Jᵀ (n × m). */
function forwardJacobian(model: tf.LayersModel, x0: tf.Tensor, outputs?: Sym[]) {
  let fallbacks: ForwardFallback[] = [];
  const both = tf.tidy(() => {
    const n = x0.size;
    const dirs = tf.eye(n).reshape([n, ...x0.shape.slice(1)]);
    const pass = pushForward(model, [{ primal: x0, tangent: dirs }], outputs);
    fallbacks = pass.fallbacks;
    const out = pass.outputs.map((d) => tf.concat([d.primal.reshape([1, -1]), d.tangent!.reshape([n, -1])], 0));
    return (out.length === 1 ? out[0] : tf.concat(out, 1)) as tf.Tensor2D;
  });
  const data = both.arraySync();
  both.dispose();
  return { primal: data[0], jt: Float64Array.from(data.slice(1).flat()), fallbacks };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const apply = (model: tf.LayersModel) => (x: tf.Tensor) => model.apply(x, { training: false }) as tf.Tensor;

function latent(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal([1, ...shape], 0, 1, 'float32', seed);
}

/**
 * Forward mode vs the double-VJP (`exact`: where tfjs has the second derivatives) and vs differences
 * (`fd`: smooth models; leaky-ReLU networks have kinks within any useful step), plus the primal vs the
 * model's own output, and no tensor growth on a second call (a layer whose double-VJP fails leaves the
 * tensors tfjs saved for its tape, once: fallback.ts then remembers to skip it).
 */
function check(model: tf.LayersModel, x0: tf.Tensor, reference: { exact: boolean; fd: boolean }) {
  forwardJacobian(model, x0);
  const before = tf.memory().numTensors;
  const fwd = forwardJacobian(model, x0);
  expect(tf.memory().numTensors).toBe(before);
  const own = tf.tidy(() => Array.from(apply(model)(x0).dataSync()));
  expect(maxRelDiff(fwd.primal, own)).toBeLessThan(1e-6);
  if (reference.fd) expect(maxRelDiff(fwd.jt, jacobianFD(apply(model), x0, 1e-3).jt)).toBeLessThan(2e-3);
  if (reference.exact) expect(maxRelDiff(fwd.jt, jacobianExact(apply(model), x0).jt)).toBeLessThan(1e-5);
  return fwd;
}

function sequentialModel(inputShape: number[], layers: tf.layers.Layer[]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  let x: Sym = input;
  for (const l of layers) x = l.apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x });
}

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

describe('forward mode through Keras layers', () => {
  it('Dense with every activation that has a rule', () => {
    for (const activation of ['linear', 'relu', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'softsign', 'swish'] as const) {
      const m = sequentialModel([5], [
        tf.layers.dense({ units: 7, activation, kernelInitializer: init(1), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
      ]);
      // ELU and SELU have no second derivative in tfjs (EluGrad, SeluGrad).
      const fwd = check(m, latent([5], 3), { exact: activation !== 'elu' && activation !== 'selu', fd: true });
      expect(fwd.fallbacks, activation).toEqual([]);
      m.dispose();
    }
  });

  it('UpSampling2D + BatchNormalization (inference) + sigmoid, the layers of a typical TF.js DCGAN', () => {
    const bn = tf.layers.batchNormalization({ name: 'bn' });
    const m = sequentialModel([6], [
      tf.layers.dense({ units: 4 * 4 * 3, kernelInitializer: init(4) }),
      tf.layers.reshape({ targetShape: [4, 4, 3] }),
      tf.layers.upSampling2d({ size: [2, 2] }),
      bn,
      tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init(5) }),
      tf.layers.activation({ activation: 'sigmoid' }),
    ]);
    // Non-trivial moving statistics and scale, so the rule's γ/√(σ² + ε) is exercised.
    const [gamma, beta, mean, variance] = bn.getWeights();
    bn.setWeights([tf.add(gamma, 0.7), tf.add(beta, 0.2), tf.add(mean, 0.3), tf.mul(variance, 2.5)]);
    const fwd = check(m, latent([6], 6), { exact: false, fd: true });
    expect(fwd.fallbacks).toEqual([]);
    m.dispose();
  });

  it('Conv2DTranspose (same and valid padding, stride 2) + ELU, Conv2D with stride and dilation', () => {
    const m = sequentialModel([4], [
      tf.layers.dense({ units: 3 * 3 * 4, kernelInitializer: init(7) }),
      tf.layers.reshape({ targetShape: [3, 3, 4] }),
      tf.layers.conv2dTranspose({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(8), biasInitializer: 'ones' }),
      tf.layers.elu(),
      tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', kernelInitializer: init(9), activation: 'tanh' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, kernelInitializer: init(10) }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', kernelInitializer: init(11), activation: 'softplus' }),
    ]);
    const fwd = check(m, latent([4], 12), { exact: false, fd: true });
    expect(fwd.fallbacks).toEqual([]);
    m.dispose();
  });

  it('merges (Add, Concatenate with a constant branch, Multiply), padding, pooling, Flatten, LeakyReLU, ReLU with a cap', () => {
    const z = tf.input({ shape: [6] });
    const a = tf.layers.dense({ units: 8, kernelInitializer: init(13), activation: 'tanh' }).apply(z) as Sym;
    const b = tf.layers.dense({ units: 8, kernelInitializer: init(14) }).apply(z) as Sym;
    const sum = tf.layers.add().apply([a, b]) as Sym;
    const prod = tf.layers.multiply().apply([a, b]) as Sym;
    const leaky = tf.layers.leakyReLU({ alpha: 0.1 }).apply(prod) as Sym;
    const capped = tf.layers.reLU({ maxValue: 0.5 }).apply(sum) as Sym;
    const joined = tf.layers.concatenate().apply([leaky, capped]) as Sym;
    const grid = tf.layers.reshape({ targetShape: [2, 4, 2] }).apply(joined) as Sym;
    const padded = tf.layers.zeroPadding2d({ padding: 1 }).apply(grid) as Sym;
    const pooled = tf.layers.averagePooling2d({ poolSize: 2 }).apply(padded) as Sym;
    const out = tf.layers.flatten().apply(pooled) as Sym;
    const m = tf.model({ inputs: z, outputs: out });
    // relu kinks: at this latent no pre-activation sits within the difference step of 0 or of the cap.
    // (Average pooling has no second derivative in tfjs: AvgPoolGrad.)
    const fwd = check(m, latent([6], 15), { exact: false, fd: true });
    expect(fwd.fallbacks).toEqual([]);
    m.dispose();
  });
});

describe('forward mode through the custom layers', () => {
  it('the style fixture: mapping (pixel norm, equalised dense, leaky ReLU) and synthesis (modulated convs, upsampling, tanh)', () => {
    const mapping = styleMapping();
    check(mapping, latent([4], 16), { exact: true, fd: false });
    const synthesis = styleSynthesis();
    const fwd = check(synthesis, latent([3, 6], 17), { exact: true, fd: false });
    expect(fwd.fallbacks).toEqual([]);
    mapping.dispose();
    synthesis.dispose();
  });

  it('a synthesis taking one w, SoftClip, and a non-demodulated toRGB', () => {
    const input = tf.input({ shape: [6] });
    let x = styleSynthesis({ input: 'w' }).apply(input) as Sym;
    x = new SoftClip({ name: 'clip' }).apply(x) as Sym;
    const m = tf.model({ inputs: input, outputs: x });
    check(m, latent([6], 18), { exact: true, fd: false });
    m.dispose();
  });

  it('discriminator feature layers, and minibatch stddev for one image', () => {
    const d = discriminator();
    const img = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 19);
    const outputs = FEATURE_LAYERS.map((n) => d.getLayer(n).output as Sym);
    const fwd = forwardJacobian(d, img, outputs);
    const features = tf.model({ inputs: d.inputs, outputs });
    const flat = (x: tf.Tensor) => {
      const out = features.apply(x) as tf.Tensor[];
      return tf.concat(out.map((t) => t.reshape([x.shape[0], -1])), 1);
    };
    expect(maxRelDiff(fwd.jt, jacobianExact(flat, img).jt)).toBeLessThan(1e-5);

    const input = tf.input({ shape: [4, 4, 2] });
    const withStd = new MinibatchStd({ groupSize: 4 }).apply(new PixelNorm().apply(input)) as Sym;
    const m = tf.model({ inputs: input, outputs: withStd });
    // One image: its own group. Differences of a batch of copies would mix them, so compare per image.
    const x0 = latent([4, 4, 2], 20);
    const one = forwardJacobian(m, x0);
    const perImage = (x: tf.Tensor) => tf.concat(tf.split(x, x.shape[0]).map((xi) => m.apply(xi) as tf.Tensor), 0);
    expect(maxRelDiff(one.jt, jacobianFD(perImage, x0, 1e-3).jt)).toBeLessThan(2e-3);
    d.dispose();
    m.dispose();
  });
});

/** A user's layer without a forward rule whose op has no second derivative in tfjs (nearest resize). */
class ResizeLayer extends tf.layers.Layer {
  static className = 'TestResizeLayer';
  computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0], (s[1] as number) * 2, (s[2] as number) * 2, s[3]];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);
  }
}

describe('layers without a rule', () => {
  it('fall back to their own double-VJP, or to differences, and say so', () => {
    const m = sequentialModel([5], [
      tf.layers.dense({ units: 2 * 2 * 3, kernelInitializer: init(21) }),
      tf.layers.reshape({ targetShape: [2, 2, 3] }),
      new ResizeLayer({ name: 'resize' }),
      tf.layers.activation({ activation: 'gelu', name: 'gelu' }),
      tf.layers.upSampling2d({ size: [2, 2], name: 'up' }),
    ]);
    const fwd = check(m, latent([5], 22), { exact: false, fd: true });
    expect(fwd.fallbacks).toEqual([
      { layer: 'resize', className: 'TestResizeLayer', method: 'fd', reason: 'no forward rule for this layer class' },
      { layer: 'gelu', className: 'Activation', method: 'double-vjp', reason: 'its configuration has no forward rule' },
    ]);
    m.dispose();
  });

  it('forward mode refuses a batch of primals (rules differentiate at one point)', () => {
    const m = sequentialModel([3], [tf.layers.dense({ units: 2 })]);
    expect(() => pushForward(m, [{ primal: tf.zeros([2, 3]), tangent: tf.eye(3) }])).toThrow(/batch 1/);
    m.dispose();
  });

  it('LeakyReLU2 with a gain (the faces model\'s √2) scales the tangent by the same gain', () => {
    const m = sequentialModel([5], [
      tf.layers.dense({ units: 6, kernelInitializer: init(24), biasInitializer: tf.initializers.randomNormal({ seed: 25 }) }),
      new LeakyReLU2({ alpha: 0.2, gain: Math.SQRT2 }),
      tf.layers.dense({ units: 4, kernelInitializer: init(26) }),
    ]);
    const fwd = check(m, latent([5], 27), { exact: true, fd: false });
    expect(fwd.fallbacks).toEqual([]);
    m.dispose();
  });

  it('Upsample2x maps tangents like the layer itself', () => {
    const m = sequentialModel([2, 2, 3], [new Upsample2x()]);
    check(m, latent([2, 2, 3], 23), { exact: true, fd: true });
    m.dispose();
  });

  it('bilinear Upsample2x maps tangents like the layer itself', () => {
    const m = sequentialModel([3, 2, 2], [new Upsample2x({ interpolation: 'bilinear' })]);
    check(m, latent([3, 2, 2], 29), { exact: true, fd: true });
    m.dispose();
  });
});
