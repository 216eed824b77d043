/**
 * `atlas basis --from FILE` on the bundled models: directions written by the app's JSON export and by `atlas basis`
 * itself, read back by the app's reader (src/export/directionsFile.ts) and measured at a view.
 *
 * Oracles:
 * - the metric's eigenvectors at a seed, loaded back at that seed, have rates √λ of that metric (≤ 1e-5 relative,
 *   for eigenvalues above 1e-6·λ₁: below, √λ is float32 round-off of a null direction);
 * - loaded at another seed, they have the rates the job worker gives the same directions there (the app's path,
 *   1e-9 relative: the same code on the same backend);
 * - a file of another model, a wrong space, and a garbage file end as one-line usage errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../scripts/lib/tfnode';
import { basisCommand } from '../../scripts/atlas/bases';
import { parseArgs, UsageError } from '../../scripts/atlas/common';
import { basisJson } from '../../src/export/basisFiles';
import { Jobs } from '../../src/engine/jobs';
import type { Basis } from '../../src/engine/types';
import { snapshotEngineOptions } from './snapshot';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-directions-'));
const cli = (args: string[]) => {
  const { opts } = parseArgs(['basis', ...args], () => ['model', 'seed', 'kind', 'from', 'space', 'k', 'distance']);
  return basisCommand(opts);
};
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

let jobs: Jobs;
beforeAll(async () => {
  await useBackend('wasm');
  jobs = new Jobs(snapshotEngineOptions);
  expect(await jobs.load({ kind: 'bundled', id: 'shapes-style' })).toMatchObject({ ok: true });
});
afterAll(() => {
  jobs?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('atlas basis --from', () => {
  it('the app\'s export of the metric at seed 3 (W, ssim), loaded at seed 3: rates √λ; at seed 5: the job worker\'s rates', async () => {
    const metric = await jobs.run('basis', 1, { latent: { seed: 3 }, space: 'w', kind: 'metric', distance: 'ssim', k: 6, seed: 0 }, () => undefined);
    const exported = file('metric-w.json', basisJson(metric, { model: 'shapes-style', link: 'v=1&model=shapes-style&seed=3', latent: 'seed 3' }));
    const before = tf.memory().numTensors;
    const here = await cli(['--from', exported, '--seed', '3', '--distance', 'ssim']);
    expect(tf.memory().numTensors).toBe(before);
    expect(here).toMatchObject({ model: 'shapes-style', kind: 'imported', space: 'w', seed: 3, distance: 'ssim', from: exported });
    let worst = 0;
    here.rates.forEach((r, i) => {
      if (metric.values[i] < 1e-6 * metric.values[0]) return;
      worst = Math.max(worst, relative(r, Math.sqrt(metric.values[i])));
    });
    expect(worst).toBeLessThan(1e-5);
    console.log(`shapes-style W ssim: imported eigenvectors' rates vs √λ, worst relative ${worst.toExponential(2)}`);

    const there = await cli(['--from', exported, '--seed', '5', '--distance', 'ssim', '--k', '4']);
    const app = await jobs.run('basis', 2, { latent: { seed: 5 }, space: 'w', kind: 'imported', distance: 'ssim', k: 4, imported: { space: 'w', directions: there.directions } }, () => undefined);
    expect(there.directions).toHaveLength(4);
    there.rates.forEach((r, i) => expect(relative(r, app.rates[i])).toBeLessThan(1e-9));
  });

  it('atlas basis\'s own output read back (model and space from the file), on a z-space model', async () => {
    const printed = await cli(['--model', 'shapes-dcgan', '--seed', '1', '--kind', 'metric', '--k', '3']);
    const again = await cli(['--from', file('dcgan.json', JSON.stringify(printed)), '--seed', '1']);
    expect(again).toMatchObject({ model: 'shapes-dcgan', kind: 'imported', space: 'z' });
    again.rates.forEach((r, i) => expect(relative(r, Math.sqrt(printed.values[i]))).toBeLessThan(1e-5));
    again.directions.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(printed.directions[i][j], 6)));
  });

  it('refuses another model\'s file, a space the file is not in, and garbage, in one line each', async () => {
    const metric: Basis = await jobs.run('basis', 3, { latent: { seed: 3 }, space: 'z', kind: 'metric', distance: 'mse', k: 2, seed: 0 }, () => undefined);
    const styleFile = file('style-z.json', basisJson(metric, { model: 'shapes-style', link: '', latent: 'seed 3' }));
    const cases: [string[], RegExp][] = [
      [['--from', styleFile, '--seed', '1', '--model', 'shapes-dcgan'], /These directions are for the model shapes-style, and the model in use is shapes-dcgan/],
      [['--from', styleFile, '--seed', '1', '--space', 'w'], /the directions live in z, not w/],
      [['--from', file('garbage.json', 'PK\u0003\u0004 not json'), '--seed', '1'], /The file is not JSON/],
      [['--from', path.join(dir, 'missing.json'), '--seed', '1'], /cannot read/],
      [['--from', styleFile, '--seed', '1', '--kind', 'metric'], /leave out --kind/],
    ];
    for (const [args, message] of cases) {
      const error = await cli(args).then(() => null, (e: unknown) => e);
      expect(error, args.join(' ')).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toMatch(/\n/);
    }
  });
});
