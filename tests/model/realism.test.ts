/**
 * atlas realism and atlas walk on a bundled model: the protoimage and improved latents the CLI reports regenerate,
 * through the model loaded here, the protoimage and improved rows of the PNG it writes (to one 8-bit level), and its originals are the seed's
 * prior samples; each improved latent is P(σ·p̄ + (1 − σ)·z) of the reported σ and mean protoimage; rows come in
 * the documented order; the walk stays on the sphere with step angles atan2(sin θ, 2 − cos θ); bad input exits 2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { atlasCli } from './atlasCli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { useBackend } from '../../scripts/lib/tfnode';
import { openModelId } from '../../scripts/atlas/common';
import { imagesOf } from '../../src/methods/realismStudy';
import { interpolateToward } from '../../src/methods/realism';
import * as tf from '@tensorflow/tfjs';
import { loadProbe } from '../../src/model/probe';
import { dirFiles } from '../../scripts/lib/fsFiles';
import { loadLayersModelFromDir } from '../../scripts/lib/modelio';
import { probeFeatures } from '../../scripts/lib/probeQuality';

const atlas = (...args: string[]) => atlasCli(args, 600_000);

beforeAll(async () => {
  await useBackend('wasm');
});

describe('atlas realism', () => {
  it('the worker\'s probe features (Probe.features) are the docs\' (probeFeatures of the features layer)', async () => {
    const g = await openModelId('shapes-style');
    const probe = await loadProbe(dirFiles('public/models/probes/shapes-probe'), g.outputShape, g.manifest.output.range);
    const model = await loadLayersModelFromDir('public/models/probes/shapes-probe/model');
    try {
      const images = await imagesOf(g, Float64Array.from(g.samplePrior(3, 8)), 8);
      const expected = probeFeatures(model, images, 8);
      const t = tf.tidy(() => probe.features!(tf.tensor4d(images, [8, ...g.outputShape])));
      const got = await t.data();
      t.dispose();
      expect(got.length).toBe(expected.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      expect(worst).toBeLessThan(1e-5);
    } finally {
      probe.dispose();
      model.dispose();
      g.dispose();
    }
  });

  it('reports improved latents that regenerate the images of its PNG', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-realism-'));
    const png = path.join(dir, 'grid.png');
    const r = atlas('realism', '--model', 'shapes-dcgan', '--count', '32', '--improve-count', '16', '--protos', '8', '--inversion-steps', '3',
      '--proto-steps', '10', '--psi', '1,0.5', '--seed', '4', '--png', png);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((row: { method: string; param: number | null; count: number }) => [row.method, row.count])).toEqual([
      ['baseline', 32], ['truncation', 32], ...Array(10).fill(['sigma', 32]), ['baseline', 16], ['improved', 16]]);
    for (const row of out.rows) {
      expect(row.frechet).toBeGreaterThan(0);
      expect(row.confident).toBeGreaterThanOrEqual(0);
      expect(row.factorSpread).toBeGreaterThan(0);
    }
    const g = await openModelId('shapes-dcgan');
    try {
      const n = g.zDim;
      const [h, w, c] = g.outputShape;
      const prior = g.samplePrior(4, 8);
      const image = PNG.sync.read(fs.readFileSync(png));
      const scale = 3, gut = 1;
      const improved: number[] = out.samples.flatMap((s: { improved: number[] }) => s.improved);
      const protos: number[] = out.samples.flatMap((s: { proto: number[] }) => s.proto);
      const regenerated = await imagesOf(g, Float64Array.from(improved), 8);
      const protoImages = await imagesOf(g, Float64Array.from(protos), 8);
      let worst = 0;
      out.samples.forEach((s: { z: number[]; improved: number[]; sigma: number }, k: number) => {
        for (let j = 0; j < n; j++) expect(s.z[j]).toBe(prior[k * n + j]);
        expect(s.sigma).toBeGreaterThanOrEqual(0.5);
        expect(s.sigma).toBeLessThanOrEqual(0.75);
        const again = interpolateToward(s.z, out.protoMean, s.sigma, 1, n);
        for (let j = 0; j < n; j++) expect(Math.abs(again[j] - s.improved[j])).toBeLessThan(1e-12);
        // Rows 2 and 3 of the grid (original, protoimage, improved), column k, pixel (y, x) at the top-left of its 3×3 block.
        for (const [row, images] of [[1, protoImages], [2, regenerated]] as const) {
          const ox = gut + k * (w * scale + gut), oy = gut + row * (h * scale + gut);
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
            const v = images[((k * h + y) * w + x) * c];
            const expected = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255)));
            worst = Math.max(worst, Math.abs(image.data[((oy + y * scale) * image.width + ox + x * scale) * 4] - expected));
          }
        }
      });
      expect(worst).toBeLessThanOrEqual(1);
    } finally {
      g.dispose();
    }
  }, 600_000);

  it('walk: on the sphere, with the step angles of the great-circle recursion; bad input exits 2 with one line', () => {
    const r = atlas('walk', '--model', 'shapes-style', '--seed', '1', '--target-seed', '2', '--steps', '6');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const d = out.latents[0].length;
    for (const z of out.latents) expect(Math.abs(Math.hypot(...z) - Math.sqrt(d))).toBeLessThan(1e-9);
    let theta = out.stepAngles[0];
    for (let k = 1; k < 6; k++) {
      theta = Math.atan2(Math.sin(theta), 2 - Math.cos(theta));
      expect(Math.abs(out.stepAngles[k] - theta)).toBeLessThan(1e-6);
    }
    expect(out.scores.length).toBe(7);
    const bad = atlas('walk', '--model', 'shapes-style', '--seed', '1', '--target-seed', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^atlas: --seed and --target-seed must differ/);
    const badSigma = atlas('realism', '--model', 'shapes-style', '--count', '32', '--sigma', 'lots');
    expect(badSigma.code).toBe(2);
    expect(badSigma.stderr.trim()).toMatch(/^atlas: --sigma must be 'auto' or a number/);
  }, 300_000);
});
