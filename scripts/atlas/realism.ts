/**
 * realism: Wen et al.'s realism from the discriminator against truncation, on N prior samples
 * (src/methods/realismStudy.ts, the code the app's quality-vs-diversity job runs): rows for the baseline, each
 * truncation ψ, each fixed σ toward the mean protoimage and the σ-optimised improvement, each with the probe's
 * Fréchet distance to N real images (scripts/lib/probeQuality.ts, as docs/models.md measures), the share read
 * confidently and the factor spread (generated / real sd, averaged over the probe's targets).
 * walk: the hypersphere walk from one seed's z towards another latent (the paper starts from an inverted latent;
 * here any target seed), as a PNG strip with the discriminator's score of each frame.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { hypersphereWalk } from '../../src/methods/realism';
import { DEFAULT_PSIS, DEFAULT_SIGMAS, imagesOf, realismStudy, type QualityRow } from '../../src/methods/realismStudy';
import type { Generator } from '../../src/model/generator';
import { probeLayout, type ProbeLayout } from '../../src/model/probeLayout';
import { loadLayersModelFromDir } from '../lib/modelio';
import { frechetDistance, gaussianOf, probeFeatures, readProbe, realImages, type DataSource } from '../lib/probeQuality';
import { writeGridPng } from '../lib/png';
import { MODELS_DIR, openModel, UsageError, weightsHash, type Opts } from './common';
import fs from 'node:fs';

/** Samples shown in the --png grid and listed in the output (original, protoimage, improved). */
const SHOWN = 8;

function sourceOfProbe(id: string | undefined): DataSource {
  if (id === 'shapes-probe') return 'shapes';
  if (id === 'faces-probe') return 'faces';
  if (id === 'fashion-probe') return 'fashion';
  throw new UsageError(`realism measures quality with a bundled probe and its data (shapes, faces or fashion); this model's probe is '${id ?? 'none'}'`);
}

/** The model's bundled probe (its network and output layout) and the data it reads; a UsageError without one. */
export async function openBundledProbe(g: Generator): Promise<{ probe: tf.LayersModel; layout: ProbeLayout; source: DataSource }> {
  const id = g.manifest.probe;
  const source = sourceOfProbe(id);
  const dir = path.join(MODELS_DIR, 'probes', id!);
  const probe = await loadLayersModelFromDir(path.join(dir, 'model'));
  return { probe, layout: probeLayout(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).outputs), source };
}

/** The probe's quality figures for a set of images against `count` real images of its data. */
async function probeMeasure(g: Generator, count: number): Promise<{ measure: (images: Float32Array, n: number) => Promise<QualityRow>; floor: number; dispose: () => void }> {
  const { probe, layout, source } = await openBundledProbe(g);
  const [size] = g.outputShape;
  const real = realImages(source, 77, 2 * count, size);
  const per = real.images.length / (2 * count);
  const [realA, realB] = [real.images.subarray(0, count * per), real.images.subarray(count * per)];
  const gReal = gaussianOf(probeFeatures(probe, realA, count), count);
  const readReal = readProbe(probe, realA, count, layout);
  const measure = async (images: Float32Array, n: number): Promise<QualityRow> => {
    const read = readProbe(probe, images, n, layout);
    const T = layout.targets.length;
    return {
      frechet: frechetDistance(gReal, gaussianOf(probeFeatures(probe, images, n), n)),
      confident: layout.categorical.length > 0 ? read.confident : null,
      factorSpread: T > 0 ? read.factorStds.reduce((a, s, j) => a + s / Math.max(readReal.factorStds[j], 1e-9), 0) / T : null,
    };
  };
  const floor = frechetDistance(gReal, gaussianOf(probeFeatures(probe, realB, count), count));
  return { measure, floor, dispose: () => probe.dispose() };
}

function numberList(opts: Opts, name: string, fallback: number[], lo: number, hi: number): number[] {
  const raw = opts.str(name);
  if (raw === undefined) return fallback;
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (v.length === 0 || v.some((x) => !Number.isFinite(x) || x < lo || x > hi)) throw new UsageError(`--${name} must be a comma-separated list of numbers in [${lo}, ${hi}], got '${raw}'`);
  return v;
}

export async function realism(opts: Opts) {
  const g = await openModel(opts);
  try {
    if (!g.discriminatorScore) throw new UsageError(`model ${g.manifest.id} ships no discriminator, and realism is read from the discriminator`);
    const count = opts.int('count', 2000, [16, 50_000]);
    const sigmaText = opts.str('sigma') ?? 'auto';
    const fixed = sigmaText === 'auto' ? null : Number(sigmaText);
    if (fixed !== null && !(sigmaText.trim() !== '' && fixed >= 0 && fixed <= 1)) throw new UsageError(`--sigma must be 'auto' or a number in [0, 1], got '${sigmaText}'`);
    const psis = numberList(opts, 'psi', DEFAULT_PSIS, 1e-6, 1);
    const protoCount = opts.int('protos', Math.min(32, count), [4, count]);
    if (fixed === null && count < 16) throw new UsageError('--count must be at least 16');
    const t0 = performance.now();
    const quality = await probeMeasure(g, count);
    try {
      const study = await realismStudy(g, {
        count, seed: opts.int('seed', 1), psis, improveCount: opts.int('improve-count', count, [16, count]), sigmas: fixed === null ? DEFAULT_SIGMAS : [fixed], improve: fixed === null, protoCount,
        inversionSteps: opts.int('inversion-steps', 100, [1, 5000]), protoSteps: opts.int('proto-steps', 501, [1, 5000]), lambda: opts.num('lambda', 3, [0, 100]),
      }, quality.measure, { progress: (phase, done, total) => { if (done === total) process.stderr.write(`${phase}: ${done}/${total} at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`); } });
      const n = g.zDim;
      const shown = Math.min(SHOWN, count);
      const z = g.samplePrior(opts.int('seed', 1), shown);
      const improved = study.improved;
      const samples = Array.from({ length: shown }, (_, i) => ({
        z: Array.from(z.subarray(i * n, (i + 1) * n)),
        ...(i < study.protoCount ? { proto: Array.from(study.protos.subarray(i * n, (i + 1) * n)) } : {}),
        ...(improved ? { improved: Array.from(improved.latents.subarray(i * n, (i + 1) * n)), sigma: improved.sigmas[i] } : {}),
      }));
      let png: string | undefined;
      if (opts.has('png')) {
        png = path.resolve(opts.required('png'));
        const [h, w, c] = g.outputShape;
        const after = improved ? improved.latents.subarray(0, shown * n) : null;
        // Rows: the samples, each one's own protoimage (or p̄ beyond the searched ones), the improved samples (toward p̄).
        const protoRow = Array.from({ length: shown }, (_, i) => (i < study.protoCount ? Array.from(study.protos.subarray(i * n, (i + 1) * n)) : Array.from(study.protoMean))).flat();
        const latents = [...z, ...protoRow, ...(after ?? [])];
        const rows = after ? 3 : 2;
        const images = await imagesOf(g, Float64Array.from(latents), rows * shown);
        writeGridPng(png, images, rows * shown, h, w, c, { cols: shown, scale: 3, range: g.manifest.output.range });
      }
      return {
        model: g.manifest.id, weights: weightsHash(g), count, protoCount: study.protoCount, protoLosses: study.protoLosses, protoCosine: study.protoCosine, realFloor: quality.floor, rows: study.rows,
        protoMean: Array.from(study.protoMean), samples, notes: study.notes, ...(png ? { png } : {}), ms: performance.now() - t0,
      };
    } finally {
      quality.dispose();
    }
  } finally {
    g.dispose();
  }
}

export async function walk(opts: Opts) {
  const g = await openModel(opts);
  try {
    const seed = opts.int('seed'), target = opts.int('target-seed');
    if (seed === target) throw new UsageError('--seed and --target-seed must differ: the walk needs a direction');
    const steps = opts.int('steps', 12, [1, 1000]);
    const n = g.zDim;
    const points = hypersphereWalk(g.samplePrior(seed, 1), g.samplePrior(target, 1), steps);
    const images = await imagesOf(g, points, steps + 1);
    let scores: number[] | null = null;
    if (g.discriminatorScore) {
      const [h, w, c] = g.outputShape;
      // Each frame scored alone (one image is its own minibatch-stddev group).
      scores = [];
      for (let k = 0; k <= steps; k++) {
        const t = tf.tidy(() => g.discriminatorScore!(tf.tensor4d(images.subarray(k * h * w * c, (k + 1) * h * w * c), [1, h, w, c])));
        scores.push((await t.data())[0]);
        t.dispose();
      }
    }
    let png: string | undefined;
    if (opts.has('png')) {
      png = path.resolve(opts.required('png'));
      const [h, w, c] = g.outputShape;
      writeGridPng(png, images, steps + 1, h, w, c, { cols: steps + 1, scale: 3, range: g.manifest.output.range });
    }
    const angles = Array.from({ length: steps }, (_, k) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += points[k * n + j] * points[(k + 1) * n + j];
      return Math.acos(Math.max(-1, Math.min(1, s / n)));
    });
    return { model: g.manifest.id, seed, targetSeed: target, steps, latents: Array.from({ length: steps + 1 }, (_, k) => Array.from(points.subarray(k * n, (k + 1) * n))), stepAngles: angles, scores, ...(png ? { png } : {}) };
  } finally {
    g.dispose();
  }
}
