/**
 * The CLI on the bundled models: generate returns the batch's raw outputs and a PNG; metric's eigenvalues
 * are descending and non-negative; spectrum, grassmann and traverse give well-formed results at small
 * sample counts; score's factor shares match finite differences of the probe computed here; basis gives
 * unit rows whose metric rates match the metric command; --model takes paths; --help prints usage; bad
 * arguments and unknown models exit 2 with one line. (atlas basis = the job worker's basis: bases.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { useBackend } from '../../scripts/lib/tfnode';
import { loadLayersModelFromDir } from '../../scripts/lib/modelio';
import { openModelId } from '../../scripts/atlas/common';
import { SHAPES_FACTOR_GROUPS } from '../../src/geometry/factorScore';
import { atlasCli } from './atlasCli';

const index = JSON.parse(fs.readFileSync('public/models/index.json', 'utf8')) as { default: string };

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const atlas = (...args: string[]) => atlasCli(args, 240_000);

describe('atlas CLI', () => {
  it('generate: raw outputs of the requested batch, and a PNG grid', () => {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-')), 'grid.png');
    const r = atlas('generate', '--model', index.default, '--seed', '3', '--count', '2', '--png', png);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const [b, h, w, c] = out.shape;
    expect(b).toBe(2);
    expect(out.outputs.length).toBe(b * h * w * c);
    expect(out.outputs.every((v: number) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const e = JSON.parse(atlas('ascent', '--model', 'shapes-dcgan', '--seed', '2', '--steps', '1', '--gradient', 'estimator', '--floor', 'shift').stdout);
    expect(e.options).toMatchObject({ gradient: 'estimator', floor: 'shift' });
    for (const s of e.steps) expect(Math.abs(s.gradientCosine)).toBeLessThanOrEqual(1);
  });

  it('metric: a descending, non-negative spectrum of the right size', () => {
    const r = atlas('metric', '--model', index.default, '--seed', '1');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.eigenvalues.length).toBe(out.z.length);
    for (let i = 1; i < out.eigenvalues.length; i++) expect(out.eigenvalues[i]).toBeLessThanOrEqual(out.eigenvalues[i - 1]);
    expect(out.eigenvalues.at(-1)).toBeGreaterThan(-1e-6 * out.eigenvalues[0]);
    // One call: its time is both the warm and the cold figure.
    expect(out.coldMs).toBe(out.ms);
  });

  it('metric --repeat N: ms is the median of the N calls after the first, coldMs the first; same metric', () => {
    const once = JSON.parse(atlas('metric', '--model', index.default, '--seed', '2').stdout);
    const r = atlas('metric', '--model', index.default, '--seed', '2', '--repeat', '3');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.repeat).toBe(3);
    expect(out.warmMs).toHaveLength(3);
    expect(out.ms).toBe([...out.warmMs].sort((a: number, b: number) => a - b)[1]);
    expect(out.warmMs).not.toContain(out.coldMs);
    expect(out.eigenvalues).toEqual(once.eigenvalues);
    expect(atlas('metric', '--model', index.default, '--seed', '2', '--repeat', 'x').code).toBe(2);
  });

  it('spectrum: per-sample spectra, anisotropy dims, α against its law, C^H and the averaged metric', () => {
    const r = atlas('spectrum', '--model', 'shapes-style', '--space', 'w', '--samples', '2', '--seed', '5', '--alpha-samples', '400');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.seeds).toEqual([5, 6]);
    expect(out.n).toBe(64);
    expect(out.perSample).toHaveLength(2);
    for (const s of out.perSample) {
      expect(s.eigenvalues).toHaveLength(64);
      for (let i = 1; i < 64; i++) expect(s.eigenvalues[i]).toBeLessThanOrEqual(s.eigenvalues[i - 1]);
      // dims grow with the fraction and stay within n.
      for (let j = 1; j < 4; j++) expect(s.dims[j]).toBeGreaterThanOrEqual(s.dims[j - 1]);
      expect(s.dims[3]).toBeLessThanOrEqual(64);
      // α(v)'s sample mean is the mean eigenvalue to within a few standard errors (A.6).
      expect(Math.abs(s.alpha.meanZ)).toBeLessThan(5);
      expect(s.alpha.cvAlpha).toBeLessThan(s.alpha.cvEigen);
    }
    expect(out.homogeneity.linear.count).toBe(2);
    expect(Math.abs(out.homogeneity.log.mean)).toBeLessThanOrEqual(1);
    expect(out.average.count).toBe(2);
    expect(out.average.eigenvalues).toHaveLength(64);
    expect(out.anisotropy.ofAverage).toHaveLength(4);
  });

  it('grassmann: five curves over k, close pairs nearer than random orthonormal frames', () => {
    const r = atlas('grassmann', '--model', 'shapes-style', '--samples', '3', '--k-max', '6');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.k).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.curves.map((c: { name: string }) => c.name)).toEqual(['close-w', 'to-ganspace', 'random-w', 'to-sefa', 'random-O(d)']);
    for (const c of out.curves) {
      expect(c.pairs).toBe(3);
      c.projection.mean.forEach((p: number, j: number) => {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1 + 1e-12);
        expect(c.geodesic.mean[j]).toBeLessThanOrEqual((Math.sqrt(j + 1) * Math.PI) / 2 + 1e-9);
      });
    }
    const geo = (name: string) => out.curves.find((c: { name: string }) => c.name === name).geodesic.mean[5];
    expect(geo('close-w')).toBeLessThan(geo('random-O(d)'));
  });

  it('traverse: a montage PNG with an eigen-scaled linear row and a curve row', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-'));
    const png = path.join(dir, 'tr.png');
    const r = atlas('traverse', '--model', 'shapes-style', '--seed', '1', '--basis', 'metric', '--index', '1', '--steps', '3', '--range', '0.1', '--curve', '2',
      '--png', png, '--frames', path.join(dir, 'frames'), '--scale', '2');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).toEqual(['linear', 'curve (guided)']);
    // --frames: one PNG per frame, row by row, each the montage's cell (read back from both files).
    expect(out.frames.map((f: string) => path.basename(f))).toEqual(['linear-00.png', 'linear-01.png', 'linear-02.png', 'curve-guided-00.png', 'curve-guided-01.png', 'curve-guided-02.png']);
    const montage = PNG.sync.read(fs.readFileSync(png));
    out.frames.forEach((file: string, k: number) => {
      const frame = PNG.sync.read(fs.readFileSync(file));
      expect([frame.width, frame.height]).toEqual([64, 64]);
      const ox = 1 + (k % 3) * 65, oy = 1 + Math.floor(k / 3) * 65;
      for (let y = 0; y < 64; y += 7) for (let x = 0; x < 64; x += 5) {
        for (let ch = 0; ch < 4; ch++) expect(frame.data[(y * 64 + x) * 4 + ch]).toBe(montage.data[((oy + y) * montage.width + ox + x) * 4 + ch]);
      }
    });
    expect(atlas('traverse', '--model', 'shapes-style', '--seed', '1', '--basis', 'random', '--range', '1').code).toBe(2);
    expect(out.t).toHaveLength(3);
    expect(out.t[0]).toBeCloseTo(-out.t[2], 12);
    // Eigen-scaled: the end step is range/√λ, so its predicted image change is the range.
    expect(out.t[2]).toBeCloseTo(0.1 / Math.sqrt(out.eigenvalue), 6);
    expect(out.predicted).toBeCloseTo(0.1, 6);
    expect(out.curve.indices).toHaveLength(2);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const e = JSON.parse(atlas('ascent', '--model', 'shapes-dcgan', '--seed', '2', '--steps', '1', '--gradient', 'estimator', '--floor', 'shift').stdout);
    expect(e.options).toMatchObject({ gradient: 'estimator', floor: 'shift' });
    for (const s of e.steps) expect(Math.abs(s.gradientCosine)).toBeLessThanOrEqual(1);
  });

  it('compare: each basis is the one atlas basis gives, the overlaps are their |cos|, and the PNG holds every row of every basis', () => {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-')), 'cmp.png');
    const r = atlas('compare', '--model', 'shapes-dcgan', '--seed', '2', '--bases', 'metric,sefa', '--rows', '2', '--columns', '3', '--png', png);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.columns.map((c: { kind: string }) => c.kind)).toEqual(['metric', 'sefa']);
    const dirs = ['metric', 'sefa'].map((kind) => JSON.parse(atlas('basis', '--model', 'shapes-dcgan', '--seed', '2', '--kind', kind, '--k', '2').stdout).directions as number[][]);
    out.columns.forEach((c: { directions: number[][] }, i: number) => c.directions.forEach((d, j) => d.forEach((v, t) => expect(v).toBeCloseTo(dirs[i][j][t], 6))));
    const cos = (a: number[], b: number[]) => Math.abs(a.reduce((s, v, t) => s + v * b[t], 0));
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(out.overlaps[0].cosines[i][j]).toBeCloseTo(cos(dirs[0][i], dirs[1][j]), 6);
    // Every row ends at ±extent of predicted change (the default 0.1), the middle is the reference.
    for (const c of out.columns) for (const row of c.predicted) expect(row).toEqual([-0.1, 0, 0.1].map((v) => expect.closeTo(v, 9)));
    const image = PNG.sync.read(fs.readFileSync(png));
    expect([image.width, image.height]).toEqual([1 + 7 * (32 * 3 + 1), 1 + 2 * (32 * 3 + 1)]);
    expect(atlas('compare', '--model', 'shapes-dcgan', '--seed', '2', '--bases', 'metric').code).toBe(2);
    expect(atlas('compare', '--model', 'shapes-dcgan', '--seed', '2', '--columns', '4').code).toBe(2);
    // Directions from a file (atlas basis output, as the app's Load directions… reads it): SeFa's, imported, are SeFa's column again.
    const file = path.join(path.dirname(png), 'sefa.json');
    fs.writeFileSync(file, atlas('basis', '--model', 'shapes-dcgan', '--seed', '2', '--kind', 'sefa', '--k', '2').stdout);
    const fromFile = JSON.parse(atlas('compare', '--seed', '2', '--bases', 'sefa,imported', '--from', file, '--rows', '2', '--columns', '3').stdout);
    expect(fromFile.model).toBe('shapes-dcgan');
    expect(fromFile.columns.map((c: { kind: string }) => c.kind)).toEqual(['sefa', 'imported']);
    fromFile.columns[1].directions.forEach((d: number[], j: number) => d.forEach((v, t) => expect(v).toBeCloseTo(dirs[1][j][t], 6)));
    fromFile.overlaps[0].cosines.forEach((row: number[], i: number) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    expect(atlas('compare', '--model', 'shapes-dcgan', '--seed', '2', '--bases', 'metric,imported').code).toBe(2);
    expect(atlas('compare', '--model', 'shapes-dcgan', '--seed', '2', '--bases', 'metric,sefa', '--from', file).code).toBe(2);
  });

  it('traverse: a spherical move along a SeFa direction of a z-space model', () => {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-')), 'sefa.png');
    const r = atlas('traverse', '--model', 'shapes-dcgan', '--seed', '2', '--basis', 'sefa', '--steps', '2', '--range', '1.5', '--spherical', '--png', png);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.space, out.rows, out.t]).toEqual(['z', ['spherical'], [-1.5, 1.5]]);
    expect(fs.existsSync(png)).toBe(true);
  });

  it('layers: per-factor shares over coarse, middle and fine that sum to one, a home range for each, z-space models refused', () => {
    const r = atlas('layers', '--model', 'faces-style', '--seeds', '1', '--seed', '100');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ranges).toEqual({ coarse: [0, 3], middle: [3, 7], fine: [7, 10] });
    expect(out.factors).toHaveLength(13);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(out.imageShares)).toBeCloseTo(1, 9);
    for (const f of out.factors) {
      expect(sum(out.factorShares[f])).toBeCloseTo(1, 9);
      expect(out.factorShares[f][out.home[f].range]).toBe(Math.max(...Object.values(out.factorShares[f] as Record<string, number>)));
    }
    const refused = atlas('layers', '--model', 'shapes-dcgan');
    expect(refused.code).toBe(2);
    expect(refused.stderrLines.join(' ')).toMatch(/style model/);
  });

  it('score: factor shares match reverse-mode gradients of the probe along the same directions (from atlas basis)', async () => {
    // Independent oracle: the directions come from `atlas basis` (same view: seed 100, W, basis seed 0), and
    // the probe targets' Jacobian at w is taken here by TF.js's own reverse mode (tf.grad, one target at a
    // time), while `atlas score` pushes tangents forward through our forward-mode layers. A factor's share is
    // s_f²/Σs² with s_f = ‖J_f v‖/range_f (the image-change rate divides every factor alike, so it cancels).
    // (Central differences were the oracle before; in float32 through the wider synthesis they missed by 0.018.)
    const r = atlas('score', '--model', 'shapes-style', '--basis', 'sefa,random', '--seeds', '1', '--seed', '100', '--top', '2');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.factors).toEqual(SHAPES_FACTOR_GROUPS.map((f) => f.name));
    expect(out.methods.map((m: { basis: string }) => m.basis)).toEqual(['sefa', 'random']);
    await useBackend('wasm');
    const g = await openModelId('shapes-style');
    const probe = await loadLayersModelFromDir('public/models/probes/shapes-probe/model');
    const pm = JSON.parse(fs.readFileSync('public/models/probes/shapes-probe/manifest.json', 'utf8'));
    const classes = pm.outputs.classes.length, targets: string[] = pm.outputs.targets;
    try {
      for (const m of out.methods) {
        const b = JSON.parse(atlas('basis', '--model', 'shapes-style', '--seed', '100', '--kind', m.basis, '--space', 'w', '--k', '2').stdout);
        const jacobian = targets.map((_, t) => tf.tidy(() => {
          const target = (w: tf.Tensor) => (probe.predict(g.generate(w, 'w')) as tf.Tensor2D).slice([0, classes + t], [1, 1]).sum();
          return Array.from(tf.grad(target)(tf.tensor2d([b.w])).dataSync());
        }));
        b.directions.forEach((v: number[], i: number) => {
          const d = jacobian.map((row) => row.reduce((acc, x, j) => acc + x * v[j], 0));
          const s2 = SHAPES_FACTOR_GROUPS.map((f) => f.targets.reduce((acc, name) => acc + d[targets.indexOf(name)] ** 2, 0) / (f.range ?? 1) ** 2);
          const total = s2.reduce((a, c) => a + c, 0);
          const share = m.directions[i].share as number[];
          // Tolerance 1e-4 on shares: both sides are exact derivatives in float32 (seen here: ≤ 4e-7 apart).
          share.forEach((x, f) => expect(Math.abs(x - s2[f] / total)).toBeLessThan(1e-4));
          expect(Math.abs(m.directions[i].purity - Math.max(...s2) / total)).toBeLessThan(1e-4);
        });
      }
    } finally {
      probe.dispose();
      g.dispose();
    }
  });

  it('basis: unit rows, as many as asked, and rates √(vᵀHv) that match the metric command for kind metric', () => {
    const r = atlas('basis', '--model', 'shapes-style', '--seed', '4', '--kind', 'metric', '--space', 'w', '--k', '3');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.kind, out.space, out.directions.length, out.w.length, out.z.length]).toEqual(['metric', 'w', 3, 64, 32]);
    for (const v of out.directions) expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-9);
    // The metric command's eigenvalues (its own exact metric) are vᵀHv of the same eigenvectors.
    const m = JSON.parse(atlas('metric', '--model', 'shapes-style', '--seed', '4', '--space', 'w').stdout);
    out.rates.forEach((rate: number, i: number) => expect(Math.abs(rate ** 2 / m.eigenvalues[i] - 1)).toBeLessThan(1e-6));
  });

  it.skipIf(!hasNumpy)('basis --npy: numpy (Debian\'s python3-numpy) reads back exactly the directions, values, rates and reference of the JSON', () => {
    const prefix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-npy-')), 'b');
    const r = atlas('basis', '--model', 'shapes-dcgan', '--seed', '3', '--kind', 'metric', '--k', '4', '--npy', prefix);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files).toEqual(['directions', 'values', 'rates', 'reference'].map((n) => `${prefix}.${n}.npy`));
    const read = spawnSync('/usr/bin/python3', ['-c', `import json, sys, numpy as np
p = sys.argv[1]
a = {n: np.load(p + '.' + n + '.npy') for n in ['directions', 'values', 'rates', 'reference']}
print(json.dumps({n: {'shape': list(v.shape), 'dtype': str(v.dtype), 'data': v.ravel().tolist()} for n, v in a.items()}))`, prefix], { encoding: 'utf8' });
    expect(read.status, read.stderr).toBe(0);
    const np = JSON.parse(read.stdout);
    expect(np.directions.shape).toEqual([4, 64]);
    expect(np.directions.dtype).toBe('float64');
    expect(np.directions.data).toEqual(out.directions.flat());
    expect(np.values.data).toEqual(out.values);
    expect(np.rates.data).toEqual(out.rates);
    expect(np.reference.data).toEqual(out.z);
    expect(atlas('basis', '--model', 'shapes-dcgan', '--seed', '3', '--kind', 'metric', '--npy', '/nonexistent-dir/x').code).toBe(2);
  });

  it('likelihood: logdetExact is Σ ln max(λ, ε) of atlas metric --distance mse at the same seed; ascent and veff are well formed', () => {
    const r = atlas('likelihood', '--model', 'shapes-dcgan', '--seed', '2', '--eps', '1e-4', '--probes', '4');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const m = JSON.parse(atlas('metric', '--model', 'shapes-dcgan', '--seed', '2', '--distance', 'mse').stdout);
    const want = m.eigenvalues.reduce((s: number, l: number) => s + Math.log(Math.max(l, 1e-4)), 0);
    expect(Math.abs(out.logdetExact - want)).toBeLessThan(1e-4 * Math.abs(want));
    expect(out.logLikelihood).toBeCloseTo(out.logPrior - 0.5 * out.logdetExact, 8);
    expect(out.settings).toMatchObject({ degree: 10, probes: 4, power: 20, margin: 1.2, eps: 1e-4 });
    expect(Number.isFinite(out.logdetEstimate) && Number.isFinite(out.logdetStdError)).toBe(true);
    expect(atlas('likelihood', '--model', 'shapes-style', '--seed', '2', '--space', 'w').code).toBe(2);
    const shifted = JSON.parse(atlas('likelihood', '--model', 'shapes-dcgan', '--seed', '2', '--eps', '1e-4', '--probes', '4', '--floor', 'shift').stdout);
    expect(shifted.floor).toBe('shift');
    const wantShift = m.eigenvalues.reduce((s: number, l: number) => s + Math.log(Math.max(l, 0) + 1e-4), 0);
    expect(Math.abs(shifted.logdetExact - wantShift)).toBeLessThan(1e-4 * Math.abs(wantShift));
    expect(atlas('likelihood', '--model', 'shapes-dcgan', '--seed', '2', '--floor', 'round').code).toBe(2);

    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-')), 'ascent.png');
    const a = JSON.parse(atlas('ascent', '--model', 'shapes-dcgan', '--seed', '2', '--steps', '3', '--every', '3', '--png', png).stdout);
    expect(a.steps.map((s: { step: number }) => s.step)).toEqual([0, 1, 2, 3]);
    expect(a.frames.map((f: { step: number }) => f.step)).toEqual([0, 3]);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const e = JSON.parse(atlas('ascent', '--model', 'shapes-dcgan', '--seed', '2', '--steps', '1', '--gradient', 'estimator', '--floor', 'shift').stdout);
    expect(e.options).toMatchObject({ gradient: 'estimator', floor: 'shift' });
    for (const s of e.steps) expect(Math.abs(s.gradientCosine)).toBeLessThanOrEqual(1);
    const v = JSON.parse(atlas('veff', '--model', 'shapes-dcgan', '--samples', '2', '--random', '4').stdout);
    expect(v.veff[0]).toBe(64);
    expect(v.delta.length).toBe(2);
  });

  it('invert: a seed\'s image comes back, `latents` regenerates the reconstruction through generate --latents; pictures are fitted or refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-invert-'));
    const r = atlas('invert', '--model', 'shapes-dcgan', '--target-seed', '4', '--loss', 'pixel', '--init', 'random', '--steps', '60');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.loss.length).toBe(out.steps);
    expect(out.loss[out.loss.length - 1]).toBeLessThan(out.loss[0]);
    expect(out.latentError).toBeGreaterThan(0);
    const file = path.join(dir, 'inverted.json');
    fs.writeFileSync(file, r.stdout);
    const again = JSON.parse(atlas('generate', '--model', 'shapes-dcgan', '--latents', file).stdout).outputs as number[];
    const target = JSON.parse(atlas('generate', '--model', 'shapes-dcgan', '--seed', '4').stdout).outputs as number[];
    const mse = again.reduce((s, v, i) => s + (v - target[i]) ** 2, 0) / again.length;
    expect(Math.abs(mse - out.pixelMse)).toBeLessThan(1e-5 + 1e-3 * out.pixelMse);

    const grey = new PNG({ width: 40, height: 20 });
    grey.data.fill(128);
    fs.writeFileSync(path.join(dir, 'grey.png'), PNG.sync.write(grey));
    const g = JSON.parse(atlas('invert', '--model', 'shapes-dcgan', '--image', path.join(dir, 'grey.png'), '--steps', '2', '--init', 'random').stdout);
    expect(g.notes.join(' ')).toMatch(/cropped to its centre 20×20.*grey is repeated/);
    fs.writeFileSync(path.join(dir, 'text.png'), 'not a picture');
    const bad = atlas('invert', '--model', 'shapes-dcgan', '--image', path.join(dir, 'text.png'));
    expect(bad.code).toBe(2);
    expect(bad.stderrLines.join(' ')).toMatch(/not a PNG or JPEG/);
    expect(atlas('invert', '--model', 'shapes-dcgan').code).toBe(2);
    expect(atlas('invert', '--model', 'shapes-dcgan', '--target-seed', '1', '--space', 'w').code).toBe(2);
  });

  it('invert --dataset-image: a shapes render (as the app renders it) or a Fashion-MNIST test image; anything else is refused', () => {
    const shapes = JSON.parse(atlas('invert', '--model', 'shapes-dcgan', '--dataset-image', 'shapes:5', '--steps', '2', '--init', 'random', '--loss', 'pixel').stdout);
    expect(shapes.target).toEqual({ datasetImage: 'shapes:5' });
    expect(shapes.notes[0]).toBe('Target: the shapes render of seed 5.');
    const grey = JSON.parse(atlas('invert', '--model', 'fashion-dcgan', '--dataset-image', 'shapes:5', '--steps', '1', '--init', 'random', '--loss', 'pixel').stdout);
    expect(grey.notes.join(' ')).toMatch(/luminance is used/);
    if (fs.existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz')) {
      const fashion = JSON.parse(atlas('invert', '--model', 'fashion-dcgan', '--dataset-image', 'fashion:3', '--steps', '2', '--init', 'random', '--loss', 'pixel').stdout);
      expect(fashion.notes).toEqual(['Target: the Fashion-MNIST test image 3.']);
      expect(atlas('invert', '--model', 'fashion-dcgan', '--dataset-image', 'fashion:10000').stderrLines.join(' ')).toMatch(/has 10000 images/);
    }
    expect(atlas('invert', '--model', 'shapes-dcgan', '--dataset-image', 'mnist:1').code).toBe(2);
    expect(atlas('invert', '--model', 'shapes-dcgan', '--dataset-image', 'shapes:1', '--target-seed', '2').code).toBe(2);
  });

  it('search: CMA-ES and Hessian CMA-ES raise a probe objective from the seed\'s image; a bad objective is refused', () => {
    for (const method of ['cmaes', 'hessian-cmaes']) {
      const out = JSON.parse(atlas('search', '--model', 'shapes-dcgan', '--objective', 'class:square', '--method', method, '--generations', '4', '--k', '8').stdout);
      expect(out.curves.length).toBe(4);
      expect(out.dimensions).toBe(method === 'cmaes' ? 64 : 8);
      expect(out.bestScore).toBeGreaterThanOrEqual(Math.max(...out.curves.map((c: { best: number }) => c.best)) - 1e-12);
      expect(out.best.length).toBe(64);
    }
    expect(atlas('search', '--model', 'shapes-dcgan', '--objective', 'class:hexagon').code).toBe(2);
    expect(atlas('search', '--model', 'shapes-dcgan', '--objective', 'banana').code).toBe(2);
  });

  it('--model takes a folder or a model.json on disk, with or without manifest.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-model-'));
    // A bare TF.js layers model: the generator folder alone, no manifest.
    fs.cpSync('public/models/shapes-dcgan/generator', dir, { recursive: true });
    const viaFile = atlas('basis', '--model', path.join(dir, 'model.json'), '--seed', '2', '--kind', 'sefa', '--k', '2');
    const viaDir = atlas('basis', '--model', dir, '--seed', '2', '--kind', 'sefa', '--k', '2');
    const bundled = atlas('basis', '--model', 'shapes-dcgan', '--seed', '2', '--kind', 'sefa', '--k', '2');
    const withManifest = atlas('basis', '--model', 'public/models/shapes-dcgan/manifest.json', '--seed', '2', '--kind', 'sefa', '--k', '2');
    for (const r of [viaFile, viaDir, bundled, withManifest]) expect(r.code).toBe(0);
    const dirs = [viaFile, viaDir, bundled, withManifest].map((r) => JSON.parse(r.stdout).directions);
    for (const d of dirs.slice(1)) expect(d).toEqual(dirs[0]);
    fs.rmSync(dir, { recursive: true });
  });

  it.each([[[]], [['--help']], [['basis', '--help']], [['traverse', '--model', 'x', '--help']]])('%j prints usage and exits 0', (args) => {
    const r = atlas(...(args as string[]));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: atlas /);
    if ((args as string[])[0] === 'basis') expect(r.stdout).toMatch(/--kind metric\|local\|average\|ganspace\|sefa\|random/);
  });

  it.each([
    [['generate', '--model', 'no-such-model', '--seed', '1'], /unknown model 'no-such-model'/],
    [['generate', '--model', index.default, '--seed', 'x'], /--seed must be an integer/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['metric', '--model', index.default], /--seed is required/],
    [['spectrum', '--model', 'shapes-style'], /--samples is required/],
    [['spectrum', '--model', 'shapes-dcgan', '--samples', '2', '--space', 'w'], /has no w space/],
    [['spectrum', '--model', 'shapes-style', '--samples', '2', '--sample', '3'], /spectrum does not take --sample/],
    [['grassmann', '--model', 'shapes-dcgan', '--samples', '2'], /needs a style model/],
    [['grassmann', '--model', 'shapes-style', '--samples', '0'], /--samples must be between 1/],
    [['traverse', '--model', 'shapes-style', '--seed', '1', '--basis', 'pca', '--range', '1', '--png', 'x.png'], /--basis must be one of/],
    [['traverse', '--model', 'shapes-style', '--seed', '1', '--basis', 'local', '--range', '1', '--spherical', '--png', 'x.png'], /--spherical/],
    [['traverse', '--model', 'shapes-dcgan', '--seed', '1', '--basis', 'local', '--range', '1', '--png', 'x.png'], /Local Basis needs a style-based model/],
    [['traverse', '--model', 'shapes-style', '--seed', '1', '--basis', 'local', '--range', 'far', '--png', 'x.png'], /--range must be a number/],
    [['traverse', '--model', 'shapes-dcgan', '--seed', '1', '--basis', 'sefa', '--range', '1', '--layers', 'fine', '--png', 'x.png'], /--layers restricts a W move/],
    [['traverse', '--model', 'shapes-style', '--seed', '1', '--basis', 'sefa', '--range', '1', '--layers', 'top', '--png', 'x.png'], /--layers must be one of/],
    [['score', '--model', 'fashion-dcgan'], /needs a probe that reads factors; probe fashion-probe of fashion-dcgan only classifies/],
    [['score', '--model', 'shapes-style', '--basis', 'metric,pca'], /'pca' is not one of/],
    [['basis', '--model', 'shapes-dcgan', '--seed', '1', '--kind', 'metric', '--space', 'w'], /has no w space/],
    [['basis', '--model', 'shapes-style', '--seed', '1', '--kind', 'pca'], /--kind must be one of/],
    [['basis', '--model', 'shapes-style', '--seed', '1', '--kind', 'sefa', '--k', '0'], /--k must be between 1 and 32/],
    [['basis', '--model', './no/such/model.json', '--seed', '1', '--kind', 'sefa'], /no such file or folder/],
  ])('bad input %j exits 2 with one line', (args, message) => {
    const r = atlas(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderrLines.length).toBe(1);
    expect(r.stderrLines[0]).toMatch(message as RegExp);
  });
});
