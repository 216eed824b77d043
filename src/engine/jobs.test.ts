/**
 * The explorer's jobs (jobs.ts and the job modules) on the tiny fixtures, cpu backend.
 * Oracles and tolerances:
 * - every kind's rates (the metric's too) equal √(vᵀHv) with H rebuilt from an exact metric (computeMetric, all n
 *   eigenpairs): ≤ 1e-4 relative (both are float32 Jacobian products, the same columns in another order);
 * - montage: measured ≈ predicted to first order for a small extent (≤ 5 %), the middle column is 0;
 * - sweep on a linear generator G(z) = Az: the metric AᵀA is the same everywhere, so log C^H = 1 (≤ 1e-9);
 * - cancel: the promise rejects with a JobCancelled (by name), and tf.memory().numTensors is back where it was after
 *   every success, failure and cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { computeMetric } from '../geometry/metric';
import { quadraticForm } from '../linalg/dense';
import { metricMatrix } from '../geometry/spectrum';
import { plainModelFolder, styleModelFolder, zModelFolder, W_DIM, Z_DIM, type FileMap, pickedFiles } from '../model/testing/fixtures';
import { Jobs } from './jobs';
import { isCancelled } from '../util/jobContext';
import type { Basis, BasisKind, BasisRequest, JobProgress, LatentSpace } from './types';


async function jobsWith(map: FileMap): Promise<Jobs> {
  const jobs = new Jobs({ backends: ['cpu'] });
  expect(await jobs.load({ kind: 'files', files: pickedFiles(map) })).toMatchObject({ ok: true });
  return jobs;
}

let style: Jobs;
let plain: Jobs;

beforeAll(async () => {
  await new Jobs({ backends: ['cpu'] }).start();
  style = await jobsWith(await styleModelFolder());
  plain = await jobsWith(await zModelFolder());
});
afterAll(() => {
  style?.dispose();
  plain?.dispose();
});

let nextId = 1;
const id = () => nextId++;

/** vᵀHv for each direction, with H rebuilt from the exact metric's eigenpairs. */
async function exactQuadratic(jobs: Jobs, b: Basis): Promise<number[]> {
  // The same generator the jobs use, lent through the engine (a test-only peek).
  const engine = (jobs as unknown as { engine: import('./engine').Engine }).engine;
  return engine.withGenerator(async (g) => {
    const m = await computeMetric(g, b.reference, { space: b.basisSpace, distance: b.distance, method: 'exact' });
    const h = metricMatrix({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
    return b.directions.map((v) => quadraticForm(h, v, m.n));
  });
}

const orthonormality = (rows: number[][]) => {
  let worst = 0;
  rows.forEach((a, i) => rows.forEach((b, j) => {
    const d = a.reduce((s, x, t) => s + x * b[t], 0);
    worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)));
  }));
  return worst;
};

describe('basis', () => {
  it('metric: unit eigenvectors, rates √λ, and the spectrum summary', async () => {
    const before = tf.memory().numTensors;
    const progress: JobProgress[] = [];
    const b = await style.run('basis', id(), { latent: { seed: 3 }, space: 'w', kind: 'metric', distance: 'mse', k: 4 }, (p) => progress.push(p));
    expect(b).toMatchObject({ kind: 'metric', basisSpace: 'w', space: 'w', dim: W_DIM, valueName: 'eigenvalue' });
    expect(b.directions).toHaveLength(4);
    expect(orthonormality(b.directions)).toBeLessThan(1e-9);
    // Rates against vᵀHv of an exact metric recomputed here (not against the basis's own eigenvalues).
    const q = await exactQuadratic(style, b);
    b.rates.forEach((r, i) => expect(Math.abs(r - Math.sqrt(q[i])) / Math.sqrt(q[i])).toBeLessThan(1e-4));
    expect(b.spectrum!.eigenvalues).toHaveLength(W_DIM);
    expect(b.spectrum!.eigenvalues.slice(0, 4)).toEqual(b.values);
    expect(b.spectrum!.alpha.samples).toHaveLength(64);
    // α is measured by JVPs through the network; its mean is the mean eigenvalue within 4 standard errors.
    const a = b.spectrum!.alpha;
    expect(Math.abs(a.sampleMean - a.analyticMean)).toBeLessThan((4 * a.sampleStd) / Math.sqrt(a.samples.length));
    expect(b.spectrum!.anisotropy.map((a) => a.fraction)).toEqual([0.99, 0.999, 0.9999, 0.99999]);
    expect(progress.some((p) => p.phase.startsWith('metric'))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  const kinds: [BasisKind, LatentSpace, 'style' | 'z-model'][] = [
    ['local', 'w', 'style'], ['local', 'z', 'style'], ['average', 'w', 'style'], ['ganspace', 'w', 'style'], ['ganspace', 'z', 'style'],
    ['ganspace', 'z', 'z-model'], ['sefa', 'wplus', 'style'], ['sefa', 'z', 'style'], ['sefa', 'z', 'z-model'], ['random', 'z', 'z-model'],
  ];
  it.each(kinds)('%s in %s (%s): rates are √(vᵀHv) of the exact metric (≤ 1e-4 relative)', async (kind, space, model) => {
    const jobs = model === 'style' ? style : plain;
    const before = tf.memory().numTensors;
    const req: BasisRequest = { latent: { seed: 5 }, space, kind, distance: 'mse', k: 3, seed: 2, ...(kind === 'average' ? { samples: 3 } : {}) };
    const b = await jobs.run('basis', id(), req, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    const dim = space === 'z' ? Z_DIM : W_DIM;
    expect(b.basisSpace).toBe(space === 'z' ? 'z' : 'w');
    expect(b.dim).toBe(dim);
    expect(b.directions).toHaveLength(3);
    b.directions.forEach((v) => expect(v).toHaveLength(dim));
    if (kind !== 'ganspace' || space !== 'z') expect(orthonormality(b.directions)).toBeLessThan(1e-6);
    expect(b.values).toHaveLength(kind === 'random' ? 0 : 3);
    if (kind === 'average') expect(b.spectrum?.eigenvalues).toHaveLength(dim);
    const q = await exactQuadratic(jobs, b);
    b.rates.forEach((r, i) => expect(Math.abs(r - Math.sqrt(q[i])) / Math.sqrt(q[i])).toBeLessThan(1e-4));
  });

  it('says plainly when a kind does not fit the model or the request is bad', async () => {
    const before = tf.memory().numTensors;
    const base: BasisRequest = { latent: { seed: 1 }, space: 'z', kind: 'metric', distance: 'mse', k: 3 };
    await expect(plain.run('basis', id(), { ...base, kind: 'local' }, () => undefined)).rejects.toThrow(/^The Local Basis needs a style-based model/);
    await expect(plain.run('basis', id(), { ...base, kind: 'pca' as 'metric' }, () => undefined)).rejects.toThrow(/^The basis kind must be one of/);
    await expect(plain.run('basis', id(), { ...base, k: 0 }, () => undefined)).rejects.toThrow('The number of directions must be a whole number from 1 to 32.');
    await expect(plain.run('basis', id(), { ...base, distance: 'l1' as 'mse' }, () => undefined)).rejects.toThrow('The distance must be mse, ssim or perceptual.');
    await expect(plain.run('basis', id(), { ...base, latent: { z: [1, 2] } }, () => undefined)).rejects.toThrow('this model expects 4');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps global bases per model, so a new reference only costs its rates', async () => {
    const req: BasisRequest = { latent: { seed: 5 }, space: 'w', kind: 'average', distance: 'ssim', k: 3, samples: 3, seed: 9 };
    const first = await style.run('basis', id(), req, () => undefined);
    const progress: JobProgress[] = [];
    const second = await style.run('basis', id(), { ...req, latent: { seed: 6 } }, (p) => progress.push(p));
    expect(second.directions).toEqual(first.directions);
    expect(second.notes[0]).toMatch(/kept from an earlier request/);
    expect(progress.some((p) => p.phase === 'average')).toBe(false);
    expect(second.rates).not.toEqual(first.rates);
  });

  it('computes a z-model basis for a W request in Z, as the renderer does', async () => {
    const b = await plain.run('basis', id(), { latent: { seed: 1 }, space: 'w', kind: 'random', distance: 'ssim', k: 8, seed: 1 }, () => undefined);
    expect(b).toMatchObject({ space: 'z', basisSpace: 'z', dim: Z_DIM });
    expect(b.directions).toHaveLength(Z_DIM);
  });
});

describe('montage', () => {
  it('measures about what it predicts for a small extent, with the reference in the middle', async () => {
    const b = await style.run('basis', id(), { latent: { seed: 2 }, space: 'w', kind: 'local', distance: 'mse', k: 3 }, () => undefined);
    const before = tf.memory().numTensors;
    const m = await style.run('montage', id(), {
      latent: { seed: 2 }, space: 'w', basis: b, rows: [0, 2], columns: 5, extent: 1e-3,
    }, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(m).toMatchObject({ rows: 2, columns: 5, width: 8, height: 8 });
    expect(m.rgba).toHaveLength(2 * 5 * 8 * 8 * 4);
    expect(m.predicted[0]).toEqual([-1e-3, -5e-4, 0, 5e-4, 1e-3]);
    for (let r = 0; r < 2; r++) {
      expect(m.measured[r][2]).toBe(0);
      m.measured[r].forEach((v, c) => { if (c !== 2) expect(Math.abs(v / Math.abs(m.predicted[r][c]) - 1)).toBeLessThan(0.05); });
    }
    // The middle column is the plain frame.
    const frame = await (style as unknown as { engine: import('./engine').Engine }).engine.render({ seq: 1, latent: { seed: 2 }, space: 'w' });
    expect(m.rgba.subarray(2 * 256, 3 * 256)).toEqual(frame.rgba);
  });

  it('edits W+ on a layer range and Z on the sphere', async () => {
    const bw = await style.run('basis', id(), { latent: { seed: 2 }, space: 'wplus', kind: 'random', distance: 'mse', k: 2 }, () => undefined);
    const coarse = await style.run('montage', id(), { latent: { seed: 2 }, space: 'wplus', basis: bw, rows: [0], columns: 3, extent: 0.05, layers: 'coarse' }, () => undefined);
    const all = await style.run('montage', id(), { latent: { seed: 2 }, space: 'wplus', basis: bw, rows: [0], columns: 3, extent: 0.05 }, () => undefined);
    // Rates are for all layers, so a coarse-only edit changes the image less than predicted.
    expect(coarse.measured[0][2]).toBeLessThan(all.measured[0][2]);
    const bz = await plain.run('basis', id(), { latent: { seed: 2 }, space: 'z', kind: 'metric', distance: 'mse', k: 2 }, () => undefined);
    const sph = await plain.run('montage', id(), { latent: { seed: 2 }, space: 'z', basis: bz, rows: [1, 0], columns: 3, extent: 0.01, spherical: true }, () => undefined);
    expect(sph.measured.flat().every(Number.isFinite)).toBe(true);
    await expect(style.run('montage', id(), { latent: { seed: 2 }, space: 'w', basis: bw, rows: [0], columns: 4, extent: 1 }, () => undefined)).rejects.toThrow(/odd/);
    await expect(style.run('montage', id(), { latent: { seed: 2 }, space: 'w', basis: bw, rows: [5], columns: 3, extent: 1 }, () => undefined)).rejects.toThrow(/row index/);
    await expect(style.run('montage', id(), { latent: { seed: 2 }, space: 'w', basis: bw, rows: [0], columns: 3, extent: 1, spherical: true }, () => undefined)).rejects.toThrow(/needs space z/);
  });
});

describe('curve walk', () => {
  it('renders N+1 frames of both walks and projects them on the first two Local Basis directions', async () => {
    const before = tf.memory().numTensors;
    const walk = await style.run('curve', id(), { latent: { seed: 7 }, index: 0, steps: 4, intensity: 0.2 }, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(walk.curveRgba).toHaveLength(5 * 8 * 8 * 4);
    expect(walk.linearRgba).toHaveLength(5 * 8 * 8 * 4);
    expect(walk.curvePlane[0]).toEqual([0, 0]);
    // The straight walk runs along v₀: (t, 0) with t = i·I/N.
    walk.linearPlane.forEach(([x, y], i) => {
      expect(x).toBeCloseTo((0.2 * i) / 4, 9);
      expect(Math.abs(y)).toBeLessThan(1e-9);
    });
    // The curve departs along v₀ too: its first piece is (I/N, ·) to first order.
    expect(walk.curvePlane[1][0]).toBeCloseTo(0.05, 2);
    expect(walk.curveRgba.subarray(0, 256)).toEqual(walk.linearRgba.subarray(0, 256));
    await expect(plain.run('curve', id(), { latent: { seed: 7 }, index: 0, steps: 4, intensity: 1 }, () => undefined)).rejects.toThrow(/no mapping network/);
  });
});

describe('sweep', () => {
  it('finds a linear generator perfectly homogeneous (log C^H = 1)', async () => {
    const linear = await jobsWith(await plainModelFolder({ activation: 'linear' }));
    const before = tf.memory().numTensors;
    const s = await linear.run('sweep', id(), { seed: 0, count: 4, space: 'z', distance: 'mse' }, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.logCorrelations).toHaveLength(12);
    s.logCorrelations.forEach((c) => expect(Math.abs(c - 1)).toBeLessThan(1e-9));
    expect(Math.abs(s.logCorrelationMean - 1)).toBeLessThan(1e-9);
    expect(s.grassmann).toBeUndefined();
    linear.dispose();
  });

  it('adds the Grassmann study for a style model', async () => {
    const before = tf.memory().numTensors;
    const s = await style.run('sweep', id(), { seed: 1, count: 4, space: 'wplus', distance: 'mse' }, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.logCorrelations.length).toBeGreaterThan(0);
    const gr = s.grassmann!;
    expect(gr.ks).toEqual([1, 2, 3, 4]);
    expect(gr.curves.map((c) => c.name)).toEqual(['close-w', 'to-ganspace', 'random-w', 'to-sefa', 'random-O(d)']);
    for (const c of gr.curves) {
      expect(c.values).toHaveLength(4);
      c.values.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
      c.values.forEach((v, i) => expect(v).toBeLessThanOrEqual((Math.PI / 2) * Math.sqrt(gr.ks[i]) + 1e-12));
    }
    // Close points have nearly the same Local Basis; random ones do not.
    const [close, , randomW] = gr.curves;
    expect(close.values[0]).toBeLessThan(randomW.values[0]);
  });
});

describe('cancellation and bookkeeping', () => {
  it('rejects with a JobCancelled when cancelled mid-run and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const jobId = id();
    const promise = style.run('sweep', jobId, { seed: 0, count: 6, space: 'w', distance: 'mse' }, (p) => {
      if (p.phase === 'metrics' && p.done === 1) style.cancel(jobId);
    });
    const error = await promise.catch((e: unknown) => e);
    // Recognised by name (it survives comlink), whatever the message says.
    expect(isCancelled(error)).toBe(true);
    expect((error as Error).name).toBe('JobCancelled');
    expect(isCancelled(new Error('Cancelled: looks like one'))).toBe(false);
    // WebGPU read failures are DOMExceptions named AbortError: errors, not cancellations.
    expect(isCancelled(new DOMException('mapAsync failed', 'AbortError'))).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels a queued job before it starts, and a load cancels running jobs', async () => {
    const before = tf.memory().numTensors;
    const first = style.run('basis', id(), { latent: { seed: 1 }, space: 'w', kind: 'average', distance: 'mse', k: 2, samples: 4 }, () => undefined);
    const queuedId = id();
    const queued = style.run('basis', queuedId, { latent: { seed: 1 }, space: 'w', kind: 'metric', distance: 'mse', k: 2 }, () => undefined);
    style.cancel(queuedId);
    await expect(queued).rejects.toThrow(/^Cancelled/);
    await first;

    const jobs = await jobsWith(await styleModelFolder());
    const running = jobs.run('sweep', id(), { seed: 0, count: 6, space: 'w', distance: 'mse' }, () => undefined);
    const load = jobs.load({ kind: 'files', files: pickedFiles(await zModelFolder()) });
    await expect(running).rejects.toThrow(/^Cancelled: .* another model/);
    expect(await load).toMatchObject({ ok: true, model: { id: 'tiny-z' } });
    jobs.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a second job with a running id, and a job before any model', async () => {
    const jobId = id();
    const a = style.run('basis', jobId, { latent: { seed: 1 }, space: 'w', kind: 'random', distance: 'mse', k: 2 }, () => undefined);
    await expect(style.run('basis', jobId, { latent: { seed: 1 }, space: 'w', kind: 'random', distance: 'mse', k: 2 }, () => undefined)).rejects.toThrow(/already running/);
    await a;
    const empty = new Jobs({ backends: ['cpu'] });
    await expect(empty.run('basis', 1, { latent: { seed: 1 }, space: 'z', kind: 'random', distance: 'mse', k: 2 }, () => undefined)).rejects.toThrow('No model is loaded yet.');
  });

  it('frees everything when a job fails half-way', async () => {
    const b = await style.run('basis', id(), { latent: { seed: 2 }, space: 'w', kind: 'random', distance: 'mse', k: 2 }, () => undefined);
    const before = tf.memory().numTensors;
    // Row 0 is fine; row 1's direction has the wrong length, found only after the reference frame and the
    // anchored distance exist.
    const basis = { ...b, directions: [b.directions[0], b.directions[1].slice(0, 3)] };
    await expect(style.run('montage', id(), { latent: { seed: 2 }, space: 'w', basis, rows: [0, 1], columns: 3, extent: 0.1 }, () => undefined))
      .rejects.toThrow('Edit direction 1 has 3 values; W of this model has 6.');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('survives a progress callback that throws', async () => {
    const b = await style.run('basis', id(), { latent: { seed: 1 }, space: 'w', kind: 'metric', distance: 'mse', k: 2 }, () => { throw new Error('gone'); });
    expect(b.directions).toHaveLength(2);
  });
});
