/**
 * PyTorch → TF.js export round trip (issue 11): for every layer kind the exporter writes, and the bundled
 * architectures at small widths, training/tests/export_fixtures.py (Debian's /usr/bin/python3 with
 * python3-torch) builds a tiny graph with seeded random weights (biases moved off their initial values),
 * exports it with `export_graph`, and saves 16 inputs with PyTorch's outputs (NHWC) as .npy. Each folder
 * is loaded here with the project's own validating loader and run on the tfjs cpu backend.
 *
 * Error measure: max|Δ| / max|ref| over the whole output — the worst element, relative to the output's
 * scale. A max norm, not ‖Δ‖/‖ref‖, so that a fault confined to a few elements (the border of a padded
 * convolution, one channel, one sample's group statistic) cannot hide in an average; scaled by the
 * largest reference value rather than element by element, since element-wise relative error is
 * meaningless where the reference crosses zero. Bound: 1e-5 (float32 on both sides).
 *
 * The test must be able to fail: "mismatch" cases export a kernel in a wrong layout (kh/kw swapped, a
 * dense kernel transposed) and must be off by > 10 %. float16 exports must reproduce PyTorch on the
 * float16-rounded weights to 1e-5 (so dequantisation is exact), and the float32 network to within what
 * float16 rounding itself does to these outputs: each weight moves by ≤ 2⁻¹¹ relative, which moves the
 * output of the small DCGAN (pixel norms over only 4–8 channels amplify it) by ≈ 1 % of its scale, so
 * 3e-2. export_graph must refuse NaN and infinite weights. Without torch the first test fails and says what to install.
 *
 * Also: training/examples/export_example.py (the README's worked example) writes a model folder with a
 * manifest, which the app's full loader (loadGenerator) must accept and render.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBackend } from '../../scripts/lib/tfnode';
import { dirFiles } from '../../scripts/lib/fsFiles';
import { loadLayersModelFromDir } from '../../scripts/lib/modelio';
import { loadGenerator } from '../../src/model/load';
import { parseNpy } from '../../src/util/npy';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install -y python3-torch python3-numpy';
const TOLERANCE = 1e-5;
const FLOAT16_TOLERANCE = 3e-2;
const MISMATCH_AT_LEAST = 0.1;

interface Case { case: string; kind: 'match' | 'float16' | 'mismatch'; inputs: number; batch: number; note: string }
interface Index {
  torch: string;
  cases: Case[];
  refusal: Record<'nan' | 'inf', { refused: boolean; message: string; wroteModelJson: boolean }>;
}

/** Does /usr/bin/python3 import torch? Checked at collection, so each case can be a test of its own. */
function checkTorch(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return `${PYTHON} could not be run (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch and numpy (${r.stderr.trim().split('\n').at(-1)})`;
  return undefined;
}

function runFixtures(dir: string): Index {
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  const r = spawnSync(PYTHON, ['training/tests/export_fixtures.py', dir], { encoding: 'utf8', timeout: 240_000, env });
  if (r.status !== 0) throw new Error(`export_fixtures.py failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as Index;
}

function npyTensor(file: string): tf.Tensor {
  const { data, shape } = parseNpy(new Uint8Array(fs.readFileSync(file)));
  return tf.tensor(data as Float32Array, shape, 'float32');
}

/** max|a − ref| / max|ref|, in float64. */
function relError(a: Float32Array, ref: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

const torchProblem = checkTorch();
const fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-export-'));
// The Python side (≈ 4 s) runs at collection, so that the cases it writes are known when tests are declared.
const index: Index | undefined = torchProblem ? undefined : runFixtures(fixtureDir);
const measured: { case: string; kind: string; error: number; extra?: string }[] = [];

beforeAll(async () => {
  await useBackend('cpu');
});

afterAll(() => {
  fs.rmSync(fixtureDir, { recursive: true, force: true });
  if (measured.length) {
    console.log(['export round trip, max|Δ|/max|ref| per case:',
      ...measured.map((m) => `  ${m.case.padEnd(40)} ${m.kind.padEnd(9)} ${m.error.toExponential(2)}${m.extra ? `  ${m.extra}` : ''}`)].join('\n'));
  }
});

/** Load a case's folder with the project's loader, run it on its inputs, and compare with `refFile`. */
async function roundTrip(c: Case, refFiles: string[]): Promise<number[]> {
  const dir = path.join(fixtureDir, c.case);
  const model = await loadLayersModelFromDir(dir);
  try {
    const inputs = Array.from({ length: c.inputs }, (_, i) => npyTensor(path.join(dir, `in${i}.npy`)));
    const out = model.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: c.batch }) as tf.Tensor;
    const got = out.dataSync() as Float32Array;
    const errors = refFiles.map((f) => {
      const ref = npyTensor(path.join(dir, f));
      expect(out.shape).toEqual(ref.shape);
      const e = relError(got, ref.dataSync() as Float32Array);
      ref.dispose();
      return e;
    });
    tf.dispose([...inputs, out]);
    return errors;
  } finally {
    model.dispose();
  }
}

describe('PyTorch → TF.js export round trip', () => {
  it(`${PYTHON} imports torch (${INSTALL})`, () => {
    if (torchProblem) throw new Error(`${torchProblem}. The export round-trip test needs Debian's PyTorch: ${INSTALL}`);
    expect(index!.cases.length).toBeGreaterThan(40);
  });
  if (!index) return;

  for (const c of index.cases) {
    const label = `${c.case} (${c.kind}${c.note ? `, ${c.note}` : ''}, batch ${c.batch})`;
    if (c.kind === 'match') {
      it(`${label}: matches PyTorch within ${TOLERANCE}`, async () => {
        const [e] = await roundTrip(c, ['out.npy']);
        measured.push({ case: c.case, kind: c.kind, error: e });
        expect(e).toBeLessThan(TOLERANCE);
      });
    } else if (c.kind === 'float16') {
      it(`${label}: float16 weights load; PyTorch on the rounded weights within ${TOLERANCE}, float32 within ${FLOAT16_TOLERANCE}`, async () => {
        const [e16, e32] = await roundTrip(c, ['out.npy', 'out_f32.npy']);
        measured.push({ case: c.case, kind: c.kind, error: e16, extra: `vs float32 weights ${e32.toExponential(2)}` });
        expect(e16).toBeLessThan(TOLERANCE);
        expect(e32).toBeLessThan(FLOAT16_TOLERANCE);
        // The shard really is float16: half the bytes of the float32 weights it stands for.
        const json = JSON.parse(fs.readFileSync(path.join(fixtureDir, c.case, 'model.json'), 'utf8'));
        const specs = json.weightsManifest[0].weights as { shape: number[]; quantization?: { dtype: string } }[];
        expect(specs.every((s) => s.quantization?.dtype === 'float16')).toBe(true);
        const count = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
        expect(fs.statSync(path.join(fixtureDir, c.case, 'group1-shard1of1.bin')).size).toBe(2 * count);
      });
    } else {
      it(`${label}: the wrong layout is detected (error > ${MISMATCH_AT_LEAST})`, async () => {
        const [e] = await roundTrip(c, ['out.npy']);
        measured.push({ case: c.case, kind: c.kind, error: e });
        expect(e).toBeGreaterThan(MISMATCH_AT_LEAST);
      });
    }
  }

  it('export_graph refuses NaN and infinite weights and writes no model.json', () => {
    for (const what of ['nan', 'inf'] as const) {
      const r = index.refusal[what];
      expect(r.refused, what).toBe(true);
      expect(r.message).toMatch(/fc\/bias holds NaN or infinity/);
      expect(r.wroteModelJson, what).toBe(false);
    }
  });
});

describe("the README's worked example: a user's PyTorch generator", () => {
  it('exports a folder the app loads with its full loader and renders', async () => {
    if (torchProblem) throw new Error(`${torchProblem}. ${INSTALL}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-user-'));
    try {
      const r = spawnSync(PYTHON, ['training/examples/export_example.py', dir], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
      expect(r.status, r.stderr).toBe(0);
      const g = await loadGenerator(dirFiles(dir));
      try {
        expect(g.assumptions).toEqual([]);
        expect(g.manifest.id).toBe('my-generator');
        const [h, w, c] = g.outputShape;
        const z = tf.tensor2d(g.samplePrior(1, 4), [4, g.zDim]);
        const images = g.generate(z);
        expect(images.shape).toEqual([4, h, w, c]);
        const rgba = await g.toRGBA(images);
        expect(rgba.length).toBe(4 * h * w * 4);
        // A picture, not a constant: the four samples differ and pixels vary within each.
        const px = images.dataSync();
        const per = h * w * c;
        const spread = (k: number) => Math.max(...px.subarray(k * per, (k + 1) * per)) - Math.min(...px.subarray(k * per, (k + 1) * per));
        for (let k = 0; k < 4; k++) expect(spread(k)).toBeGreaterThan(0.1);
        expect(relError(px.subarray(0, per) as Float32Array, px.subarray(per, 2 * per) as Float32Array)).toBeGreaterThan(1e-2);
        tf.dispose([z, images]);
        // The example also saved PyTorch's images for the same z; the app's render must match them.
        const zRef = npyTensor(path.join(dir, 'check', 'z.npy'));
        const ref = npyTensor(path.join(dir, 'check', 'images.npy'));
        const got = g.generate(zRef as tf.Tensor2D);
        const e = relError(got.dataSync() as Float32Array, ref.dataSync() as Float32Array);
        measured.push({ case: 'examples/export_example.py', kind: 'match', error: e });
        expect(e).toBeLessThan(TOLERANCE);
        tf.dispose([zRef, ref, got]);
      } finally {
        g.dispose();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
