import { describe, expect, it } from 'vitest';
import type { Basis } from '../engine/types';
import { importDirections, unitRows } from '../state/importedBasis';
import { MAX_DIRECTION_LENGTH, MAX_DIRECTIONS } from '../state/vocabulary';
import { basisJson } from './basisFiles';
import { readDirectionsFile } from './directionsFile';

const basis: Basis = {
  kind: 'ganspace', basisSpace: 'w', space: 'wplus', distance: 'ssim', dim: 3,
  directions: [[1, 0, 0], [0, 0.6, 0.8]], values: [2.5, 0.25], valueName: 'variance', rates: [0.3, 0.1],
  reference: [0.1, -0.2, 0.3], ms: 1, notes: ['PCA'],
};
const exported = basisJson(basis, { model: 'shapes-style', link: 'v=1&seed=3', latent: 'seed 3' }, [{ factor: 'x', share: 0.5 }, null]);

/** atlas basis's output shape (scripts/atlas/bases.ts; checked against the real command in tests/model/directionsImport.test.ts). */
const atlasOutput = JSON.stringify({
  model: 'shapes-dcgan', kind: 'metric', space: 'z', seed: 1, distance: 'mse', z: [0.1, 0.2], directions: [[3, 4], [0, -2]],
  values: [1, 0.5], valueName: 'eigenvalue', rates: [1, 0.7], notes: [],
});

const withField = (field: string, value: unknown) => JSON.stringify({ ...JSON.parse(exported), [field]: value });
const rows = (k: number, n: number) => Array.from({ length: k }, () => Array.from({ length: n }, () => 1));

describe('reading a directions file', () => {
  it('reads the app\'s export back: model, basis space (not the explorer space), kind, distance, latent and every direction', () => {
    expect(readDirectionsFile(exported)).toEqual({
      source: 'export', model: 'shapes-style', basisSpace: 'w', kind: 'ganspace', distance: 'ssim', latent: 'seed 3', directions: basis.directions,
    });
  });

  it('reads atlas basis output, whose space is the basis space and whose latent is its seed', () => {
    expect(readDirectionsFile(atlasOutput)).toEqual({
      source: 'atlas basis', model: 'shapes-dcgan', basisSpace: 'z', kind: 'metric', distance: 'mse', latent: 'seed 1', directions: [[3, 4], [0, -2]],
    });
  });

  it('refuses every bad file with one plain sentence', () => {
    const cases: [string, RegExp][] = [
      ['{"directions": [[1, 2]', /^The file is not JSON/],
      ['[1, 2]', /^The file holds JSON but not a directions object\.$/],
      ['null', /^The file holds JSON but not a directions object\.$/],
      [withField('format', 'numpy'), /^The file's format is "numpy", not latent-atlas-directions\.$/],
      [withField('version', 2), /version "2"; this app reads version 1\.$/],
      [JSON.stringify({ model: 'm', rates: [] }), /^The file is not a directions file/],
      [withField('model', ''), /^The file names no model/],
      [withField('basisSpace', 'wplus'), /^The file's basisSpace must be z or w\.$/],
      [withField('directions', []), /^The file holds no directions\.$/],
      [withField('directions', 'lots'), /^The file holds no directions\.$/],
      [withField('directions', [[1, 2, 3], [1, 2]]), /^Direction 2 has 2 entries where direction 1 has 3: every direction must have the same length\.$/],
      [withField('directions', [[1, 2], 'x']), /^Direction 2 is not a list of numbers\.$/],
      [withField('directions', [[]]), /^Direction 1 is not a list of numbers\.$/],
      [withField('directions', [[1, null]]), /^Direction 1 holds something other than a finite number at entry 2\.$/],
      [withField('directions', [[1, '2']]), /^Direction 1 holds something other than a finite number at entry 2\.$/],
      [exported.replace('0.6', '1e999'), /^Direction 2 holds something other than a finite number at entry 2\.$/],
      [withField('directions', [[1, 1], [0, 0]]), /^Direction 2 is all zeros/],
      [withField('directions', rows(MAX_DIRECTIONS + 1, 3)), /^The file holds 33 directions; the app shows at most 32\.$/],
      [withField('directions', rows(1, MAX_DIRECTION_LENGTH + 1)), /^The directions have 1025 entries; the longest latent the app handles has 1024\.$/],
      [' '.repeat(8_000_001), /far larger than any directions file/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        readDirectionsFile(text);
      } catch (e) {
        error = e;
      }
      expect(error, text.slice(0, 80)).toBeInstanceOf(Error);
      const m = (error as Error).message;
      expect(m, text.slice(0, 80)).toMatch(message);
      // One sentence: no line breaks, no stack or JSON fragments.
      expect(m).not.toMatch(/\n|SyntaxError|undefined/);
    }
  });
});

describe('a read file as the view\'s imported basis', () => {
  const dcgan = { id: 'shapes-dcgan', zDim: 2, spaces: ['z' as const] };
  const style = { id: 'shapes-style', zDim: 4, wDim: 3, spaces: ['z' as const, 'w' as const, 'wplus' as const] };

  it('scales each direction to unit length and rounds it to float32, keeping its sign', () => {
    const d = importDirections(readDirectionsFile(atlasOutput), 'b.json', { model: dcgan, isCode: false });
    expect(d).toEqual({ name: 'b.json', space: 'z', directions: [[Math.fround(0.6), Math.fround(0.8)], [0, -1]] });
    for (const row of unitRows([[1e-30, 3e-30], [7, -1, 2]])) expect(Math.hypot(...row)).toBeCloseTo(1, 6);
  });

  it('refuses another model, a space the model lacks, a length that is not the space\'s, and Z directions on a W code', () => {
    const file = readDirectionsFile(exported);
    expect(() => importDirections(file, 'a.json', { model: dcgan, isCode: false }))
      .toThrow('These directions are for the model shapes-style, and the model in use is shapes-dcgan: load them with their own model.');
    expect(() => importDirections({ ...file, model: 'shapes-dcgan' }, 'a.json', { model: dcgan, isCode: false })).toThrow('These directions live in W, and shapes-dcgan has no W space.');
    expect(() => importDirections(file, 'a.json', { model: { ...style, wDim: 6 }, isCode: false })).toThrow("These directions have 3 entries, and shapes-style's W space has 6.");
    expect(() => importDirections({ ...file, basisSpace: 'z' }, 'a.json', { model: style, isCode: true })).toThrow(/this view is a W or W\+ code/);
    expect(importDirections(file, 'a.json', { model: style, isCode: true }).space).toBe('w');
  });
});
