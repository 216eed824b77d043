/**
 * The steering jobs through the registry on the style fixture: training streams a growing loss curve and a preview
 * strip and returns a walk that steerApply renders exactly as G(walk(z, α)) computed here; α at the identity gives
 * the latent's own image; limits run with the tiny probe (moments only: it has no x/y/scale) and match a linear walk
 * with the unsupervised bases; cancel is clean; bad requests get one sentence; no tensor is left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { isCancelled } from './jobContext';
import { cpuJobsWithTinyProbe, withJobsGenerator } from './testing';
import type { SteerProgress } from './steer';
import { walkImages, type SavedWalk } from '../methods/steerWalk';
import { walkDirection } from '../methods/steerMatch';
import { SIZE } from '../model/testing/fixtures';

let jobs: Jobs;
let nextId = 1;
let walk: SavedWalk;

beforeAll(async () => {
  ({ jobs } = await cpuJobsWithTinyProbe());
  // Load the probe once (it stays with the model) before any tensor count.
  await jobs.run('steerLimits', nextId++, { walk: (await jobs.run('steer', nextId++, { edit: 'shift-x', walk: 'linear', steps: 2 })).walk, count: 4, alphas: [0, 1], match: false });
});

describe('steer jobs', () => {
  it('training streams the loss curve and a preview strip, and leaves no tensor', async () => {
    const before = tf.memory().numTensors;
    const partials: SteerProgress[] = [];
    const r = await jobs.run('steer', nextId++, { edit: 'shift-x', walk: 'linear', steps: 60, lr: 1e-2, latent: { seed: 4 } }, (p) => {
      if (p.partial) partials.push(p.partial as unknown as SteerProgress);
    });
    expect(tf.memory().numTensors).toBe(before);
    walk = r.walk;
    expect(r.losses).toHaveLength(60);
    expect(r.walk.space).toBe('w');
    expect(r.previewAlphas).toEqual([-3, -1.5, 0, 1.5, 3]);
    expect(r.previewRgba!.length).toBe(5 * SIZE * SIZE * 4);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.at(-1)!.losses.length).toBe(60);
    expect(partials.at(-1)!.previewRgba!.length).toBe(5 * SIZE * SIZE * 4);
  });

  it('steerApply renders G(walk(z, α)); α = 0 is the latent\'s own image', async () => {
    const r = await jobs.run('steerApply', nextId++, { walk, latent: { seed: 4 }, alphas: [0, 2] });
    expect(r.rgba.length).toBe(2 * SIZE * SIZE * 4);
    const [own, walked] = await withJobsGenerator(jobs, async (g) => {
      const z = g.samplePrior(4, 1);
      const a = tf.tidy(() => g.generate(tf.tensor2d(z, [1, g.zDim]), 'z'));
      const b = walkImages(g, walk, z, 1, [2]);
      const out = [await g.toRGBA(a), await g.toRGBA(b)];
      tf.dispose([a, b]);
      return out;
    });
    expect(Array.from(r.rgba.subarray(0, own.length))).toEqual(Array.from(own));
    expect(Array.from(r.rgba.subarray(own.length))).toEqual(Array.from(walked));
  });

  it('limits: moments per α, no FD without probe features, and the best unsupervised match for each basis kind', async () => {
    const before = tf.memory().numTensors;
    const r = await jobs.run('steerLimits', nextId++, { walk, count: 8, alphas: [-3, 0, 3] });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.measures.map((m) => m.source)).toEqual(['moments']);
    expect(r.measures[0].perAlpha).toHaveLength(3);
    expect(r.fd).toBeNull();
    expect(r.data).toBeNull();
    const byKind = Object.fromEntries(r.matches!.map((m) => [m.kind, m]));
    for (const kind of ['metric', 'average', 'random', 'local']) {
      expect(byKind[kind].cosine).toBeGreaterThan(0);
      expect(byKind[kind].cosine).toBeLessThanOrEqual(1 + 1e-9);
      // The reported |cos| is the returned direction's (unit) with the walk's.
      const d = byKind[kind].direction!;
      expect(Math.hypot(...d)).toBeCloseTo(1, 6);
      const w = walkDirection(walk);
      expect(Math.abs(d.reduce((s, v, i) => s + v * w[i], 0))).toBeCloseTo(byKind[kind].cosine, 6);
      // The tiny probe reads one target, t: every direction moves it alone.
      expect(byKind[kind].factor).toEqual({ factor: 't', share: 1 });
    }
    expect(r.walkFactor).toEqual({ factor: 't', share: 1 });
  });

  it('cancels cleanly and refuses bad requests in one sentence', async () => {
    const before = tf.memory().numTensors;
    const id = nextId++;
    await expect(jobs.run('steer', id, { edit: 'zoom', walk: 'nonlinear', steps: 5000 }, () => jobs.cancel(id))).rejects.toSatisfy(isCancelled);
    expect(tf.memory().numTensors).toBe(before);
    await expect(jobs.run('steer', nextId++, { edit: 'blur' as 'zoom', walk: 'linear' })).rejects.toThrow(/edit is one of/);
    await expect(jobs.run('steer', nextId++, { edit: 'zoom', walk: 'linear', steps: 0 })).rejects.toThrow(/steps/);
    await expect(jobs.run('steerApply', nextId++, { walk: { ...walk, dim: 3 }, latent: { seed: 1 }, alphas: [1] })).rejects.toThrow(/direction/);
    await expect(jobs.run('steerApply', nextId++, { walk, latent: { seed: 1 }, alphas: [] })).rejects.toThrow(/1 to 64/);
  });
});
