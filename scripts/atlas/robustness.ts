/**
 * robustness study (Choi et al., ICLR 2022, §3.3 "Robustness", Fig. 3–4; §3.4 and App. H, Fig. 7/14/15) on a
 * style model's W:
 *
 * 1. Robustness: image quality against the perturbation intensity I (the traversal's path length in W) along
 *    the 1st and the 2nd direction of GANSpace (PCA of W), SeFa (all style affines), the Local Basis of each
 *    sample (the linear traversal w + I·v) and Iterative Curve-Traversal from it (src/geometry/curveTraversal.ts,
 *    pieces of fixed length, the intensities read off one curve), with unit random W directions (fresh for each
 *    sample) as the control. Quality is the probe's Fréchet distance (its 64-d `features`) of `count`
 *    traversed images per intensity to `reference` real images, beside the floor (as many real images as
 *    traversed, against the same reference) and the untraversed samples (I = 0). I is in units of R, the mean
 *    ‖w − w̄‖ of the prior's samples. Sign: even samples travel +v, odd ones −v (both signs, half each).
 * 2. Guided traversal: a global W direction that moves one known factor (src/geometry/factorGuide.ts: the mean w
 *    of the samples the probe reads highest on it minus the mean of the lowest quarter), followed at equal
 *    intensity linearly, by the curve guided at every piece, guided at departure only, and guided with
 *    stochastic piece lengths; and a random unit direction as the control. Per variant: the target's change,
 *    the other factors' change, the target's share, the Fréchet distance of the endpoints.
 */
import * as tf from '@tensorflow/tfjs';
import { curveTraversalOfGenerator, type CurveTraversal, type CurveTraversalOptions } from '../../src/geometry/curveTraversal';
import { factorChanges, meanDifferenceDirection, type FactorChange } from '../../src/geometry/factorGuide';
import { factorGroupsOf } from '../../src/geometry/factorGroups';
import { ganspaceBasis, sefaBasis } from '../../src/geometry/globalBasesOfModel';
import { localBasisOfGenerator } from '../../src/geometry/localBasis';
import { fitGaussian, frechetDistance, type Gaussian } from '../../src/linalg/frechet';
import type { Generator } from '../../src/model/generator';
import { Rng } from '../../src/util/random';
import { gridPng } from '../lib/png';
import { probeFeatures, realImages } from '../lib/probeQuality';
import { UsageError, weightsHash, type Opts, openModel } from './common';
import { openBundledProbe } from './realism';

export const ROBUST_METHODS = ['ganspace', 'sefa', 'local', 'curve', 'random'] as const;
export type RobustMethod = (typeof ROBUST_METHODS)[number];
export const METHOD_LABEL: Record<RobustMethod, string> = { ganspace: 'GANSpace', sefa: 'SeFa', local: 'Local Basis', curve: 'Curve-Traversal', random: 'random' };
/** Intensities in units of R (multiples of the curve's piece length PIECE, so every one is a point of the curve). */
export const LEVELS = [0.25, 0.5, 1, 1.5, 2, 3];
const PIECE = 0.25;
/** The factor each probe's guide moves. */
export const GUIDE_TARGET: Record<string, string> = { 'shapes-probe': 'scale', 'faces-probe': 'hairLight' };
export const GUIDE_VARIANTS = ['linear', 'every-step', 'departure', 'stochastic', 'random'] as const;
export type GuideVariant = (typeof GUIDE_VARIANTS)[number];
export const VARIANT_LABEL: Record<GuideVariant, string> = {
  linear: 'linear along the guide', 'every-step': 'curve, guided every piece', departure: 'curve, guided at departure', stochastic: 'curve, guided, stochastic pieces', random: 'linear, random direction (control)',
};
const BATCH = 250;

export interface RobustnessCurve {
  method: RobustMethod;
  /** 0: the 1st direction, 1: the 2nd. */
  direction: number;
  /** FD per level (LEVELS order). */
  fd: number[];
  /** Mean ‖w_I − w₀‖ / I per level (1 for a straight line; below 1 where the curve bends). */
  chordRatio: number[];
}

export interface GuidedRow {
  variant: GuideVariant;
  change: FactorChange;
  fd: number;
  /** Mean ‖w_end − w₀‖ and mean cos(w_end − w₀, guide). */
  chord: number;
  cosGuide: number;
  /** Mean number of pieces (curves). */
  pieces: number;
  /** Curves: mean over pieces and samples of |cos(guide, the Local Basis vector taken)|; 1 for the linear step, NaN for the control. */
  similarity: number;
}

export interface GuidedStudy {
  target: string;
  /** Samples traversed, intensity in units of R, pieces of the fixed-step curves, stochastic piece range (units of R). */
  count: number; level: number; pieces: number; stochastic: [number, number];
  /** The guide: reading of the low / high quarter (target units), samples it was fitted on. */
  guideFit: { low: number; high: number; samples: number };
  /** |cos| of the guide with the 1st and 2nd GANSpace and SeFa directions. */
  cosGlobal: { ganspace: number[]; sefa: number[] };
  /** Target's real-data sd (its targets' units), to read `target` changes against. */
  targetSd: number;
  /** FD of the untraversed samples and of as many real images (the floor). */
  baselineFd: number; floorFd: number;
  rows: GuidedRow[];
}

export interface RobustnessStudy {
  model: string;
  weights: string;
  probe: string;
  wDim: number;
  count: number;
  reference: number;
  seed: number;
  /** R = mean ‖w − w̄‖ over the guide-fitting samples, and the RMS per-coordinate sd of w. */
  unit: number;
  coordSd: number;
  levels: number[];
  /** FD of `count` real images to the reference (floor) and of the untraversed samples (I = 0). */
  floorFd: number;
  baselineFd: number;
  curves: RobustnessCurve[];
  guided: GuidedStudy | null;
  seconds: number;
  /** The images' [h, w, c] and value range (for the figures). */
  imageShape: [number, number, number];
  range: [number, number];
  /** Figure images (not in JSON): rows = direction × method, columns = [0, …LEVELS], sample 0; and the guided rows × 5 positions. */
  figure?: { images: Float32Array; rows: string[]; cols: number };
  guidedFigure?: { images: Float32Array; rows: string[]; cols: number };
}

export interface RobustnessOptions {
  count: number;
  reference: number;
  /** Samples the guide (and R) are fitted on. */
  guideSamples: number;
  /** Samples of the guided comparison (the first of the `count`). */
  guidedCount: number;
  seed: number;
  log?: (msg: string) => void;
}

type Rows = Float64Array;

/** Probe features [n × F] and targets [n × T] of the images of W rows, and sample 0's image. */
interface Reading { features: Float32Array; targets: Float32Array; first: Float32Array }

function unit(v: Float64Array): Float64Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export async function robustnessStudy(g: Generator, o: RobustnessOptions): Promise<RobustnessStudy> {
  if (!g.isStyleBased || !g.wDim) throw new UsageError(`model ${g.manifest.id} has no W space: robustness compares W traversals`);
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const wDim = g.wDim, zDim = g.zDim, n = o.count;
  const { probe, layout, source } = await openBundledProbe(g);
  const both = tf.model({ inputs: probe.inputs, outputs: [probe.getLayer('features').output as tf.SymbolicTensor, probe.outputs[0]] });
  const T = layout.targets.length;
  const [h, wd, c] = g.outputShape;
  const per = h * wd * c;

  const read = async (w: Rows | Float32Array, count: number): Promise<Reading> => {
    const parts: { f: Float32Array; t: Float32Array }[] = [];
    let first: Float32Array = new Float32Array(0);
    for (let i = 0; i < count; i += BATCH) {
      const m = Math.min(BATCH, count - i);
      const [f, head, img] = tf.tidy(() => {
        const images = g.generate(tf.tensor2d(Float32Array.from(w.subarray(i * wDim, (i + m) * wDim)), [m, wDim]), 'w');
        const [feat, out] = both.predict(images) as tf.Tensor[];
        return [feat, out, i === 0 ? images.slice([0, 0, 0, 0], [1, h, wd, c]) : tf.zeros([0])];
      });
      parts.push({ f: await f.data() as Float32Array, t: (await head.data() as Float32Array) });
      if (i === 0) first = await img.data() as Float32Array;
      tf.dispose([f, head, img]);
    }
    const F = parts[0].f.length / Math.min(BATCH, count);
    const features = new Float32Array(count * F), targets = new Float32Array(count * T);
    let row = 0;
    for (const p of parts) {
      features.set(p.f, row * F);
      const m = p.f.length / F, width = p.t.length / m;
      for (let k = 0; k < m; k++) targets.set(p.t.subarray(k * width + layout.targetOffset, k * width + layout.targetOffset + T), (row + k) * T);
      row += m;
    }
    return { features, targets, first };
  };
  const gauss = (r: Reading, count: number): Gaussian => fitGaussian(r.features, count, r.features.length / count);

  // Real images: the reference and, against it, the floor at the traversed count (and at the guided count).
  log(`real images (${o.reference} + ${n})`);
  const real = realImages(source, 91, o.reference + n, h);
  const realFeat = probeFeatures(probe, real.images, o.reference + n);
  const F = realFeat.length / (o.reference + n);
  const ref = fitGaussian(realFeat.subarray(0, o.reference * F), o.reference, F);
  const floorOf = (m: number) => frechetDistance(ref, fitGaussian(realFeat.subarray(o.reference * F, (o.reference + m) * F), m, F));
  const floorFd = floorOf(n);

  // R and the guide from a separate draw.
  const mapRows = (z: Float32Array, count: number): Rows => {
    const t = tf.tidy(() => g.mapZ(tf.tensor2d(z, [count, zDim])));
    const out = Float64Array.from(t.dataSync());
    t.dispose();
    return out;
  };
  const G = o.guideSamples;
  const wFit = mapRows(g.samplePrior(o.seed + 1, G), G);
  const mean = new Float64Array(wDim);
  for (let i = 0; i < G; i++) for (let d = 0; d < wDim; d++) mean[d] += wFit[i * wDim + d] / G;
  let R = 0, varSum = 0;
  for (let i = 0; i < G; i++) {
    let s = 0;
    for (let d = 0; d < wDim; d++) s += (wFit[i * wDim + d] - mean[d]) ** 2;
    R += Math.sqrt(s) / G;
    varSum += s / (G - 1);
  }
  const coordSd = Math.sqrt(varSum / wDim);

  // The traversed samples and their directions.
  const z = g.samplePrior(o.seed, n);
  const w0 = mapRows(z, n);
  const sign = (i: number) => (i % 2 === 0 ? 1 : -1);
  const gan = ganspaceBasis(g, 'w', 2, o.seed), sefa = sefaBasis(g, 'w', 2);
  const rng = new Rng(o.seed + 7);
  const randomDirs = [0, 1].map(() => Float64Array.from({ length: n * wDim }, () => rng.normal()));
  for (const r of randomDirs) for (let i = 0; i < n; i++) r.set(unit(r.subarray(i * wDim, (i + 1) * wDim)), i * wDim);
  log(`local bases (${n})`);
  const localDirs = [new Float64Array(n * wDim), new Float64Array(n * wDim)];
  for (let i = 0; i < n; i++) {
    const lb = localBasisOfGenerator(g, z.subarray(i * zDim, (i + 1) * zDim));
    for (const k of [0, 1]) localDirs[k].set(lb.wDirections.subarray(k * wDim, (k + 1) * wDim), i * wDim);
  }
  const top = Math.max(...LEVELS);
  const pieces = Math.round(top / PIECE);
  log(`curves (${n} × 2 directions × ${pieces} pieces)`);
  const curves = [0, 1].map((k) => Array.from({ length: n }, (_, i) => curveTraversalOfGenerator(g, z.subarray(i * zDim, (i + 1) * zDim), { intensity: top * R, steps: pieces, index: k, sign: sign(i) as 1 | -1 })));

  const base = await read(w0, n);
  const baselineFd = frechetDistance(ref, gauss(base, n));
  const figureRows: Float32Array[] = [];
  const figureNames: string[] = [];
  const out: RobustnessCurve[] = [];
  for (const k of [0, 1]) {
    for (const method of ROBUST_METHODS) {
      log(`${METHOD_LABEL[method]} direction ${k + 1}: ${LEVELS.length} intensities × ${n}`);
      const fd: number[] = [], chordRatio: number[] = [];
      const frames: Float32Array[] = [base.first];
      for (const level of LEVELS) {
        const I = level * R;
        const w = new Float64Array(n * wDim);
        for (let i = 0; i < n; i++) {
          if (method === 'curve') {
            const cv = curves[k][i], at = Math.round(level / PIECE);
            w.set(cv.w.subarray(at * wDim, (at + 1) * wDim), i * wDim);
            continue;
          }
          const dir = method === 'ganspace' ? gan.directions.subarray(k * wDim, (k + 1) * wDim)
            : method === 'sefa' ? sefa.directions.subarray(k * wDim, (k + 1) * wDim)
              : (method === 'local' ? localDirs[k] : randomDirs[k]).subarray(i * wDim, (i + 1) * wDim);
          for (let d = 0; d < wDim; d++) w[i * wDim + d] = w0[i * wDim + d] + sign(i) * I * dir[d];
        }
        let chord = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let d = 0; d < wDim; d++) s += (w[i * wDim + d] - w0[i * wDim + d]) ** 2;
          chord += Math.sqrt(s) / (n * I);
        }
        const r = await read(w, n);
        fd.push(frechetDistance(ref, gauss(r, n)));
        chordRatio.push(chord);
        frames.push(r.first);
      }
      out.push({ method, direction: k, fd, chordRatio });
      figureRows.push(...frames);
      figureNames.push(`${METHOD_LABEL[method]} #${k + 1}`);
    }
  }

  const guidedPart = await guided();
  probe.dispose();
  const stack = (parts: Float32Array[]) => { const a = new Float32Array(parts.length * per); parts.forEach((p, i) => a.set(p, i * per)); return a; };
  return {
    model: g.manifest.id, weights: weightsHash(g), probe: g.manifest.probe!, wDim, count: n, reference: o.reference, seed: o.seed, unit: R, coordSd, levels: LEVELS,
    floorFd, baselineFd, curves: out, guided: guidedPart?.study ?? null, seconds: (performance.now() - t0) / 1000,
    imageShape: [h, wd, c], range: g.manifest.output.range,
    figure: { images: stack(figureRows), rows: figureNames, cols: LEVELS.length + 1 },
    ...(guidedPart ? { guidedFigure: { images: stack(guidedPart.frames), rows: GUIDE_VARIANTS.map((v) => VARIANT_LABEL[v]), cols: GUIDED_FRAMES } } : {}),
  };

  async function guided(): Promise<{ study: GuidedStudy; frames: Float32Array[] } | null> {
    const target = GUIDE_TARGET[g.manifest.probe ?? ''];
    const groups = factorGroupsOf(layout.targets);
    const group = groups?.find((f) => f.name === target);
    if (!group || group.targets.length !== 1) return null;
    const col = layout.targets.indexOf(group.targets[0]);
    log(`guide: ${target} from ${G} samples`);
    const fitReading = await read(wFit, G);
    const readings = Float64Array.from({ length: G }, (_, i) => fitReading.targets[i * T + col]);
    const md = meanDifferenceDirection(wFit, readings, G, wDim, 0.25);
    const guide = md.direction;
    const cosWith = (b: Float64Array, k: number) => Math.abs(guide.reduce((a, v, d) => a + v * b[k * wDim + d], 0));
    const realT = real.targets!;
    let m1 = 0, m2 = 0;
    for (let i = 0; i < o.reference; i++) { m1 += realT[i * T + col] / o.reference; m2 += realT[i * T + col] ** 2 / o.reference; }
    const M = Math.min(o.guidedCount, n), level = 1, I = level * R, P = 8, h = I / P;
    const stochastic: [number, number] = [0.5 * h, 1.5 * h];
    const before = base.targets.subarray(0, M * T);
    const z0 = (i: number) => z.subarray(i * zDim, (i + 1) * zDim);
    const rows: GuidedRow[] = [];
    const frames: Float32Array[] = [];
    const grng = new Rng(o.seed + 11);
    for (const variant of GUIDE_VARIANTS) {
      log(`guided ${variant} (${M} samples)`);
      const end = new Float64Array(M * wDim);
      let piecesSum = 0, similarity = variant === 'linear' ? 1 : NaN;
      let sample0: (f: number) => Float64Array;
      if (variant === 'linear' || variant === 'random') {
        const dirs = Array.from({ length: M }, () => (variant === 'linear' ? guide : unit(Float64Array.from({ length: wDim }, () => grng.normal()))));
        for (let i = 0; i < M; i++) for (let d = 0; d < wDim; d++) end[i * wDim + d] = w0[i * wDim + d] + I * dirs[i][d];
        sample0 = (f) => w0.subarray(0, wDim).map((v, d) => v + f * I * dirs[0][d]);
      } else {
        const opts = (i: number): CurveTraversalOptions => ({
          intensity: I, guide, steps: P,
          guideMode: variant === 'departure' ? 'departure' : 'every-step',
          ...(variant === 'stochastic' ? { stochastic: { min: stochastic[0], max: stochastic[1], seed: o.seed + i } } : {}),
        });
        const cvs: CurveTraversal[] = Array.from({ length: M }, (_, i) => curveTraversalOfGenerator(g, z0(i), opts(i)));
        cvs.forEach((cv, i) => { end.set(cv.w.subarray((cv.points - 1) * wDim, cv.points * wDim), i * wDim); piecesSum += cv.points - 1; });
        // Similarity to the guide of every piece taken by it (a departure-only curve: the first piece; later ones follow their predecessor).
        const toGuide = (cv: CurveTraversal) => (variant === 'departure' ? cv.similarity.subarray(0, 1) : cv.similarity);
        similarity = cvs.reduce((acc, cv) => acc + toGuide(cv).reduce((a, v) => a + v, 0) / toGuide(cv).length, 0) / M;
        sample0 = (f) => pointAtLength(cvs[0], f * I);
      }
      const r = await read(end, M);
      let chord = 0, cos = 0;
      for (let i = 0; i < M; i++) {
        const delta = end.subarray(i * wDim, (i + 1) * wDim).map((v, d) => v - w0[i * wDim + d]);
        const len = Math.hypot(...delta);
        chord += len / M;
        cos += delta.reduce((a, v, d) => a + v * guide[d], 0) / (len * M);
      }
      rows.push({ variant, change: factorChanges(before, r.targets, M, layout.targets, groups!, target), fd: frechetDistance(ref, gauss(r, M)), chord, cosGuide: cos, pieces: piecesSum / M, similarity });
      const path = new Float64Array(GUIDED_FRAMES * wDim);
      for (let j = 0; j < GUIDED_FRAMES; j++) path.set(sample0(j / (GUIDED_FRAMES - 1)), j * wDim);
      frames.push(...(await framesOf(path, GUIDED_FRAMES)));
    }
    const baseM = fitGaussian(base.features.subarray(0, M * (base.features.length / n)), M, base.features.length / n);
    return {
      study: {
        target, count: M, level, pieces: P, stochastic: [stochastic[0] / R, stochastic[1] / R],
        guideFit: { low: md.low, high: md.high, samples: G },
        cosGlobal: { ganspace: [0, 1].map((k) => cosWith(gan.directions, k)), sefa: [0, 1].map((k) => cosWith(sefa.directions, k)) },
        targetSd: Math.sqrt(Math.max(0, m2 - m1 * m1)), baselineFd: frechetDistance(ref, baseM), floorFd: floorOf(M), rows,
      },
      frames,
    };
  }

  /** Images of `count` W rows (the figure's frames). */
  async function framesOf(w: Rows, count: number): Promise<Float32Array[]> {
    const t = tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(w), [count, wDim]), 'w'));
    const all = await t.data() as Float32Array;
    t.dispose();
    return Array.from({ length: count }, (_, i) => all.slice(i * per, (i + 1) * per));
  }
}

/** Frames per guided row of the figure (path positions 0, ¼, …, 1 of the intensity). */
export const GUIDED_FRAMES = 5;

/** The point of a curve after path length `s` (pieces' planned lengths), interpolated linearly within a piece. */
export function pointAtLength(cv: CurveTraversal, s: number): Float64Array {
  const { wDim } = cv;
  let acc = 0;
  for (let i = 0; i < cv.points - 1; i++) {
    const l = cv.stepLengths[i];
    if (s <= acc + l + 1e-12 || i === cv.points - 2) {
      const f = Math.min(1, Math.max(0, l > 0 ? (s - acc) / l : 1));
      return Float64Array.from({ length: wDim }, (_, d) => (1 - f) * cv.w[i * wDim + d] + f * cv.w[(i + 1) * wDim + d]);
    }
    acc += l;
  }
  return cv.w.slice(0, wDim);
}

/** One of the study's figures (rows × columns of images) as PNG bytes. */
export function figurePng(s: Pick<RobustnessStudy, 'imageShape' | 'range'>, fig: { images: Float32Array; rows: string[]; cols: number }, scale = 2): { data: Buffer; width: number; height: number } {
  const [h, w, c] = s.imageShape;
  return gridPng(fig.images, fig.rows.length * fig.cols, h, w, c, { cols: fig.cols, scale, range: s.range });
}

/** `atlas robustness`: the study as JSON (without images); --png writes the Fig. 3-like grid. */
export async function robustness(opts: Opts) {
  const g = await openModel(opts);
  try {
    const count = opts.int('count', 500, [4, 20_000]);
    const study = await robustnessStudy(g, {
      count, reference: opts.int('reference', 2000, [4, 50_000]), guideSamples: opts.int('guide-samples', 2000, [8, 50_000]),
      guidedCount: opts.int('guided-count', Math.min(300, count), [2, count]), seed: opts.int('seed', 0, [0, 2 ** 31]),
      log: (m) => process.stderr.write(`[robustness] ${m}\n`),
    });
    const png = opts.str('png');
    if (png) {
      const fs = await import('node:fs');
      fs.writeFileSync(png, figurePng(study, study.figure!).data);
    }
    const { figure: _f, guidedFigure: _gf, ...json } = study;
    return { ...json, ...(png ? { png } : {}) };
  } finally {
    g.dispose();
  }
}
