/** Batches of training data, deterministic in (seed, step) so that a resumed run sees the same stream. */
import { Rng } from '../../src/util/random';
import { SHAPE_CLASSES, factorTargets, shapesBatch, type ShapeFactors } from '../../src/data/shapes';
import { loadFashion, type FashionSplit } from '../lib/fashion';
import type { DataSource } from './recipes';

export interface Batch {
  images: Float32Array;
  /** Class index per image (shape class or Fashion-MNIST label). */
  labels: Int32Array;
  /** Shapes only: the probe's factor targets, 8 per image. */
  targets?: Float32Array;
  factors?: ShapeFactors[];
}

export interface DataStream {
  size: number;
  channels: number;
  batch(step: number, count: number): Batch;
}

function shapesStream(seed: number, size: number): DataStream {
  return {
    size,
    channels: 3,
    batch(step, count) {
      const { images, factors } = shapesBatch(seed * 1_000_003 + step, count, size);
      const labels = Int32Array.from(factors, (f) => SHAPE_CLASSES.indexOf(f.shape));
      const targets = new Float32Array(count * 8);
      factors.forEach((f, i) => targets.set(factorTargets(f), i * 8));
      return { images, labels, targets, factors };
    },
  };
}

function fashionStream(seed: number, split: FashionSplit): DataStream {
  const per = 28 * 28;
  let epoch = -1;
  let order = new Int32Array(0);
  return {
    size: 28,
    channels: 1,
    batch(step, count) {
      const start = step * count;
      const images = new Float32Array(count * per);
      const labels = new Int32Array(count);
      for (let k = 0; k < count; k++) {
        const pos = start + k;
        const e = Math.floor(pos / split.count);
        if (e !== epoch) {
          epoch = e;
          order = Int32Array.from({ length: split.count }, (_, i) => i);
          new Rng(seed * 7919 + e).shuffle(order);
        }
        const idx = order[pos % split.count];
        images.set(split.images.subarray(idx * per, (idx + 1) * per), k * per);
        labels[k] = split.labels[idx];
      }
      return { images, labels };
    },
  };
}

export function openStream(source: DataSource, seed: number, size: number, split: 'train' | 'test' = 'train'): DataStream {
  if (source === 'shapes') return shapesStream(split === 'train' ? seed : seed + 999_983, size);
  return fashionStream(seed, loadFashion(split === 'train' ? 'train' : 't10k'));
}
