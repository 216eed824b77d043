/** Quality figures in a probe's feature space: Fréchet distances between image sets. */
import * as tf from '@tensorflow/tfjs';
import { FACTOR_TARGET_NAMES } from '../../src/data/shapes';
import type { GanRecipe } from './recipes';
import { fitGaussian, frechetDistance, type Gaussian } from '../../src/linalg/frechet';

/** The probe's 64-d `features` activations for images [n, h, w, c], computed in chunks. */
export function probeFeatures(probe: tf.LayersModel, images: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const featureModel = tf.model({ inputs: probe.inputs, outputs: probe.getLayer('features').output as tf.SymbolicTensor });
  const dim = (featureModel.outputs[0].shape[1]) as number;
  const out = new Float32Array(n * dim);
  const chunk = 250;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const f = tf.tidy(() => featureModel.predict(tf.tensor4d(images.subarray(i * h * w * c, (i + m) * h * w * c), [m, h, w, c])) as tf.Tensor);
    out.set(f.dataSync() as Float32Array, i * dim);
    f.dispose();
  }
  return out;
}

export function gaussianOf(features: Float32Array, n: number): Gaussian {
  return fitGaussian(features, n, features.length / n);
}

export { frechetDistance };

/** The probe's reading of a set of images: class frequencies (argmax) and, for shapes, factor means/stds. */
export interface ProbeReading { classFreq: number[]; factorMeans: number[]; factorStds: number[] }

export function readProbe(probe: tf.LayersModel, images: Float32Array, n: number, r: Pick<GanRecipe, 'size' | 'channels' | 'data'>, classes: number): ProbeReading {
  const out = tf.tidy(() => probe.predict(tf.tensor4d(images, [n, r.size, r.size, r.channels])) as tf.Tensor2D);
  const o = out.arraySync();
  out.dispose();
  const classFreq = new Array(classes).fill(0);
  const targets = r.data === 'shapes' ? FACTOR_TARGET_NAMES.length : 0;
  const sums = new Array(targets).fill(0), sq = new Array(targets).fill(0);
  for (const row of o) {
    const logits = row.slice(0, classes);
    classFreq[logits.indexOf(Math.max(...logits))] += 1 / n;
    for (let j = 0; j < targets; j++) { sums[j] += row[classes + j] / n; sq[j] += row[classes + j] ** 2 / n; }
  }
  return { classFreq, factorMeans: sums, factorStds: sq.map((s, j) => Math.sqrt(Math.max(0, s - sums[j] ** 2))) };
}
