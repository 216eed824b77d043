/**
 * The pure checks: manifests, model.json structure, shard sizes and weight values. No tfjs backend is
 * needed; every failure is one sentence naming the file and the field.
 */
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from './errors';
import {
  checkShardSizes, findNonFiniteWeight, parseJson, validateManifest, validateModelJson, weightByteLength,
} from './validate';

const designExample = {
  id: 'shapes-style', name: 'Shapes', description: 'd',
  latent: { dim: 64, prior: 'normal' },
  mapping: { path: 'mapping/model.json', wDim: 64 },
  synthesis: { path: 'synthesis/model.json', styleLayers: 6, input: 'w+' },
  discriminator: { path: 'discriminator/model.json', featureLayers: ['feat_a'] },
  output: { height: 64, width: 64, channels: 3, range: [-1, 1] },
  factors: ['shape', 'x'],
  probe: 'shapes-probe',
  training: { steps: 0 },
};

/** The manifest with `path` (dotted) set to `value` (undefined deletes it). */
function variant(path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(designExample) as Record<string, unknown>;
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((o, k) => o[k] as Record<string, unknown>, copy);
  if (value === undefined) delete parent[keys.at(-1)!];
  else parent[keys.at(-1)!] = value;
  return copy;
}

const fails = (json: unknown, message: string | RegExp) => expect(() => validateManifest(json)).toThrow(message);

describe('validateManifest', () => {
  it('accepts the manifest of DESIGN §4 and fills optional text', () => {
    expect(validateManifest(designExample)).toEqual(designExample);
    const m = validateManifest(variant('name', undefined));
    expect(m.name).toBe('shapes-style');
    expect(validateManifest(variant('description', undefined)).description).toBe('');
  });

  it('names the first problem in one sentence', () => {
    fails([], 'manifest.json must hold a JSON object, not a list.');
    fails(variant('id', 3), 'manifest.json: id must be a non-empty string, not 3.');
    fails(variant('latent', undefined), 'manifest.json: latent is missing.');
    fails(variant('latent.dim', 0), 'manifest.json: latent.dim must be a positive whole number, not 0.');
    fails(variant('latent.prior', 'gaussian'), "manifest.json: latent.prior 'gaussian' is not one of normal, uniform, sphere.");
    fails(variant('output.channels', 4), 'manifest.json: output.channels 4 is not one of 1, 3.');
    fails(variant('output.range', [1, -1]), 'manifest.json: output.range must be [low, high] with low < high, not [1,-1].');
    fails(variant('synthesis.input', 'z'), "manifest.json: synthesis.input 'z' is not one of w, w+.");
    fails(variant('mapping.wDim', 6.5), 'manifest.json: mapping.wDim must be a positive whole number, not 6.5.');
    fails(variant('synthesis', undefined), 'manifest.json: synthesis is missing.');
    fails(variant('generator', { path: 'g/model.json' }), /names both a generator and a mapping\/synthesis pair/);
    fails(variant('discriminator.featureLayers', 'feat_a'), 'manifest.json: discriminator.featureLayers must be a list of strings.');
  });

  it('reports invalid JSON with the parser\'s reason', () => {
    expect(() => parseJson('{"id": ', 'manifest.json')).toThrow(/^manifest\.json is not valid JSON \(.+\)\.$/);
    expect(() => parseJson('{"id": ', 'manifest.json')).toThrow(ModelLoadError);
  });
});

const spec = (name: string, shape: number[], extra: Record<string, unknown> = {}) => ({ name, shape, dtype: 'float32', ...extra });
const modelJson = (weights: unknown[]) => ({ modelTopology: { class_name: 'Model', config: {} }, weightsManifest: [{ paths: ['w.bin'], weights }] });

describe('validateModelJson', () => {
  it('accepts a layers model and keeps its weight groups', () => {
    const json = validateModelJson(modelJson([spec('a', [2, 3])]), 'g/model.json');
    expect(json.weightGroups[0].paths).toEqual(['w.bin']);
    expect(weightByteLength(json.weightGroups[0].weights[0])).toBe(24);
  });

  it('refuses graph models, missing parts, non-float and duplicate weights', () => {
    expect(() => validateModelJson({ format: 'graph-model', modelTopology: { node: [] } }, 'm.json')).toThrow(/is a TF\.js graph model/);
    expect(() => validateModelJson({ weightsManifest: [] }, 'm.json')).toThrow('m.json has no modelTopology, so it is not a TF.js layers model.');
    expect(() => validateModelJson({ modelTopology: {} }, 'm.json')).toThrow('m.json has no weightsManifest listing its weight files.');
    expect(() => validateModelJson(modelJson([{ ...spec('a', [2]), dtype: 'int32' }]), 'm.json'))
      .toThrow("m.json: weight 'a' is stored as 'int32', but only float32 weights can be used.");
    expect(() => validateModelJson(modelJson([spec('a', [2, -1])]), 'm.json')).toThrow("m.json: weight 'a' has an invalid shape [2,-1].");
    expect(() => validateModelJson(modelJson([spec('a', [2]), spec('a', [3])]), 'm.json')).toThrow("m.json: weight 'a' is listed twice.");
  });
});

describe('shards and weight values', () => {
  it('checks that the shards hold exactly the listed weights', () => {
    const weights = [spec('a', [2, 3]), spec('b', [3])] as never[];
    expect(() => checkShardSizes('g/model.json', ['g/w.bin'], [36], weights)).not.toThrow();
    expect(() => checkShardSizes('g/model.json', ['g/w.bin'], [32], weights))
      .toThrow('g/w.bin holds 32 bytes, but the 2 weights listed for it in g/model.json need 36.');
    expect(() => checkShardSizes('g/model.json', ['g/a.bin', 'g/b.bin'], [20, 20], weights)).toThrow(/^The shards g\/a\.bin, g\/b\.bin hold 40 bytes/);
  });

  it('finds the first weight with NaN or infinite values', () => {
    const data = new Float32Array([1, 2, 3, 4, Infinity]);
    const specs = [spec('a', [2]), spec('b', [3])] as never[];
    expect(findNonFiniteWeight(specs, data.buffer)).toBe('b');
    data[4] = 5;
    expect(findNonFiniteWeight(specs, data.buffer)).toBeUndefined();
  });

  it('reads quantised weights: float16 NaN, and uint8 scales', () => {
    const halves = new Uint16Array([0x3c00, 0x7e00]); // 1.0, NaN
    expect(findNonFiniteWeight([spec('h', [2], { quantization: { dtype: 'float16' } })] as never[], halves.buffer)).toBe('h');
    const bytes = new Uint8Array([0, 1, 2, 3, 0, 0, 0, 0]);
    const specs = [spec('q', [1], { quantization: { dtype: 'uint8', scale: NaN, min: 0 } }), spec('f', [1])];
    expect(findNonFiniteWeight(specs as never[], bytes.buffer)).toBe('q');
    specs[0] = spec('q', [1], { quantization: { dtype: 'uint8', scale: 1, min: 0 } });
    expect(findNonFiniteWeight(specs as never[], bytes.buffer)).toBeUndefined(); // 'f' is read at a misaligned offset
  });
});
