/**
 * Image distances for the metric (DESIGN §1 distance/): pick one by name and anchor it at x₀.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Generator } from '../model/generator';
import { anchorMse } from './mse';
import { anchorPerceptual } from './perceptual';
import { anchorSsim } from './ssim';
import { DISTANCES, type AnchoredDistance, type DistanceName, type ImageFormat } from './types';

export type { AnchoredDistance, DistanceName, ImageFormat } from './types';
export { DISTANCES } from './types';

export function isDistance(value: unknown): value is DistanceName {
  return typeof value === 'string' && (DISTANCES as readonly string[]).includes(value);
}

export function formatOf(generator: Generator): ImageFormat {
  return { shape: generator.outputShape, range: generator.manifest.output.range };
}

/**
 * The distance `name` anchored at the images x₀ [1, H, W, C] of `generator`. Dispose it when done. x₀ may be
 * a function that renders it (the result is disposed here): mse then renders it only if `squared` is called.
 */
export function anchorDistance(name: DistanceName, generator: Generator, x0: tf.Tensor4D | (() => tf.Tensor4D)): AnchoredDistance {
  if (typeof x0 === 'function') {
    if (name === 'mse') return anchorMse(formatOf(generator), x0);
    const images = x0();
    try {
      return anchorDistance(name, generator, images);
    } finally {
      images.dispose();
    }
  }
  switch (name) {
    case 'mse': return anchorMse(formatOf(generator), x0);
    case 'ssim': return anchorSsim(formatOf(generator), x0);
    case 'perceptual': return anchorPerceptual(generator, x0);
    default: throw new Error(`Unknown distance '${String(name)}'; expected one of ${DISTANCES.join(', ')}.`);
  }
}
