/**
 * The bench's PyTorch peer (training/bench_torch.py) runs the same network as the app: it rebuilds each
 * bundled generator from the model's own TF.js files, so its image at a latent must equal ours (float32,
 * ≤ 1e-4) and its JᵀJ must have our exact metric's spectrum up to the metric's constant factor (eigenvalue
 * ratios ≤ 1e-4). Skipped when Debian's python3 has no torch.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../scripts/lib/tfnode';
import { dirFiles } from '../../scripts/lib/fsFiles';
import { latentIn } from '../../src/engine/latent';
import { computeMetric } from '../../src/geometry/metric';
import { loadGenerator } from '../../src/model/load';
import type { LatentSpace } from '../../src/model/generator';

const PYTHON = '/usr/bin/python3';
const hasTorch = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const index = JSON.parse(fs.readFileSync('public/models/index.json', 'utf8')) as { models: string[] };
const models = index.models.filter((id) => fs.existsSync(`public/models/${id}/manifest.json`));

describe.skipIf(!hasTorch)('PyTorch peer on the same weights', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  for (const id of models) {
    it(`${id}: same image and same spectrum shape as ours`, async () => {
      const dir = path.resolve('public/models', id);
      const g = await loadGenerator(dirFiles(dir));
      const space: LatentSpace = g.isStyleBased ? 'w' : 'z';
      const z = g.samplePrior(7, 1);
      const r = spawnSync(PYTHON, ['training/bench_torch.py'], {
        input: JSON.stringify({ model: dir, space, z: Array.from(z), time: false }), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const peer = JSON.parse(r.stdout) as { image: number[]; eigenvaluesTop: number[]; n: number };
      const x0 = tf.tidy(() => latentIn(g, tf.tensor2d(z, [1, g.zDim]), space));
      const ours = tf.tidy(() => g.generate(x0, space).dataSync() as Float32Array);
      expect(peer.image).toHaveLength(ours.length);
      expect(ours.reduce((m, v, i) => Math.max(m, Math.abs(v - peer.image[i])), 0)).toBeLessThan(1e-4);
      expect(peer.n).toBe(x0.size);
      const m = await computeMetric(g, x0, { space, distance: 'mse', method: 'exact' });
      for (let i = 1; i < 5; i++) {
        expect(Math.abs(m.eigenvalues[i] / m.eigenvalues[0] - peer.eigenvaluesTop[i] / peer.eigenvaluesTop[0])).toBeLessThan(1e-4);
      }
      x0.dispose();
      g.dispose();
    });
  }
});
