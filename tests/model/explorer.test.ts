/**
 * The explorer's jobs (src/engine/jobs.ts) on the bundled models, wasm backend, loaded the way the app
 * loads them (bundled id → fetch → validating loader), with the fetch served from a snapshot of public/models.
 * Prints the timings reported in docs (basis kinds, montage 5×7, curve walk N = 10).
 *
 * Oracles and tolerances:
 * - metric rates (√eigenvalues of the exact metric) equal √(vᵀHv) measured by one JVP per direction, and
 *   every other kind's rates (measured by JVPs) equal √(vᵀHv) from the exact metric at the reference: each
 *   checked by the other method (≤ 1e-4 relative; both are float32 Jacobian products, summed in different orders);
 * - a zero edit renders exactly the unedited pixels; a W+ edit on 'coarse' leaves the other layers untouched;
 * - montage: measured ≈ predicted for a small extent (≤ 5 %: first order through leaky-ReLU kinks), the
 *   middle column measured 0;
 * - cancel → "Cancelled…", and tf.memory().numTensors unchanged after success, failure and cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../scripts/lib/tfnode';
import { computeMetric } from '../../src/geometry/metric';
import { quadraticForm } from '../../src/linalg/dense';
import { metricMatrix } from '../../src/geometry/spectrum';
import { layerRange } from '../../src/geometry/traversal';
import { editedLatent } from '../../src/engine/editedLatent';
import { Engine } from '../../src/engine/engine';
import { Jobs } from '../../src/engine/jobs';
import type { Basis, BasisKind, BasisRequest, LatentSpace } from '../../src/engine/types';
import type { Generator } from '../../src/model/generator';
import { directionRates, withLinearisation } from '../../src/geometry/measure';
import { loadSnapshot, manifestOf, modelsDir, snapshotEngineOptions } from './snapshot';

const defaultId = JSON.parse(fs.readFileSync(path.join(modelsDir, 'index.json'), 'utf8')).default as string;
const styleDefault = manifestOf(defaultId).mapping !== undefined;

const options = snapshotEngineOptions;
let jobs: Jobs;
let g: Generator;
let nextId = 1;
const id = () => nextId++;
const quiet = () => undefined;

beforeAll(async () => {
  await useBackend('wasm');
  jobs = new Jobs(options);
  expect(await jobs.load({ kind: 'bundled', id: defaultId })).toMatchObject({ ok: true });
  // A second copy for the oracles (the jobs' own generator is not reachable from outside, by design).
  g = await loadSnapshot(defaultId);
});

afterAll(() => {
  jobs?.dispose();
  g?.dispose();
});

/** vᵀHv per direction from the exact metric (all n eigenpairs) at the basis's reference. */
async function exactQuadratic(gen: Generator, b: Basis): Promise<number[]> {
  const m = await computeMetric(gen, b.reference, { space: b.basisSpace, distance: b.distance, method: 'exact' });
  const h = metricMatrix({ eigenvalues: m.eigenvalues, eigenvectors: m.eigenvectors });
  return b.directions.map((v) => quadraticForm(h, v, m.n));
}

/** vᵀHv per direction by JVPs through the network at the basis's reference (no eigen-decomposition). */
async function jvpQuadratic(gen: Generator, b: Basis): Promise<number[]> {
  const rows = Float64Array.from(b.directions.flat());
  const r = await withLinearisation(gen, b.reference, b.basisSpace, b.distance, (lin) => directionRates(lin, rows, b.directions.length));
  return Array.from(r, (x) => x * x);
}

const worstRel = (rates: number[], q: number[]) => Math.max(...rates.map((r, i) => Math.abs(r - Math.sqrt(q[i])) / Math.sqrt(q[i])));

describe(`explorer jobs on the default model (${defaultId})`, () => {
  it('computes every basis kind in W with rates √(vᵀHv), and reports the time each takes', async () => {
    const before = tf.memory().numTensors;
    const timings: string[] = [];
    // 'metric' twice: the first call also pays for tfjs's first use of every kernel and gradient.
    const kinds: BasisKind[] = g.isStyleBased ? ['metric', 'local', 'ganspace', 'sefa', 'average', 'random', 'metric'] : ['metric', 'ganspace', 'sefa', 'average', 'random', 'metric'];
    const seen = new Set<BasisKind>();
    const space: LatentSpace = g.isStyleBased ? 'w' : 'z';
    for (const kind of kinds) {
      // 'average' over 4 samples (not the default 12): the test times kinds, and the machine is shared.
      const req: BasisRequest = { latent: { seed: 11 }, space, kind, distance: 'mse', k: 10, seed: 0, ...(kind === 'average' ? { samples: 4 } : {}) };
      const t0 = performance.now();
      const b = await jobs.run('basis', id(), req, quiet);
      const ms = performance.now() - t0;
      expect(tf.memory().numTensors).toBe(before);
      expect(b.directions).toHaveLength(10);
      if (kind === 'metric') {
        const rel = worstRel(b.rates, await jvpQuadratic(g, b));
        expect(rel).toBeLessThan(1e-4);
        expect(b.spectrum!.eigenvalues).toHaveLength(b.dim);
        // α(v) measured through the network: its mean is the mean eigenvalue within 4 standard errors.
        const a = b.spectrum!.alpha;
        expect(Math.abs(a.sampleMean - a.analyticMean)).toBeLessThan((4 * a.sampleStd) / Math.sqrt(a.samples.length));
        timings.push(`${kind}${seen.has(kind) ? ' (again)' : ' (first)'} ${ms.toFixed(0)} ms (rates vs JVPs ${rel.toExponential(1)})`);
      } else {
        const rel = worstRel(b.rates, await exactQuadratic(g, b));
        timings.push(`${kind} ${ms.toFixed(0)} ms (rates vs exact ${rel.toExponential(1)})`);
        expect(rel).toBeLessThan(1e-4);
      }
      seen.add(kind);
    }
    console.log(`${defaultId} bases in ${space}, k = 10, mse, wasm: ${timings.join('; ')}`);
  }, 600_000);

  it('renders a zero edit as exactly the unedited frame', async () => {
    const engine = new Engine(options);
    expect(await engine.load({ kind: 'bundled', id: defaultId })).toMatchObject({ ok: true });
    const spaces: LatentSpace[] = g.isStyleBased ? ['z', 'w', 'wplus'] : ['z'];
    for (const space of spaces) {
      const dim = space === 'z' ? g.zDim : g.wDim!;
      const directions = [Array.from({ length: dim }, (_, i) => (i === 0 ? 1 : 0))];
      const plain = await engine.render({ seq: 1, latent: { seed: 3 }, space });
      const zero = await engine.render({ seq: 2, latent: { seed: 3 }, space, edit: { directions, steps: [0] } });
      expect(zero.rgba).toEqual(plain.rgba);
    }
    engine.dispose();
  });

  it.runIf(styleDefault)('moves W+ coarse layers only (style models)', () => {
    const z = g.samplePrior(3, 1);
    const L = g.styleLayers!, n = g.wDim!;
    const [s, e] = layerRange(L, 'coarse');
    const base = tf.tidy(() => g.broadcastW(g.mapZ(tf.tensor2d(z, [1, g.zDim])))).dataSync() as Float32Array;
    const moved = editedLatent(g, z, 'wplus', { directions: [Array.from({ length: n }, (_, i) => Math.cos(i))], steps: [0.7], layers: 'coarse' });
    const out = moved.dataSync();
    moved.dispose();
    for (let l = 0; l < L; l++) {
      const same = out.subarray(l * n, (l + 1) * n).every((v, i) => v === base[l * n + i]);
      expect(same).toBe(l < s || l >= e);
    }
  });

  it('makes a 5×7 montage whose measured change matches the prediction for a small extent', async () => {
    const space: LatentSpace = g.isStyleBased ? 'w' : 'z';
    const b = await jobs.run('basis', id(), { latent: { seed: 11 }, space, kind: 'metric', distance: 'mse', k: 5 }, quiet);
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const big = await jobs.run('montage', id(), { latent: { seed: 11 }, space, basis: b, rows: [0, 1, 2, 3, 4], columns: 7, extent: 0.1 }, quiet);
    const ms = performance.now() - t0;
    expect(big.rgba).toHaveLength(5 * 7 * big.width * big.height * 4);
    const small = await jobs.run('montage', id(), { latent: { seed: 11 }, space, basis: b, rows: [0, 1, 2, 3, 4], columns: 7, extent: 1e-3 }, quiet);
    expect(tf.memory().numTensors).toBe(before);
    let worst = 0;
    small.measured.forEach((row, r) => row.forEach((m, c) => {
      if (c === 3) expect(m).toBe(0);
      else worst = Math.max(worst, Math.abs(m / Math.abs(small.predicted[r][c]) - 1));
    }));
    const ratio = big.measured.map((row, r) => (row[6] / big.predicted[r][6]).toFixed(2)).join(', ');
    console.log(`${defaultId} montage 5×7 in ${space}: ${ms.toFixed(0)} ms; extent 1e-3 worst |measured/predicted − 1| ${worst.toExponential(1)}; extent 0.1 measured/predicted at the right end ${ratio}`);
    expect(worst).toBeLessThan(0.05);
  });

  it.runIf(styleDefault)('walks a curve of N = 10 pieces next to the straight line (style models)', async () => {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const walk = await jobs.run('curve', id(), { latent: { seed: 11 }, index: 0, steps: 10, intensity: 2 }, quiet);
    const ms = performance.now() - t0;
    expect(tf.memory().numTensors).toBe(before);
    expect(walk.curvePlane).toHaveLength(11);
    expect(walk.curveRgba).toHaveLength(11 * walk.width * walk.height * 4);
    const end = walk.curvePlane[10], lin = walk.linearPlane[10];
    console.log(`${defaultId} curve walk N = 10, I = 2: ${ms.toFixed(0)} ms; end points on (v₁, v₂): curve (${end.map((x) => x.toFixed(3)).join(', ')}), straight (${lin.map((x) => x.toFixed(3)).join(', ')})`);
    expect(lin[0]).toBeCloseTo(2, 5);
  });

  it('sweeps homogeneity (and the Grassmann study) over a few samples', async () => {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const s = await jobs.run('sweep', id(), { seed: 0, count: 4, space: g.isStyleBased ? 'w' : 'z', distance: 'mse' }, quiet);
    const ms = performance.now() - t0;
    expect(tf.memory().numTensors).toBe(before);
    expect(s.logCorrelations).toHaveLength(12);
    const curves = s.grassmann?.curves.map((c) => `${c.name} ${c.values[c.values.length - 1].toFixed(2)}`).join(', ') ?? 'none';
    console.log(`${defaultId} sweep of 4: ${ms.toFixed(0)} ms; log C^H ${s.logCorrelationMean.toFixed(3)} ± ${s.logCorrelationStd.toFixed(3)}; Grassmann at k = ${s.grassmann?.ks.at(-1)}: ${curves}`);
    expect(s.grassmann !== undefined).toBe(styleDefault);
    if (s.grassmann) {
      const curve = (name: string) => s.grassmann!.curves.find((c) => c.name === name)!;
      const [randomW, close, randomO] = [curve('random-w'), curve('close-w'), curve('random-O(d)')];
      expect(close.values[0]).toBeLessThan(randomW.values[0]);
      expect(randomW.values[0]).toBeLessThan(randomO.values[0]);
    }
  });

  it('cancels a running job, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const jobId = id();
    const job = jobs.run('basis', jobId, { latent: { seed: 1 }, space: g.isStyleBased ? 'w' : 'z', kind: 'average', distance: 'mse', k: 4, samples: 8 }, (p) => {
      if (p.done >= 1) jobs.cancel(jobId);
    });
    await expect(job).rejects.toThrow(/^Cancelled/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(['shapes-dcgan', 'fashion-dcgan'].filter((m) => fs.existsSync(path.join(modelsDir, m, 'manifest.json'))))('z-space model %s', (modelId) => {
  it('gives GANSpace and SeFa in Z with rates √(vᵀHv)', async () => {
    const zJobs = new Jobs(options);
    expect(await zJobs.load({ kind: 'bundled', id: modelId })).toMatchObject({ ok: true });
    const zg = await loadSnapshot(modelId);
    const before = tf.memory().numTensors;
    try {
      const line: string[] = [];
      for (const kind of ['ganspace', 'sefa', 'metric'] as BasisKind[]) {
        const b = await zJobs.run('basis', id(), { latent: { seed: 4 }, space: 'w', kind, distance: 'mse', k: 8 }, quiet);
        expect(b).toMatchObject({ space: 'z', basisSpace: 'z', dim: zg.zDim });
        const rel = worstRel(b.rates, await (kind === 'metric' ? jvpQuadratic : exactQuadratic)(zg, b));
        line.push(`${kind} ${b.ms.toFixed(0)} ms (rates vs exact ${rel.toExponential(1)})`);
        expect(rel).toBeLessThan(1e-4);
      }
      console.log(`${modelId} bases in Z, k = 8: ${line.join('; ')}`);
      await expect(zJobs.run('basis', id(), { latent: { seed: 4 }, space: 'z', kind: 'local', distance: 'mse', k: 8 }, quiet)).rejects.toThrow(/needs a style-based model/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      zJobs.dispose();
      zg.dispose();
    }
  });
});
