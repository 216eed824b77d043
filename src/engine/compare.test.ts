/**
 * The compare job on the style fixture with the tiny probe: each column is exactly what the basis, montage and
 * factors jobs give on their own for that basis (the sliders and the Montage panel show the same numbers), every
 * column's middle image is the one reference, the overlaps are the |cos| of the columns' directions computed here,
 * and the refusals come in one sentence, with no tensor left behind and a cancel that stops it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Jobs } from './jobs';
import { cpuJobsWithTinyProbe } from './testing';
import { isCancelled } from './jobContext';
import type { CompareRequest } from './compare';

let jobs: Jobs;
let nextId = 1;

beforeAll(async () => {
  ({ jobs } = await cpuJobsWithTinyProbe());
  // Load the probe once (it stays with the model) before any tensor count.
  const b = await jobs.run('basis', nextId++, { latent: { seed: 1 }, space: 'w', kind: 'random', distance: 'mse', k: 1 });
  await jobs.run('factors', nextId++, { basisSpace: b.basisSpace, reference: b.reference, directions: b.directions });
});

const request = (over: Partial<CompareRequest> = {}): CompareRequest => ({
  latent: { seed: 3 }, space: 'w', distance: 'mse', kinds: ['metric', 'ganspace', 'random'], rows: 3, columns: 5, extent: 0.1, ...over,
});

describe('compare job', () => {
  it('gives each basis as the basis, montage and factors jobs give it, the same reference in every column, and their overlaps', async () => {
    const before = tf.memory().numTensors;
    const r = await jobs.run('compare', nextId++, request());
    expect(tf.memory().numTensors).toBe(before);
    expect(r.columns.map((c) => c.kind)).toEqual(['metric', 'ganspace', 'random']);
    for (const c of r.columns) {
      const alone = await jobs.run('basis', nextId++, { latent: { seed: 3 }, space: 'w', kind: c.kind, distance: 'mse', k: 3, seed: 0 });
      expect(c.basis.directions).toEqual(alone.directions);
      expect(c.basis.rates).toEqual(alone.rates);
      const montage = await jobs.run('montage', nextId++, { latent: { seed: 3 }, space: 'w', basis: alone, rows: [0, 1, 2], columns: 5, extent: 0.1 });
      expect(Array.from(c.montage.rgba)).toEqual(Array.from(montage.rgba));
      expect(c.montage.predicted).toEqual(montage.predicted);
      const labels = await jobs.run('factors', nextId++, { basisSpace: alone.basisSpace, reference: alone.reference, directions: alone.directions });
      expect(c.labels).toEqual(labels.labels);
    }
    // The middle image of every row of every column is the reference itself.
    const frame = r.columns[0].montage.width * r.columns[0].montage.height * 4;
    const middle = (c: number, row: number) => Array.from(r.columns[c].montage.rgba.subarray((row * 5 + 2) * frame, (row * 5 + 3) * frame));
    for (let c = 0; c < 3; c++) for (let row = 0; row < 3; row++) expect(middle(c, row)).toEqual(middle(0, 0));
    // Same predicted-change scale: every row of every column ends at ±extent (unless the rate floor shortened it).
    for (const c of r.columns) for (const row of c.montage.predicted) expect(row[4]).toBeCloseTo(0.1, 9);
    // Overlaps: pairs (0,1), (0,2), (1,2), |cos| as computed here.
    expect(r.overlaps.map((o) => `${o.a}-${o.b}`)).toEqual(['metric-ganspace', 'metric-random', 'ganspace-random']);
    for (const o of r.overlaps) {
      const A = r.columns.find((c) => c.kind === o.a)!.basis.directions, B = r.columns.find((c) => c.kind === o.b)!.basis.directions;
      A.forEach((x, i) => B.forEach((y, j) => {
        const dot = x.reduce((s, v, t) => s + v * y[t], 0) / Math.hypot(...x) / Math.hypot(...y);
        expect(o.cosines[i][j]).toBeCloseTo(Math.abs(dot), 9);
      }));
      expect(o.projection).toBeGreaterThanOrEqual(0);
      expect(o.projection).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('shows loaded directions as a column: the metric eigenvectors, imported, are the metric column again', async () => {
    const before = tf.memory().numTensors;
    const metric = await jobs.run('basis', nextId++, { latent: { seed: 3 }, space: 'w', kind: 'metric', distance: 'mse', k: 3, seed: 0 });
    // Scaled and sign-flipped, as a file from elsewhere may hold them: the engine brings them to unit length.
    const imported = { space: 'w' as const, directions: metric.directions.map((d, i) => d.map((v) => v * (i === 1 ? -2.5 : 0.5))) };
    const r = await jobs.run('compare', nextId++, request({ kinds: ['metric', 'imported'], imported }));
    expect(tf.memory().numTensors).toBe(before);
    const [m, imp] = r.columns;
    expect(imp.kind).toBe('imported');
    imp.basis.directions.forEach((d, i) => d.forEach((v, t) => expect(v).toBeCloseTo(metric.directions[i][t] * (i === 1 ? -1 : 1), 6)));
    imp.basis.rates.forEach((rate, i) => expect(rate).toBeCloseTo(m.basis.rates[i], 5));
    // The same directions: |cos| 1 on the diagonal, 0 off it, and the spans coincide.
    r.overlaps[0].cosines.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 6)));
    expect(r.overlaps[0].sharedFraction).toBeCloseTo(1, 6);
    await expect(jobs.run('compare', nextId++, request({ kinds: ['metric', 'imported'] }))).rejects.toThrow('An imported basis needs its directions.');
    await expect(jobs.run('compare', nextId++, request({ kinds: ['metric', 'imported'], space: 'z', imported }))).rejects.toThrow(/live in W/);
  });

  it('refuses fewer than two, repeated or unknown bases, and too many rows, in one sentence', async () => {
    await expect(jobs.run('compare', nextId++, request({ kinds: ['metric'] }))).rejects.toThrow('Compare 2 to 3 bases.');
    await expect(jobs.run('compare', nextId++, request({ kinds: ['metric', 'metric'] }))).rejects.toThrow(/with itself/);
    await expect(jobs.run('compare', nextId++, request({ kinds: ['metric', 'pca' as never] }))).rejects.toThrow(/must be one of/);
    await expect(jobs.run('compare', nextId++, request({ rows: 11 }))).rejects.toThrow(/number of rows/);
    await expect(jobs.run('compare', nextId++, { latent: { seed: 1 } } as never)).rejects.toThrow(/comparison request needs/);
  });

  it('stops when cancelled, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const id = nextId++;
    const run = jobs.run('compare', id, request({ kinds: ['metric', 'average'] }), (p) => { if (p.done >= 1) jobs.cancel(id); });
    await expect(run).rejects.toSatisfy(isCancelled);
    expect(tf.memory().numTensors).toBe(before);
  });
});
