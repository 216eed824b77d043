/**
 * Issue 12's bar for users' generators: a TF.js generator built from standard Keras layers that TF.js cannot
 * differentiate twice — UpSampling2D + BatchNormalization + sigmoid, and Conv2DTranspose + ELU
 * (src/model/testing/fixtures.ts foreignGenerator) — gets an exact metric, by forward mode with every layer
 * by its own rule, from the CLI and from the engine's job registry (what the app runs), and that metric
 * matches finite differences. Both models are smooth, so central differences (relative step 1e-4) are an
 * oracle limited only by their float32 round-off: measured agreement 1.6e-4…3.8e-4·λ₁ (2026-11-30); the
 * bound is 2e-3·λ₁ on all four eigenvalues, while a wrong rule (a missing BatchNorm scale, a transposed
 * kernel) moves them by O(λ₁). The exact metric's own residual check (forward columns against a
 * reverse-mode VJP) is ~1e-7.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atlasOk } from './atlasCli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cpuJobsWith } from '../../src/engine/testing';
import { foreignModelFolder, type ForeignGenerator } from '../../src/model/testing/fixtures';

const KINDS: ForeignGenerator[] = ['upsampling-bn-sigmoid', 'transpose-elu'];
const TOP = 4; // all of them: the fixtures have a 4-d latent
let root: string;

const atlas = (...args: string[]) => JSON.parse(atlasOk(args, 240_000));

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-foreign-'));
  for (const kind of KINDS) {
    for (const [name, content] of Object.entries(await foreignModelFolder(kind))) {
      const file = path.join(root, kind, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, typeof content === 'string' ? content : Buffer.from(content));
    }
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function topGap(a: number[], b: number[]): number {
  let worst = 0;
  for (let i = 0; i < TOP; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / b[0];
}

describe.each(KINDS)('a user\'s Keras generator (%s)', (kind) => {
  it('CLI: atlas metric is exact by forward mode, no fallback, and matches finite differences', () => {
    const dir = path.join(root, kind);
    const exact = atlas('metric', '--model', dir, '--seed', '3', '--method', 'exact');
    const fd = atlas('metric', '--model', dir, '--seed', '3', '--method', 'fd');
    expect(exact.jvp).toBe('forward');
    expect(exact.fallbacks).toEqual([]);
    const gap = topGap(exact.eigenvalues, fd.eigenvalues);
    console.log(`${kind}: λ₁ ${exact.eigenvalues[0].toExponential(3)}, exact vs fd top-${TOP} ${gap.toExponential(1)}·λ₁, residual ${exact.errorEstimate.toExponential(1)}`);
    expect(gap).toBeLessThan(2e-3);
    expect(exact.errorEstimate).toBeLessThan(1e-5);
  });

  it('engine (the app\'s job registry): an exact metric basis with no warning, matching an fd basis', async () => {
    const jobs = await cpuJobsWith(() => foreignModelFolder(kind), 'm');
    const exact = await jobs.run('basis', 1, { latent: { seed: 3 }, space: 'z', kind: 'metric', distance: 'mse', k: TOP });
    const fd = await jobs.run('basis', 2, { latent: { seed: 3 }, space: 'z', kind: 'metric', distance: 'mse', k: TOP, derivatives: 'fd' });
    expect(exact.warning).toBeUndefined();
    expect(exact.notes.join(' ')).toMatch(/forward mode: every layer by its own rule/);
    expect(topGap(Array.from(exact.values), Array.from(fd.values))).toBeLessThan(2e-3);
    jobs.dispose();
  });
});
