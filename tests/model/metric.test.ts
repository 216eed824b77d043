/**
 * The metric on the default bundled model (public/models/index.json "default"), wasm backend, one
 * latent: pixel-distance top-10 eigenvalues by exact (double-VJP), fd and Lanczos agree in Z and W.
 * Tolerances:
 * - lanczos vs exact ≤ 1e-4, each eigenvalue relative to itself (both from float32 products).
 * - fd vs exact ≤ 4e-2 relative to λ₁, and ≤ 8e-2 each relative to itself. Central differences on a
 *   leaky-ReLU network carry an error from kinks straddled by ±ε that is roughly the same in absolute
 *   terms for every eigenvalue (see DEFAULT_REL_EPS in src/geometry/metric.ts), so fd is a cross-check of
 *   `exact` (a wrong factor or transpose is off by ≥ 100 %), not a precision test: lanczos (1e-4) and the
 *   float64 references are. Measured on the class-balanced shapes-style weights (seed 1, the latent this
 *   test uses): max |Δλᵢ|/λ₁ 1.4e-2 in Z and 2.5e-2 in W, each eigenvalue within 2.3e-2 / 3.9e-2 of itself
 *   (seed 2: 1.0e-3 / 1.1e-3·λ₁); the previous weights gave 7e-5…3e-4·λ₁.
 * Also: perceptual features are batch-independent on the real discriminator, whose minibatch-stddev
 * layer mixes the batch (src/distance/perceptual.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../scripts/lib/tfnode';
import { dirFiles } from '../../scripts/lib/fsFiles';
import { loadGenerator } from '../../src/model/load';
import type { Generator, LatentSpace } from '../../src/model/generator';
import { computeMetric, type MetricResult } from '../../src/geometry/metric';
import { perceptualFeatures } from '../../src/distance/perceptual';

const modelsDir = path.resolve(import.meta.dirname, '../../public/models');
const id = JSON.parse(fs.readFileSync(path.join(modelsDir, 'index.json'), 'utf8')).default as string;
const K = 10;

let g: Generator;

beforeAll(async () => {
  await useBackend('wasm');
  g = await loadGenerator(dirFiles(path.join(modelsDir, id)));
});

afterAll(() => g?.dispose());

const maxRel = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
const maxRelToTop = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / Math.abs(b[0]);
const brief = (r: MetricResult) => `${r.method}: ${r.ms.toFixed(0)} ms, errorEstimate ${r.errorEstimate?.toExponential(1)}`;

describe(`metric of the default model (${id})`, () => {
  it('exact, fd and lanczos agree on the top-10 pixel-metric eigenvalues in Z and W', async () => {
    const spaces: LatentSpace[] = g.isStyleBased ? ['z', 'w'] : ['z'];
    const before = tf.memory().numTensors;
    for (const space of spaces) {
      const z = tf.tensor2d(g.samplePrior(1, 1), [1, g.zDim]);
      const latent = space === 'z' ? z : tf.tidy(() => g.mapZ(z));
      const exact = await computeMetric(g, latent, { space, distance: 'mse', method: 'exact', k: K });
      const fd = await computeMetric(g, latent, { space, distance: 'mse', method: 'fd', k: K });
      const lz = await computeMetric(g, latent, { space, distance: 'mse', method: 'lanczos', k: K });
      console.log(`${id} ${space} (n = ${exact.n}) — ${[exact, fd, lz].map(brief).join('; ')}; fd vs exact ${maxRelToTop(fd.eigenvalues, exact.eigenvalues).toExponential(1)}·λ₁ (each ≤ ${maxRel(fd.eigenvalues, exact.eigenvalues).toExponential(1)}), lanczos vs exact ${maxRel(lz.eigenvalues, exact.eigenvalues).toExponential(1)}; λ₁ ${exact.eigenvalues[0].toExponential(2)}, λ₁₀ ${exact.eigenvalues[K - 1].toExponential(2)}`);
      expect(maxRelToTop(fd.eigenvalues, exact.eigenvalues)).toBeLessThan(4e-2);
      expect(maxRel(fd.eigenvalues, exact.eigenvalues)).toBeLessThan(8e-2);
      expect(maxRel(lz.eigenvalues, exact.eigenvalues)).toBeLessThan(1e-4);
      tf.dispose(space === 'z' ? [z] : [z, latent]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives each image the same perceptual features in a batch as alone', () => {
    if (!g.discriminatorFeatures) return;
    const fn = g.discriminatorFeatures.bind(g);
    const diff = tf.tidy(() => {
      const x = g.generate(tf.tensor2d(g.samplePrior(2, 3), [3, g.zDim]), 'z');
      const batched = perceptualFeatures(fn, x);
      const single = tf.concat([0, 1, 2].map((i) => perceptualFeatures(fn, x.slice(i, 1))), 0);
      return tf.max(tf.abs(tf.sub(batched, single)));
    });
    expect(diff.dataSync()[0]).toBeLessThan(1e-5);
    diff.dispose();
  });
});
