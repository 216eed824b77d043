/**
 * The bundled models under public/models, loaded from disk through the app's own validating loader on
 * the wasm backend (as in training and the CLI). Iterates over whatever exists, since models appear as
 * trainings finish, but fails when there is no generator model at all.
 *
 * LATENT_ATLAS_MODELS_DIR points the test at another folder of the same layout (e.g. a fresh export).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../scripts/lib/tfnode';
import { dirFiles } from '../../scripts/lib/fsFiles';
import { loadGenerator, loadLayersModelFrom } from '../../src/model/load';
import type { Generator } from '../../src/model/generator';
import { probeLayout } from '../../src/model/probeLayout';

const modelsDir = process.env.LATENT_ATLAS_MODELS_DIR ?? path.resolve(import.meta.dirname, '../../public/models');
const probesDir = path.join(modelsDir, 'probes');

const subfolders = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
const generatorIds = subfolders(modelsDir).filter((id) => id !== 'probes' && fs.existsSync(path.join(modelsDir, id, 'manifest.json')));
const probeIds = subfolders(probesDir).filter((id) =>
  fs.existsSync(path.join(probesDir, id, 'manifest.json')) && fs.existsSync(path.join(probesDir, id, 'model', 'model.json')));

const BATCH = 4;

beforeAll(async () => {
  await useBackend('wasm');
});

it(`${path.relative(process.cwd(), modelsDir) || modelsDir} holds at least one generator model`, () => {
  expect(generatorIds, 'no folder under public/models has a manifest.json').not.toEqual([]);
});

function images(g: Generator, seed: number): tf.Tensor4D {
  return tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(seed, BATCH), [BATCH, g.zDim]), 'z'));
}

async function pixels(g: Generator, seed: number): Promise<Uint8ClampedArray> {
  const x = images(g, seed);
  const rgba = await g.toRGBA(x);
  x.dispose();
  return rgba;
}

for (const id of generatorIds) {
  describe(`bundled model ${id}`, () => {
    let g: Generator;
    let tensorsBefore = 0;

    beforeAll(async () => {
      tensorsBefore = tf.memory().numTensors;
      g = await loadGenerator(dirFiles(path.join(modelsDir, id)));
    });

    it('matches its folder name and generates images of the declared shape, finite and in range', async () => {
      expect(g.manifest.id).toBe(id);
      const x = images(g, 1);
      expect(x.shape).toEqual([BATCH, ...g.outputShape]);
      const values = await x.data();
      x.dispose();
      const [lo, hi] = g.manifest.output.range;
      const tolerance = 1e-5 * (hi - lo);
      for (const v of values) {
        if (!(Number.isFinite(v) && v >= lo - tolerance && v <= hi + tolerance)) throw new Error(`${id} produced ${v}, outside [${lo}, ${hi}]`);
      }
    });

    it('gives identical pixels for the same seed and different images for different seeds', async () => {
      const a = await pixels(g, 11);
      expect(await pixels(g, 11)).toEqual(a);
      expect(await pixels(g, 12)).not.toEqual(a);
      // Within one batch, the samples differ too (no collapse onto a single image).
      const size = a.length / BATCH;
      expect(a.subarray(0, size)).not.toEqual(a.subarray(size, 2 * size));
    });

    const hasDiscriminator = JSON.parse(fs.readFileSync(path.join(modelsDir, id, 'manifest.json'), 'utf8')).discriminator !== undefined;
    it.runIf(hasDiscriminator)('has a discriminator giving one score per image and the named feature maps', () => {
      tf.tidy(() => {
        const x = images(g, 2);
        const score = g.discriminatorScore!(x);
        expect(score.shape).toEqual([BATCH]);
        expect(score.dataSync().every(Number.isFinite)).toBe(true);
        const features = g.discriminatorFeatures!(x);
        expect(features.length).toBe(g.manifest.discriminator!.featureLayers.length);
        for (const f of features) {
          expect(f.rank).toBe(4);
          expect(f.shape[0]).toBe(BATCH);
        }
      });
    });

    it('frees every tensor on dispose', () => {
      g.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  });
}

for (const id of probeIds) {
  it(`probe ${id} loads and predicts its classes and targets`, async () => {
    const before = tf.memory().numTensors;
    const dir = path.join(probesDir, id);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const { height, width, channels } = manifest.input;
    // Every categorical factor's logits (faces: hair style and glasses), then the targets.
    const outputs = probeLayout(manifest.outputs).width;
    const probe = await loadLayersModelFrom(dirFiles(dir), 'model/model.json');
    const out = tf.tidy(() => probe.predict(tf.zeros([2, height, width, channels])) as tf.Tensor);
    expect(out.shape).toEqual([2, outputs]);
    expect((await out.data()).every(Number.isFinite)).toBe(true);
    out.dispose();
    probe.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
}

describe('dirFiles', () => {
  it('reads a folder, names missing files and refuses paths outside it', async () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'dirfiles-'));
    try {
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
      const files = dirFiles(dir);
      expect(await files.text('./manifest.json')).toBe('{}');
      expect([files.has!('manifest.json'), files.size!('manifest.json'), files.has!('model.json')]).toEqual([true, 2, false]);
      await expect(files.bytes('generator/model.json')).rejects.toThrow(`generator/model.json does not exist in ${dir}.`);
      await expect(files.text('../x.json')).rejects.toThrow(/outside the model folder/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
