/**
 * Search objectives on the style fixture: the discriminator scores every point of a population on its own
 * (its minibatch-stddev layer would otherwise mix them), checked against one-image calls; probe objectives read
 * the probe's outputs with the sign asked for; a Hessian run never leaves z₀ + span(top k).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { memoryFiles } from '../model/files';
import type { Generator } from '../model/generator';
import { loadGenerator } from '../model/load';
import { loadProbe, type Probe } from '../model/probe';
import { discriminator, probeFolder, styleModelFolder, withModel, SIZE, Z_DIM } from '../model/testing/fixtures';
import { probeLayout } from '../model/probeLayout';
import { latentSearch, searchObjective } from './search';

let g: Generator;
let probe: Probe;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // A discriminator with a minibatch-stddev layer, as the bundled models have: it mixes a batch.
  g = await loadGenerator(memoryFiles('style', await withModel(await styleModelFolder(), 'discriminator', discriminator(3, true))));
  probe = await loadProbe(memoryFiles('probe', await probeFolder()), [SIZE, SIZE, 3], [-1, 1]);
});

const points = (count: number) => Float64Array.from({ length: count * Z_DIM }, (_, i) => Math.sin(1.3 * i + 0.2));

describe('search objectives', () => {
  it('the discriminator scores each point of a population as if it were alone', async () => {
    const o = searchObjective(g, 'discriminator');
    const z = points(6);
    const together = await o.score(z, 6);
    for (let i = 0; i < 6; i++) {
      const alone = tf.tidy(() => g.discriminatorScore!(g.generate(tf.tensor2d(Float32Array.from(z.subarray(i * Z_DIM, (i + 1) * Z_DIM)), [1, Z_DIM]), 'z')));
      expect(Math.abs(together[i] - alone.dataSync()[0])).toBeLessThan(1e-5);
      alone.dispose();
    }
  });

  it('a factor objective is the probe\'s target with the sign asked for; a class objective its softmax probability', async () => {
    const z = points(3);
    const out = tf.tidy(() => probe.apply(g.generate(tf.tensor2d(Float32Array.from(z), [3, Z_DIM]), 'z')));
    const v = out.arraySync() as number[][];
    out.dispose();
    const up = await searchObjective(g, 'factor:t', probe).score(z, 3);
    const down = await searchObjective(g, '-factor:t', probe).score(z, 3);
    const light = await searchObjective(g, 'class:light', probe).score(z, 3);
    for (let i = 0; i < 3; i++) {
      expect(up[i]).toBeCloseTo(v[i][2], 5);
      expect(down[i]).toBeCloseTo(-v[i][2], 5);
      expect(light[i]).toBeCloseTo(1 / (1 + Math.exp(v[i][0] - v[i][1])), 5);
    }
    expect(searchObjective(g, '-factor:t', probe).label).toBe('−t');
    expect(() => searchObjective(g, 'class:dark')).toThrow(/reads the model's probe/);
    expect(() => searchObjective(g, '-class:dark', probe)).toThrow(/takes no minus sign/);
  });

  it('with several categorical factors (faces: hair, glasses) a class objective is the softmax over its own factor\'s logits only', async () => {
    // A stand-in probe: logits [hair: a, b | glasses: none, round], then one target, fixed per image.
    const rows = [[0.3, -0.4, 1.2, -0.5, 0.7], [-1.1, 0.6, -0.2, 0.9, -0.3]];
    const layout = probeLayout({ classes: ['a', 'none'], categorical: [{ name: 'hair', classes: ['a', 'none'] }, { name: 'glasses', classes: ['none', 'round'] }], targets: ['t'] });
    const stand: Probe = {
      manifest: { id: 'two', name: 'two', input: { height: SIZE, width: SIZE, channels: 3, range: [-1, 1] }, layout },
      apply: (images) => tf.tidy(() => tf.add(tf.tensor2d(rows), tf.mul(tf.sum(images), 0)) as tf.Tensor2D),
      // Its outputs do not depend on the image: zero tangents.
      pushForward: () => ({ out: { primal: tf.tensor2d([rows[0]]), tangent: null }, fallbacks: [] }),
      dispose: () => {},
    };
    const z = points(2);
    const round = await searchObjective(g, 'class:glasses=round', stand).score(z, 2);
    const bald = await searchObjective(g, 'class:hair=none', stand).score(z, 2);
    const t = await searchObjective(g, 'factor:t', stand).score(z, 2);
    for (let i = 0; i < 2; i++) {
      const [a, none, gNone, gRound, target] = rows[i];
      expect(round[i]).toBeCloseTo(1 / (1 + Math.exp(gNone - gRound)), 5);
      expect(bald[i]).toBeCloseTo(1 / (1 + Math.exp(a - none)), 5);
      expect(t[i]).toBeCloseTo(target, 5);
    }
    expect(searchObjective(g, 'class:round', stand).label).toBe('P(glasses round)');
    expect(() => searchObjective(g, 'class:none', stand)).toThrow("'none' is a class of hair and glasses; say which, e.g. class:hair=none.");
    expect(() => searchObjective(g, 'class:hat=none', stand)).toThrow(/classifies hair, glasses; 'hat' is not among them/);
    expect(() => searchObjective(g, 'class:glasses=a', stand)).toThrow(/reads the classes hair=a, hair=none, glasses=none, glasses=round; 'a' is not among them/);
  });

  it('a Hessian run stays in z₀ + the span of the top k given directions, and records the code norm of its mean', async () => {
    const basis = { eigenvalues: [4, 3, 2, 1], eigenvectors: Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]) };
    const start = [0.3, -0.2, 0.5, 0.1];
    const r = await latentSearch(g, searchObjective(g, 'factor:t', probe), { method: 'hessian-cmaes', start, generations: 5, sigma: 0.3, seed: 2, k: 2, basis });
    // Directions e₀ and e₂: coordinates 1 and 3 never move.
    expect(r.best[1]).toBeCloseTo(start[1], 6);
    expect(r.best[3]).toBeCloseTo(start[3], 6);
    expect(r.history.length).toBe(5);
    expect(r.history[4].latentNorm).toBeCloseTo(Math.hypot(...r.mean), 9);
    expect(r.dimensions).toBe(2);
  });
});
