/**
 * `atlas basis` and the app give the same directions for the same view: for every basis kind in every
 * space of two bundled models (a style model and a z-space one), the CLI's command function
 * (scripts/atlas/bases.ts basisCommand, as `atlas basis` runs it) against the job worker's path
 * (src/engine/jobs.ts Jobs.basis, the request app/session.ts sends: basis seed 0, default samples).
 *
 * Tolerance: both run the same float32 network on the same backend and the same float64 math, so the
 * numbers should agree exactly; 1e-9 absolute on directions and values and 1e-9 relative on rates leaves
 * room only for summation order, and would catch any drift of recipe (samples, normalisation, sign, k).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../scripts/lib/tfnode';
import { basisCommand } from '../../scripts/atlas/bases';
import { parseArgs, UsageError } from '../../scripts/atlas/common';
import { Jobs } from '../../src/engine/jobs';
import { BASIS_KINDS, type BasisKind } from '../../src/geometry/bases';
import { manifestOf, snapshotEngineOptions } from './snapshot';

const MODELS = ['shapes-style', 'shapes-dcgan'];
const SEED = 7, K = 5;

beforeAll(async () => {
  await useBackend('wasm');
});

const cli = (args: string[]) => {
  const { opts } = parseArgs(['basis', ...args], () => ['model', 'seed', 'kind', 'space', 'k', 'distance']);
  return basisCommand(opts);
};

const worst = (a: number[], b: number[], rel = false) => Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]) / (rel ? Math.max(Math.abs(b[i]), 1e-30) : 1)));

describe.each(MODELS)('atlas basis vs the job worker on %s', (model) => {
  const style = manifestOf(model).mapping !== undefined;
  const spaces: ('z' | 'w')[] = style ? ['z', 'w'] : ['z'];
  const cases = spaces.flatMap((space) => BASIS_KINDS.filter((k) => style || k !== 'local').map((kind): [BasisKind, 'z' | 'w'] => [kind, space]));
  let jobs: Jobs;
  let nextId = 1;

  beforeAll(async () => {
    jobs = new Jobs(snapshotEngineOptions);
    expect(await jobs.load({ kind: 'bundled', id: model })).toMatchObject({ ok: true });
  });
  afterAll(() => jobs?.dispose());

  it.each(cases)('%s in %s: the same directions, values and rates', async (kind, space) => {
    const before = tf.memory().numTensors;
    const mine = await cli(['--model', model, '--seed', String(SEED), '--kind', kind, '--space', space, '--k', String(K)]);
    const app = await jobs.run('basis', nextId++, { latent: { seed: SEED }, space, kind, distance: 'mse', k: K, seed: 0 }, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(mine.directions).toHaveLength(app.directions.length);
    expect(mine.directions.length).toBeGreaterThan(0);
    expect(app.basisSpace).toBe(space);
    const d = Math.max(...mine.directions.map((row, i) => worst(row, app.directions[i])));
    expect(d).toBeLessThan(1e-9);
    expect(worst(mine.values, app.values)).toBeLessThan(1e-9);
    expect(worst(mine.rates, app.rates, true)).toBeLessThan(1e-9);
    // Unit rows: what the JSON promises.
    for (const row of mine.directions) expect(Math.abs(Math.hypot(...row) - 1)).toBeLessThan(1e-9);
    if (space === 'w') expect(mine.w).toEqual(app.reference);
  });

  if (!style) {
    it('refuses W and the Local Basis in one line (exit 2 in the CLI)', async () => {
      await expect(cli(['--model', model, '--seed', '1', '--kind', 'sefa', '--space', 'w'])).rejects.toThrow(UsageError);
      await expect(cli(['--model', model, '--seed', '1', '--kind', 'local'])).rejects.toThrow(/Local Basis needs a style-based model/);
    });
  }
});
