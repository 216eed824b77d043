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

export interface ProbeReading {
  /** Per categorical factor (the layout's order): the share of images whose top class is each class. */
  shares: number[][];
  /** The first categorical factor's shares (shapes, Fashion-MNIST: the class). */
  classShare: number[];
  /** Share of images read with confidence: every categorical factor's top class at softmax p ≥ 0.9. */
  confident: number;
  /** Mean and sd of each regression target; for shapes also the hue histogram over 12 bins of the circle. */
  factorMeans: number[];
  factorStds: number[];
  hueBins: number[];
}

/** What the probe reads in images [n, h, w, c]: its outputs laid out by `layout` (src/model/probeLayout.ts). */
export function readProbe(probe: tf.LayersModel, images: Float32Array, n: number, layout: ProbeLayout): ProbeReading {
  const [, h, w, c] = probe.inputs[0].shape as number[];
  const out = tf.tidy(() => probe.predict(tf.tensor4d(images, [n, h, w, c])) as tf.Tensor2D);
  const rows = out.arraySync();
  out.dispose();
  const shares = layout.categorical.map((g) => new Array(g.classes.length).fill(0));
  const T = layout.targets.length, at = layout.targetOffset;
  const sums = new Array(T).fill(0), sq = new Array(T).fill(0);
  const [hueCos, hueSin] = [layout.targets.indexOf('hue_cos'), layout.targets.indexOf('hue_sin')];
  const hueBins = new Array(hueCos >= 0 && hueSin >= 0 ? 12 : 0).fill(0);
  let confident = 0;
  for (const row of rows) {
    let sure = true;
    layout.categorical.forEach((g, k) => {
      const logits = row.slice(g.offset, g.offset + g.classes.length);
      const top = Math.max(...logits);
      const z = logits.reduce((a, l) => a + Math.exp(l - top), 0);
      shares[k][logits.indexOf(top)] += 1 / n;
      sure &&= 1 / z >= 0.9;
    });
    if (sure && layout.categorical.length > 0) confident += 1 / n;
    for (let j = 0; j < T; j++) { sums[j] += row[at + j] / n; sq[j] += row[at + j] ** 2 / n; }
    if (hueBins.length > 0) {
      const hue = ((Math.atan2(row[at + hueSin], row[at + hueCos]) / (2 * Math.PI)) % 1 + 1) % 1;
      hueBins[Math.min(11, Math.floor(hue * 12))] += 1 / n;
    }
  }
  return { shares, classShare: shares[0] ?? [], confident, factorMeans: sums, factorStds: sq.map((s, j) => Math.sqrt(Math.max(0, s - sums[j] ** 2))), hueBins };
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
