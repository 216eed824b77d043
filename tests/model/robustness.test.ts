/**
 * atlas robustness on a bundled style model, at tiny counts: its unit R is the mean ‖w − w̄‖ recomputed here from
 * the same prior draw; the linear traversals move exactly I (chord / I = 1), Curve-Traversal no farther; every
 * Fréchet distance is finite and positive; the guided rows come in order, the linear one along the guide itself;
 * the PNG is the rows × intensities grid; a z-space model exits 2 with one line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { useBackend } from '../../scripts/lib/tfnode';
import { openModelId } from '../../scripts/atlas/common';
import { atlasCli } from './atlasCli';

const atlas = (...args: string[]) => atlasCli(args);

beforeAll(async () => {
  await useBackend('wasm');
});

describe('atlas robustness', () => {
  it('measures FD per method, direction and intensity, and the guided variants', async () => {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-robust-')), 'grid.png');
    const r = atlas('robustness', '--model', 'shapes-style', '--count', '6', '--reference', '12', '--guide-samples', '24', '--guided-count', '3', '--seed', '5', '--png', png);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const g = await openModelId('shapes-style');
    try {
      // R: mean ‖w − w̄‖ over the guide's draw (seed + 1), computed here.
      const n = 24;
      const w = tf.tidy(() => g.mapZ(tf.tensor2d(g.samplePrior(6, n), [n, g.zDim])));
      const R = tf.tidy(() => tf.mean(tf.norm(tf.sub(w, tf.mean(w, 0)), 2, 1)).dataSync()[0]);
      w.dispose();
      expect(out.unit).toBeCloseTo(R, 4);
      expect(out.curves.length).toBe(10);
      for (const c of out.curves) {
        expect(c.fd.length).toBe(out.levels.length);
        for (const v of c.fd) expect(v).toBeGreaterThan(0);
        for (const v of c.chordRatio) {
          if (c.method === 'curve') expect(v).toBeLessThanOrEqual(1 + 1e-3);
          else expect(v).toBeCloseTo(1, 4);
        }
      }
      expect(out.floorFd).toBeGreaterThan(0);
      expect(out.guided.rows.map((row: { variant: string }) => row.variant)).toEqual(['linear', 'every-step', 'departure', 'stochastic', 'random']);
      const linear = out.guided.rows[0];
      expect(linear.cosGuide).toBeCloseTo(1, 6);
      expect(linear.chord).toBeCloseTo(out.guided.level * out.unit, 4);
      const [h, wd] = g.outputShape;
      const image = PNG.sync.read(fs.readFileSync(png));
      const cols = out.levels.length + 1;
      expect([image.width, image.height]).toEqual([cols * (2 * wd + 1) + 1, 10 * (2 * h + 1) + 1]);
    } finally {
      g.dispose();
    }
  });

  it('refuses a model without W', () => {
    const r = atlas('robustness', '--model', 'shapes-dcgan', '--count', '4');
    expect(r.code).toBe(2);
    expect(r.stderrLines.length).toBe(1);
  });
});
