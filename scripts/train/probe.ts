/**
 * Probe training: a small CNN whose features define the space for Fréchet distances and whose head
 * gives ground truth about generated images (shapes: class + factors; fashion: class).
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { buildProbe } from './architectures';
import { openStream, type Batch } from './data';
import { saveLayersModel } from '../lib/modelio';
import { progressLine } from './progress';
import type { ProbeRecipe } from './recipes';
import { FACTOR_TARGET_NAMES, SHAPE_CLASSES } from '../../src/data/shapes';
import { FASHION_CLASSES } from '../../src/data/idx';

const CLASS_COUNT = { shapes: SHAPE_CLASSES.length, fashion: FASHION_CLASSES.length };

function probeLoss(r: ProbeRecipe, out: tf.Tensor2D, b: Batch): tf.Scalar {
  const k = CLASS_COUNT[r.data];
  const n = out.shape[0];
  const logits = out.slice([0, 0], [n, k]);
  const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(b.labels, 'int32'), k), logits);
  if (!b.targets) return ce as tf.Scalar;
  const reg = tf.losses.meanSquaredError(tf.tensor2d(b.targets, [n, 8]), out.slice([0, k], [n, 8]));
  return tf.add(ce, reg) as tf.Scalar;
}

/** Accuracy and, for shapes, R² per factor target on a held-out batch. */
export function evaluateProbe(r: ProbeRecipe, probe: tf.LayersModel, b: Batch, n: number): Record<string, number> {
  const k = CLASS_COUNT[r.data];
  const out = tf.tidy(() => probe.predict(tf.tensor4d(b.images, [n, r.size, r.size, r.channels])) as tf.Tensor2D);
  const o = out.arraySync();
  out.dispose();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const logits = o[i].slice(0, k);
    if (logits.indexOf(Math.max(...logits)) === b.labels[i]) correct++;
  }
  const result: Record<string, number> = { accuracy: correct / n };
  if (b.targets) {
    FACTOR_TARGET_NAMES.forEach((name, j) => {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += b.targets![i * 8 + j] / n;
      let ssTot = 0, ssRes = 0;
      for (let i = 0; i < n; i++) {
        ssTot += (b.targets![i * 8 + j] - mean) ** 2;
        ssRes += (b.targets![i * 8 + j] - o[i][k + j]) ** 2;
      }
      result[`r2_${name}`] = 1 - ssRes / ssTot;
    });
  }
  return result;
}

export async function trainProbe(r: ProbeRecipe, outDir: string): Promise<void> {
  const data = openStream(r.data, r.seed, r.size);
  const probe = buildProbe(r.size, r.channels, r.outputs);
  const vars = probe.trainableWeights.map((w) => w.read() as tf.Variable);
  const opt = tf.train.adam(r.lr);
  const t0 = Date.now();
  let win = Date.now();
  let loss = 0;
  for (let step = 0; step < r.steps; step++) {
    const b = data.batch(step, r.batch);
    const l = opt.minimize(() => tf.tidy(() => probeLoss(r, probe.apply(tf.tensor4d(b.images, [r.batch, r.size, r.size, r.channels]), { training: true }) as tf.Tensor2D, b)), true, vars)!;
    loss = l.dataSync()[0];
    l.dispose();
    if ((step + 1) % 100 === 0) {
      console.log(progressLine(r.id, step + 1, r.steps, (Date.now() - win) / 100000, { loss }));
      win = Date.now();
    }
  }
  const n = 2000;
  const test = openStream(r.data, r.seed + 5, r.size, 'test').batch(0, n);
  const metrics = evaluateProbe(r, probe, test, n);
  console.log(`[${r.id}] held-out:`, JSON.stringify(metrics));
  const dir = path.join(outDir, 'probes', r.id);
  const bytes = await saveLayersModel(probe, path.join(dir, 'model'));
  const manifest = {
    id: r.id,
    name: r.name,
    description: r.description,
    input: { height: r.size, width: r.size, channels: r.channels, range: [-1, 1] },
    featureLayer: 'features',
    outputs: r.data === 'shapes'
      ? { classes: [...SHAPE_CLASSES], targets: FACTOR_TARGET_NAMES }
      : { classes: FASHION_CLASSES },
    training: {
      data: r.data === 'shapes' ? 'shapes (procedural), fresh samples every step' : 'Fashion-MNIST train split',
      script: `npm run train -- ${r.id}`,
      steps: r.steps,
      batch: r.batch,
      seconds: Math.round((Date.now() - t0) / 1000),
      finalLoss: loss,
      heldOut: { samples: n, ...metrics },
      weightBytes: bytes,
    },
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}
