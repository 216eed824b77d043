/**
 * distance/mse.ts: φ against its definition (half the mean squared difference in units of the range), and the
 * deferred anchor: rendered only when d² is asked for, then the same d² as an eagerly given anchor, no leak.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { anchorMse } from './mse';

const format = { shape: [2, 3, 1] as [number, number, number], range: [-1, 1] as [number, number] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mse distance', () => {
  it('d² is half the mean squared difference in units of the range', () => {
    const a = tf.tensor4d([0, 0.5, -1, 1, 0.25, 0], [1, 2, 3, 1]);
    const b = tf.tensor4d([0.2, 0.5, -0.6, 1, 0.25, -0.2], [1, 2, 3, 1]);
    const d = anchorMse(format, a);
    const got = d.squared(b);
    // By hand: differences 0.2, 0, 0.4, 0, 0, −0.2 over a range of 2 → (0.1² + 0.2² + 0.1²)/6/2.
    expect(got.dataSync()[0]).toBeCloseTo((0.01 + 0.04 + 0.01) / 6 / 2, 7);
    d.dispose();
    tf.dispose([a, b, got]);
  });

  it('renders a deferred anchor only for d², once, and gives the eager anchor\'s d²', () => {
    const before = tf.memory().numTensors;
    const values = [0.3, -0.2, 0.9, 0.1, -0.7, 0.4];
    let rendered = 0;
    const lazy = anchorMse(format, () => { rendered++; return tf.tensor4d(values, [1, 2, 3, 1]); });
    const image = tf.tensor4d([0.1, 0.1, 0.5, 0.2, -0.1, 0.4, 0, 0, 0, 0, 0, 0], [2, 2, 3, 1]);
    const primal = image.slice(0, 1);
    const tangent = lazy.pushForward!({ primal, tangent: image } as never).tangent;
    expect(rendered).toBe(0);
    const a = tf.tidy(() => lazy.squared(image));
    const b = lazy.squared(image);
    expect(rendered).toBe(1);
    const x0 = tf.tensor4d(values, [1, 2, 3, 1]);
    const eager = anchorMse(format, x0);
    const c = eager.squared(image);
    expect(Array.from(a.dataSync())).toEqual(Array.from(c.dataSync()));
    expect(Array.from(b.dataSync())).toEqual(Array.from(c.dataSync()));
    lazy.dispose();
    eager.dispose();
    tf.dispose([image, primal, tangent, a, b, c, x0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
