/**
 * The GAN training loop end to end on a tiny anchored DCGAN (16×16, a few hundred parameters per layer):
 * it exports a loadable model folder with a filled `training` block, and a run cut in two resumes
 * exactly — the same weights as one uninterrupted run (the claim behind "seeded, resumable").
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { coversClasses, trainGan } from './gan';
import type { DcganRecipe } from './recipes';

const tiny: DcganRecipe = {
  id: 'tiny-dcgan',
  kind: 'dcgan',
  name: 'tiny',
  description: 'test',
  data: 'shapes',
  size: 16,
  channels: 3,
  spec: { zDim: 6, baseSize: 4, channels: [8, 8, 4], outChannels: 3 },
  dWidth: [4, 4, 8, 8],
  batch: 4,
  steps: 4,
  lr: 0.002,
  r1Gamma: 1,
  r1Every: 2,
  emaHalfLifeSteps: 2,
  seed: 5,
  // No probe folder exists under the temporary models dir: every checkpoint is exported unscored.
  probe: 'no-such-probe',
  anchor: { reconstruction: 50 },
};

let root: string;
let afterTwoSteps: Float32Array;
const run = (name: string, steps: number) => trainGan({ ...tiny, steps }, {
  maxMinutes: 60,
  checkpointDir: path.join(root, name, 'checkpoints'),
  outDir: path.join(root, name, 'models'),
  evalCount: 8,
  checkpointEvery: 2,
});
const exportedWeights = (name: string) => {
  const bytes = fs.readFileSync(path.join(root, name, 'models', tiny.id, 'generator', 'group1-shard1of1.bin'));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-gan-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  await run('whole', 4);
  await run('split', 2);
  afterTwoSteps = exportedWeights('split');
  await run('split', 4);
}, 120_000);

afterAll(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('trainGan (tiny anchored DCGAN, cpu backend)', () => {
  it('exports generator, discriminator and a manifest whose training block records the run', () => {
    const dir = path.join(root, 'whole', 'models', tiny.id);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.latent).toEqual({ dim: 6, prior: 'normal' });
    expect(manifest.training.steps).toBe(4);
    expect(manifest.training.batch).toBe(4);
    expect(Number.isFinite(manifest.training.finalLosses.generator)).toBe(true);
    for (const part of ['generator', 'discriminator']) {
      expect(fs.existsSync(path.join(dir, part, 'model.json'))).toBe(true);
    }
    // The encoder is training-only: it is in the checkpoint, not in the shipped folder.
    expect(fs.readdirSync(dir).sort()).toEqual(['discriminator', 'generator', 'manifest.json']);
    const index = JSON.parse(fs.readFileSync(path.join(root, 'whole', 'checkpoints', tiny.id, 'last.json'), 'utf8'));
    expect(JSON.stringify(index)).toContain('"e/0"');
  });

  it('a run stopped at step 2 and resumed to 4 gives the weights of one run to 4 (to float rounding)', () => {
    const whole = exportedWeights('whole');
    const split = exportedWeights('split');
    expect(split.length).toBe(whole.length);
    // Not bitwise: on resume tfjs's Adam recomputes its bias-correction factor β2^t with pow() instead of
    // t products, a last-bit difference (2.4e-7 here). Zeroed Adam moments would be off by ~1e-3.
    expect(maxAbsDiff(split, whole)).toBeLessThan(1e-5);
    // …and not because nothing moved: the export after 2 steps differs from the one after 4.
    expect(maxAbsDiff(afterTwoSteps, whole)).toBeGreaterThan(1e-4);
    const checkpoint = JSON.parse(fs.readFileSync(path.join(root, 'split', 'checkpoints', tiny.id, 'last.json'), 'utf8'));
    expect(checkpoint.state.step).toBe(4);
  });
});

describe('coversClasses', () => {
  it('asks the rarest class to clear 10 % by two standard errors of its sample estimate', () => {
    expect(coversClasses(0.1, 1000)).toBe(false);
    expect(coversClasses(0.12, 1000)).toBe(false); // 0.12 − 2·√(0.12·0.88/1000) = 0.0994
    expect(coversClasses(0.125, 1000)).toBe(true); // 0.1041
    expect(coversClasses(0.12, 100_000)).toBe(true);
    expect(coversClasses(0, 1000)).toBe(false);
  });
});
