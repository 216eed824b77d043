/**
 * The inversion job through the registry: a seed's image inverted plainly and in the averaged metric's
 * eigenbasis (both runs, their curves streamed), a picture target fitted to the model, refusals in one
 * sentence, cancellation, and no tensor left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { isCancelled } from './jobContext';
import { cpuJobsWith } from './testing';
import { styleModelFolder, SIZE } from '../model/testing/fixtures';
import { renderShape, sampleFactors } from '../data/shapes';
import { Rng } from '../util/random';

let jobs: Jobs;
let nextId = 1;

beforeAll(async () => {
  jobs = await cpuJobsWith(() => styleModelFolder());
});

describe('inversion job', () => {
  it('a seed\'s image in W: plain and preconditioned runs, curves streamed, reconstructions rendered, the latent error reported', async () => {
    const before = tf.memory().numTensors;
    const seen = new Set<string>();
    const r = await jobs.run('invert', nextId++, { target: { seed: 3 }, space: 'w', loss: 'pixel', steps: 40 }, (p) => {
      const part = p.partial as { runs: { precondition: string; loss: number[] }[] } | undefined;
      if (part) seen.add(part.runs.map((run) => `${run.precondition}:${run.loss.length > 0}`).join(','));
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.runs.map((run) => run.precondition)).toEqual(['none', 'hessian']);
    expect(seen.has('none:true')).toBe(true);
    expect(seen.has('none:true,hessian:true')).toBe(true);
    for (const run of r.runs) {
      expect(run.loss.length).toBe(run.steps);
      expect(run.loss[run.loss.length - 1]).toBeLessThan(run.loss[0]);
      expect(run.rgba.length).toBe(SIZE * SIZE * 4);
      expect(run.latent.length).toBe(6);
      expect(Number.isFinite(run.latentError)).toBe(true);
    }
    expect(r.targetRgba.length).toBe(SIZE * SIZE * 4);
  });

  it('a picture: fitted to the model (cropped, with a note), inverted in Z', async () => {
    const rgba = new Uint8ClampedArray(32 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
    const r = await jobs.run('invert', nextId++, { target: { rgba, width: 32, height: 16 }, space: 'z', steps: 5, compare: false });
    expect(r.runs.length).toBe(1);
    expect(r.runs[0].latentError).toBeUndefined();
    expect(r.notes.some((n) => /cropped/.test(n))).toBe(true);
  });

  it('a data-set image: the shapes render of a seed is the target, fitted like a picture', async () => {
    const r = await jobs.run('invert', nextId++, { target: { dataset: 'shapes', seed: 4 }, space: 'z', loss: 'pixel', steps: 3, compare: false });
    const want = new Float32Array(SIZE * SIZE * 3);
    renderShape(sampleFactors(new Rng(4)), SIZE, want);
    for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) expect(Math.abs(r.targetRgba[4 * p + c] - 127.5 * (want[3 * p + c] + 1))).toBeLessThanOrEqual(1);
    expect(r.notes[0]).toBe('Target: the shapes render of seed 4.');
    await expect(jobs.run('invert', nextId++, { target: { dataset: 'fashion', seed: 1 } as never, space: 'z' })).rejects.toThrow(/not shipped with the app; invert one with the CLI/);
  });

  it('refuses a bad target, a huge picture, and a bad space in one sentence each; cancels cleanly', async () => {
    await expect(jobs.run('invert', nextId++, { target: { file: 'x' } as never, space: 'z' })).rejects.toThrow(/another seed.*picture/);
    await expect(jobs.run('invert', nextId++, { target: { rgba: new Uint8ClampedArray(4), width: 9000, height: 1 }, space: 'z' })).rejects.toThrow(/largest accepted/);
    await expect(jobs.run('invert', nextId++, { target: { seed: 1 }, space: 'q' as never })).rejects.toThrow(/z, w or wplus/);
    const before = tf.memory().numTensors;
    const id = nextId++;
    const error = await jobs.run('invert', id, { target: { seed: 2 }, space: 'z', steps: 500 }, (p) => {
      if (p.phase === 'inversion' && p.done === 3) jobs.cancel(id);
    }).catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
