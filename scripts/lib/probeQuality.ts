/**
 * Quality figures in a probe's feature space (docs-models, findings): Fréchet distances between image sets
 * and the probe's reading of a set — each categorical factor's class shares, the share read with confidence,
 * the factor distributions (for shapes also hue coverage and background spread). Mirrors training/atlas_train/quality.py,
 * which scores checkpoints while training; the figures the docs and manifests show come from here.
 */
import * as tf from '@tensorflow/tfjs';
import { SHAPE_CLASSES, factorTargets, shapesBatch } from '../../src/data/shapes';
import { FACE_TARGET_NAMES, HAIR_STYLES, facesBatch, faceTargets } from '../../src/data/faces';
import type { ProbeLayout } from '../../src/model/probeLayout';
import { readProbeRows, type ProbeReading } from '../../src/model/probeReading';
import { fitGaussian, frechetDistance, type Gaussian } from '../../src/linalg/frechet';
import { Rng } from '../../src/util/random';
import { loadFashion } from './fashion';

export type DataSource = 'shapes' | 'faces' | 'fashion';

/** The probe's 64-d `features` activations for images [n, h, w, c], computed in chunks. */
export function probeFeatures(probe: tf.LayersModel, images: Float32Array, n: number): Float32Array {
  const [, h, w, c] = probe.inputs[0].shape as number[];
  const featureModel = tf.model({ inputs: probe.inputs, outputs: probe.getLayer('features').output as tf.SymbolicTensor });
  const dim = featureModel.outputs[0].shape[1] as number;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i += 250) {
    const m = Math.min(250, n - i);
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

export type { ProbeReading };

/** What the probe reads in images [n, h, w, c]: its outputs laid out by `layout` (src/model/probeLayout.ts), read by src/model/probeReading.ts. */
export function readProbe(probe: tf.LayersModel, images: Float32Array, n: number, layout: ProbeLayout): ProbeReading {
  const [, h, w, c] = probe.inputs[0].shape as number[];
  const out = tf.tidy(() => probe.predict(tf.tensor4d(images, [n, h, w, c])) as tf.Tensor2D);
  const values = out.dataSync();
  out.dispose();
  return readProbeRows(values, n, layout);
}

/** `count` real images [count, size, size, channels] in [-1, 1]: fresh shapes or faces renders, or a seeded draw from Fashion-MNIST's test split. */
export function realImages(source: DataSource, seed: number, count: number, size: number): { images: Float32Array; labels: Int32Array; targets?: Float32Array } {
  if (source === 'faces') {
    const { images, factors } = facesBatch(seed, count, size);
    const T = FACE_TARGET_NAMES.length;
    const targets = new Float32Array(count * T);
    factors.forEach((f, i) => targets.set(faceTargets(f), i * T));
    return { images, labels: Int32Array.from(factors, (f) => HAIR_STYLES.indexOf(f.hair)), targets };
  }
  if (source === 'shapes') {
    const { images, factors } = shapesBatch(seed, count, size);
    const targets = new Float32Array(count * 8);
    factors.forEach((f, i) => targets.set(factorTargets(f), i * 8));
    return { images, labels: Int32Array.from(factors, (f) => SHAPE_CLASSES.indexOf(f.shape)), targets };
  }
  const split = loadFashion('t10k');
  if (count > split.count) throw new Error(`realImages: Fashion-MNIST's test split holds ${split.count} images, ${count} asked for`);
  const order = Int32Array.from({ length: split.count }, (_, i) => i);
  new Rng(seed).shuffle(order);
  const per = 28 * 28;
  const images = new Float32Array(count * per);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    images.set(split.images.subarray(order[k] * per, (order[k] + 1) * per), k * per);
    labels[k] = split.labels[order[k]];
  }
  return { images, labels };
}
