/**
 * eigenTravel on a linear generator G(z) = reshape(zB + b) (cpu backend), where Fig. 1's first-order
 * prediction is exact at every t: the measured change along eigenvector i must be √λᵢ·|t| (≤ 1e-4
 * relative: images and distances are float32), and the eigenvalues must be those of the metric written
 * down by hand, H = BBᵀ/((hi − lo)²·N) for the mse distance (φ(x) = x/((hi − lo)√N)), found here by eigh
 * in float64 (≤ 1e-4 relative).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LayersGenerator } from '../model/layersGenerator';
import { denseGenerator, manifestFor, SIZE, Z_DIM } from '../model/testing/fixtures';
import { eigh } from '../linalg/eigh';
import { eigenTravel, travelRanks } from './eigenTravel';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('eigenTravel', () => {
  it('measures √λᵢ·|t| along each eigenvector of a linear generator', async () => {
    const model = denseGenerator({ activation: 'linear' });
    const g = new LayersGenerator({ manifest: manifestFor('z', { discriminator: undefined }), assumptions: [], generator: model });
    const kernel = Float64Array.from(model.getLayer('fc').getWeights()[0].dataSync());
    const m = SIZE * SIZE * 3;
    const h = new Float64Array(Z_DIM * Z_DIM);
    for (let i = 0; i < Z_DIM; i++) for (let j = 0; j < Z_DIM; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += kernel[i * m + k] * kernel[j * m + k];
      h[i * Z_DIM + j] = s / (4 * m); // output range [−1, 1]: (hi − lo)² = 4
    }
    const expected = eigh(h, Z_DIM).values;
    const reference = [0.3, -1.2, 0.8, 2];
    const t = [-3, -1, -0.1, 0, 0.5, 2.5];
    const before = tf.memory().numTensors;
    const r = await eigenTravel(g, reference, { space: 'z', distance: 'mse', ranks: [0, 2, 3], t });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.ranks).toEqual([0, 2, 3]);
    r.ranks.forEach((rank, k) => {
      expect(Math.abs(r.eigenvalues[k] - expected[rank]) / expected[0]).toBeLessThan(1e-4);
      t.forEach((tj, j) => {
        const want = Math.sqrt(expected[rank]) * Math.abs(tj);
        expect(Math.abs(r.measured[k][j] - want)).toBeLessThanOrEqual(1e-4 * Math.sqrt(expected[0]) * Math.abs(tj) + 1e-6);
        expect(Math.abs(r.predicted[k][j] - want)).toBeLessThanOrEqual(1e-4 * Math.sqrt(expected[0]) * Math.abs(tj) + 1e-9);
      });
    });
    // The top eigenvector moves the image faster than the bottom one (the figure's point), by √(λ₁/λ_n).
    expect(r.measured[0][0] / r.measured[2][0]).toBeCloseTo(Math.sqrt(expected[0] / expected[3]), 2);
    g.dispose();
  });

  it('rejects ranks outside the space and picks top, middle and bottom ranks', async () => {
    const g = new LayersGenerator({ manifest: manifestFor('z', { discriminator: undefined }), assumptions: [], generator: denseGenerator({ activation: 'linear' }) });
    await expect(eigenTravel(g, [0, 0, 0, 0], { space: 'z', distance: 'mse', ranks: [4], t: [1] })).rejects.toThrow(/rank 4/);
    g.dispose();
    expect(travelRanks(64)).toEqual([0, 1, 2, 32, 62, 63]);
    expect(travelRanks(3)).toEqual([0, 1, 2]);
  });
});
