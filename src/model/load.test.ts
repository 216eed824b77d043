/**
 * loadGenerator on tiny in-memory model folders: good folders load and compose; each corrupted copy
 * fails with one plain sentence naming the first problem, frees every tensor it made, and leaves a
 * model loaded earlier working.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './errors';
import { memoryFiles, type ModelFiles } from './files';
import type { Generator } from './generator';
import { DEFAULT_MAX_BYTES, loadGenerator, loadLayersModelFrom, type LoadOptions } from './load';
import {
  denseGenerator, discriminator, editJson, manifestFor, plainModelFolder, SHARD, styleModelFolder, styleSynthesis, weightSpecs,
  withModel, zModelFolder, Z_DIM, type FileMap,
} from './testing/fixtures';

let zFolder: FileMap;
let styleFolder: FileMap;

beforeAll(async () => {
  await tf.setBackend('cpu');
  zFolder = await zModelFolder();
  styleFolder = await styleModelFolder();
});

const load = (files: FileMap | ModelFiles, opts?: LoadOptions) =>
  loadGenerator('label' in files && typeof files.label === 'string' ? (files as ModelFiles) : memoryFiles('the test folder', files as FileMap), opts);

/** Load must fail with a ModelLoadError matching `pattern`, in one sentence, leaving no tensor behind. */
async function expectFailure(files: FileMap | ModelFiles, pattern: RegExp, opts?: LoadOptions): Promise<string> {
  const before = tf.memory().numTensors;
  const outcome = await load(files, opts).then((g) => g, (e: unknown) => e);
  if (!(outcome instanceof Error)) {
    (outcome as Generator).dispose();
    throw new Error(`expected the load to fail with ${pattern}`);
  }
  expect(outcome).toBeInstanceOf(ModelLoadError);
  expect(outcome.message).toMatch(pattern);
  expect(outcome.message).not.toContain('\n');
  expect(tf.memory().numTensors).toBe(before);
  return outcome.message;
}

async function pixels(g: Generator, seed = 1, count = 2): Promise<Uint8ClampedArray> {
  const images = tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(seed, count), [count, g.zDim])));
  const rgba = await g.toRGBA(images);
  images.dispose();
  return rgba;
}

const setShape = (name: string, shape: number[]) => (json: Record<string, unknown>) => {
  weightSpecs(json).find((w) => w.name === name)!.shape = shape;
};

describe('loading good model folders', () => {
  it('loads a z-space model with its discriminator', async () => {
    const before = tf.memory().numTensors;
    const g = await load(zFolder);
    expect(g.zDim).toBe(Z_DIM);
    expect(g.isStyleBased).toBe(false);
    expect(g.outputShape).toEqual([8, 8, 3]);
    expect(g.assumptions).toEqual([]);
    const images = tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(3, 4), [4, Z_DIM])));
    expect(images.shape).toEqual([4, 8, 8, 3]);
    const score = g.discriminatorScore!(images);
    expect(score.shape).toEqual([4]);
    const features = g.discriminatorFeatures!(images);
    expect(features.map((f) => f.shape)).toEqual([[4, 8, 8, 4], [4, 4, 4, 4]]);
    tf.dispose([images, score, ...features]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('composes a style model: generate(z) = generate(mapZ(z), w) = generate(broadcastW(w), wplus)', async () => {
    const g = await load(styleFolder);
    expect([g.isStyleBased, g.wDim, g.styleLayers]).toEqual([true, 6, 3]);
    tf.tidy(() => {
      const z = tf.tensor2d(g.samplePrior(5, 3), [3, Z_DIM]);
      const w = g.mapZ(z);
      const a = g.generate(z, 'z');
      const b = g.generate(w, 'w');
      const c = g.generate(g.broadcastW(w), 'wplus');
      expect(a.shape).toEqual([3, 8, 8, 3]);
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
      expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBe(0);
    });
    g.dispose();
  });

  it('loads a style model whose synthesis takes one w (W+ then has one layer)', async () => {
    const g = await load(await styleModelFolder('w'));
    expect(g.styleLayers).toBe(1);
    const images = tf.tidy(() => g.generate(tf.tensor2d(g.samplePrior(1, 2), [2, Z_DIM])));
    expect(images.shape).toEqual([2, 8, 8, 3]);
    images.dispose();
    g.dispose();
  });

  it('loads a plain model.json without a manifest and says what it assumed', async () => {
    const g = await load(await plainModelFolder({ zDim: 5, channels: 1, activation: 'sigmoid' }));
    expect(g.zDim).toBe(5);
    expect(g.manifest.latent.prior).toBe('normal');
    expect(g.manifest.output).toEqual({ height: 8, width: 8, channels: 1, range: [0, 1] });
    expect(g.assumptions.join(' ')).toMatch(/no manifest\.json.*standard normal/);
    expect(g.assumptions.join(' ')).toMatch(/\[0, 1\] because the model ends in sigmoid/);
    const rgba = await pixels(g);
    expect(rgba.length).toBe(2 * 8 * 8 * 4);
    g.dispose();
  });

  it('assumes [-1, 1] for a plain model whose last activation says nothing', async () => {
    const g = await load(await plainModelFolder({ activation: 'linear' }));
    expect(g.manifest.output.range).toEqual([-1, 1]);
    expect(g.assumptions[1]).toMatch(/the model ends in linear, which does not tell/);
    g.dispose();
  });

  it('loads a single checked layers model (a probe) with loadLayersModelFrom', async () => {
    const model = await loadLayersModelFrom(memoryFiles('probe', zFolder), 'discriminator/model.json');
    expect(model.outputs[0].shape).toEqual([null, 1]);
    model.dispose();
  });
});

describe('each broken folder fails with one plain sentence and no leaked tensors', () => {
  it('manifest.json that is not JSON', () =>
    expectFailure({ ...zFolder, 'manifest.json': '{"id": "x",' }, /^manifest\.json is not valid JSON \(.+\)\.$/));

  it('model.json that is not JSON', () =>
    expectFailure({ ...zFolder, 'generator/model.json': '{"modelTopology": ' }, /^generator\/model\.json is not valid JSON/));

  it('a missing weight shard', () => {
    const files = { ...zFolder };
    delete files[`generator/${SHARD}`];
    return expectFailure(files, /^generator\/model\.json names generator\/group1-shard1of1\.bin, which is missing from the test folder\.$/);
  });

  it('a shard of the wrong size', () => {
    const shard = zFolder[`generator/${SHARD}`] as ArrayBuffer;
    return expectFailure({ ...zFolder, [`generator/${SHARD}`]: shard.slice(0, shard.byteLength - 4) },
      /^generator\/group1-shard1of1\.bin holds 3836 bytes, but the 2 weights listed for it in generator\/model\.json need 3840\.$/);
  });

  it('a weight whose shape differs from what the topology builds', () =>
    expectFailure(editJson(zFolder, 'generator/model.json', setShape('fc/kernel', [8, 96])),
      /^generator\/model\.json: weight 'fc\/kernel' has shape \[8,96\] but the model expects \[4,192\]\.$/));

  it('non-float weights', () =>
    expectFailure(editJson(zFolder, 'generator/model.json', (j) => { weightSpecs(j)[0].dtype = 'int32'; }),
      /weight 'fc\/kernel' is stored as 'int32', but only float32 weights can be used\.$/));

  it('NaN weights, naming the weight', () => {
    const shard = new Float32Array((zFolder[`generator/${SHARD}`] as ArrayBuffer).slice(0));
    shard[shard.length - 1] = NaN; // the last value of fc/bias
    return expectFailure({ ...zFolder, [`generator/${SHARD}`]: shard.buffer }, /^generator\/model\.json: weight 'fc\/bias' contains NaN or infinite values\.$/);
  });

  it('an output that is not an image (rank 2)', async () => {
    const z = tf.input({ shape: [Z_DIM] });
    const flat = tf.model({ inputs: z, outputs: tf.layers.dense({ units: 10 }).apply(z) as tf.SymbolicTensor });
    await expectFailure(await withModel(zFolder, 'generator', flat), /output has shape \[null,10\], which is not an image/);
  });

  it('an output with 4 channels', async () =>
    expectFailure(await withModel(zFolder, 'generator', denseGenerator({ channels: 4 })), /output has 4 channels, but an image needs 1 \(grey\) or 3 \(RGB\)/));

  it('an image size that disagrees with the manifest', async () =>
    expectFailure(await withModel(zFolder, 'generator', denseGenerator({ size: 4 })), /makes 4×4×3 images, but manifest\.json says 8×8×3\./));

  it('a latent dimension that disagrees with the manifest', () =>
    expectFailure(editJson(zFolder, 'manifest.json', (m) => { (m.latent as { dim: number }).dim = 5; }),
      /^generator\/model\.json: the model takes a latent vector of 4 values, but manifest\.json says latent\.dim is 5\.$/));

  it('an unknown prior', () =>
    expectFailure(editJson(zFolder, 'manifest.json', (m) => { (m.latent as { prior: string }).prior = 'gaussian'; }),
      /^manifest\.json: latent\.prior 'gaussian' is not one of normal, uniform, sphere\.$/));

  it('a mapping whose output is not wDim', () =>
    expectFailure(editJson(styleFolder, 'manifest.json', (m) => { (m.mapping as { wDim: number }).wDim = 7; }),
      /^mapping\/model\.json: the mapping network outputs \[null,6\], but manifest\.json says mapping\.wDim is 7/));

  it('a synthesis whose input is not [styleLayers, wDim]', () =>
    expectFailure(editJson(styleFolder, 'manifest.json', (m) => { (m.synthesis as { styleLayers: number }).styleLayers = 4; }),
      /^synthesis\/model\.json: the synthesis network takes \[null,3,6\], but manifest\.json \(synthesis\.styleLayers 4 and mapping\.wDim 6\) implies \[null,4,6\]\.$/));

  it('a synthesis built for another wDim than the mapping makes', async () =>
    expectFailure(await withModel(styleFolder, 'synthesis', styleSynthesis({ wDim: 5 })), /synthesis network takes \[null,3,5\].*implies \[null,3,6\]/));

  it('an oversize file, known from size() before reading', () =>
    expectFailure(zFolder, /^generator\/group1-shard1of1\.bin brings the model's files to .+, more than the 4 KiB limit\.$/, { maxBytes: 4096 }));

  it('an oversize file against the default limit, refused unread', async () => {
    const inner = memoryFiles('big', zFolder);
    let shardRead = false;
    const files: ModelFiles = {
      ...inner,
      size: (p) => (p.endsWith('.bin') ? 65 * 1024 * 1024 : inner.size!(p)),
      bytes: (p) => { shardRead = true; return inner.bytes(p); },
    };
    await expectFailure(files, /is 65 MiB, more than the 64 MiB limit for a model's files\.$/);
    expect(shardRead).toBe(false);
    expect(DEFAULT_MAX_BYTES).toBe(64 * 1024 * 1024);
  });

  it('an oversize file whose size is only known from its bytes', () => {
    const { label, text, bytes } = memoryFiles('sizeless', zFolder);
    return expectFailure({ label, text, bytes }, /more than the 4 KiB limit\.$/, { maxBytes: 4096 });
  });

  it('a manifest naming a missing file', () =>
    expectFailure(editJson(zFolder, 'manifest.json', (m) => { (m.discriminator as { path: string }).path = 'critic/model.json'; }),
      /^manifest\.json names critic\/model\.json, which is missing from the test folder\.$/));

  it('a layer type the app does not know', () =>
    expectFailure(editJson(zFolder, 'generator/model.json', (j) => {
      const layers = ((j.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers);
      layers[1].class_name = 'Bogus';
    }), /^generator\/model\.json uses a layer type 'Bogus', which this app does not know\.$/));

  it('a topology that fails halfway through building (the layers built so far are freed)', () =>
    expectFailure(editJson(styleFolder, 'synthesis/model.json', (j) => {
      // conv4 (a modulated conv) loses its style input: it fails in build(), after 'const' made its weights.
      const layers = ((j.modelTopology as { config: { layers: { name: string; inbound_nodes: unknown[][][] }[] } }).config.layers);
      layers.find((l) => l.name === 'conv4')!.inbound_nodes[0].pop();
    }), /^synthesis\/model\.json: the model could not be built from its topology \(.+\)\.$/));

  it('a feature layer the discriminator does not have', () =>
    expectFailure(editJson(zFolder, 'manifest.json', (m) => { (m.discriminator as { featureLayers: string[] }).featureLayers = ['feat_a', 'nope']; }),
      /names the feature layer 'nope', which the discriminator does not have\.$/));

  it('a discriminator for other images', async () =>
    expectFailure(await withModel(zFolder, 'discriminator', discriminator(1)), /discriminator takes \[null,8,8,1\], but the generator makes images of shape \[null,8,8,3\]/));

  it('a weights manifest listing a weight the model lacks', () =>
    expectFailure(editJson(zFolder, 'generator/model.json', (j) => { weightSpecs(j)[1].name = 'fc/offset'; }),
      /needs a weight 'fc\/bias' that its weights manifest does not list/));

  it('a folder with neither manifest.json nor model.json', () => expectFailure({}, /^the test folder holds neither a manifest\.json nor a model\.json\.$/));

  it('a plain model.json whose input is not a vector', async () => {
    const files = await withModel({}, '', discriminator());
    await expectFailure(files, /without a manifest\.json the model's input must be a latent vector \[null, n\], but it is \[null,8,8,3\]/);
  });

  it('a manifest with neither generator nor mapping/synthesis', () =>
    expectFailure({ ...zFolder, 'manifest.json': JSON.stringify({ ...manifestFor('z'), generator: undefined }) }, /names no network/));
});

describe('a failed load does not disturb the model loaded before it', () => {
  it('A still generates identical pixels after B fails', async () => {
    const a = await load(zFolder);
    const first = await pixels(a);
    const shard = new Float32Array((zFolder[`generator/${SHARD}`] as ArrayBuffer).slice(0)).fill(NaN);
    const bad: FileMap[] = [
      { ...zFolder, [`generator/${SHARD}`]: shard.buffer },
      editJson(zFolder, 'generator/model.json', setShape('fc/kernel', [8, 96])),
      editJson(styleFolder, 'manifest.json', (m) => { (m.mapping as { wDim: number }).wDim = 7; }),
    ];
    for (const b of bad) await expect(load(b)).rejects.toThrow(ModelLoadError);
    expect(await pixels(a)).toEqual(first);
    a.dispose();
  });
});
