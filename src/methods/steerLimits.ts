/**
 * How far a learned walk steers (Jahanian et al., paper 004 §4, Eq. 3, B.2): for α across and beyond the
 * trained range, the distribution of the transformation the images actually show, against the one asked for;
 * where it stops following (saturates); the Fréchet distance of the walked images from the data (or, without
 * data, from the unwalked model) in the probe's feature space; and Δμ = |μ(+α*) − μ(−α*)| of the measured
 * factor beside the spread σ of that factor in the training data — known exactly on our procedural data.
 *
 * Measurements, per edit (each image against the same z's image at the identity α):
 * - shift-x / shift-y: the moments' centroid (px) and, on a shapes probe, its x / y read back to pixels;
 * - zoom: the radius of gyration (px) and the shapes probe's half-size (px); "achieved" is the size ratio
 *   s(α)/s(1), which an ideal zoom makes 1/α (α is the field of view);
 * - rotate: the moments' orientation (°, wrapped to ±90) and a faces probe's roll (°);
 * - color (brightness, one offset on all channels): the mean pixel value ([−1, 1] units).
 *
 * Saturation: walking out from the identity, the first α whose step moves the primary measure's mean by
 * less than a fifth of the first step's move (or backwards). Monotone: the mean moves strictly one way across
 * the trained range.
 */
import * as tf from '@tensorflow/tfjs';
import { FACTOR_RANGES } from '../data/shapes';
import { fitGaussian, frechetDistance, type Gaussian } from '../linalg/frechet';
import type { Generator } from '../model/generator';
import type { Probe } from '../model/probe';
import { checkpoint, type ComputeContext } from '../util/jobContext';
import { imageMoments } from './imageMoments';
import { identityOf, trainedRange, type SteerEdit } from './steerEdits';
import { walkImages, type SavedWalk } from './steerWalk';

/** A probe's target read back to physical units, for the edits it measures. */
interface ProbeReading { name: string; target: string; toUnits: (v: number, size: number) => number }

const standardisedBack = ([lo, hi]: readonly [number, number]) => (v: number) => (v * (hi - lo) + lo + hi) / 2;
const FACE_ROLL: readonly [number, number] = [-0.35, 0.35];

/** Probe readings per edit: only targets with a physical meaning the edit changes (shapes x, y, scale; faces roll). */
const PROBE_READINGS: Partial<Record<SteerEdit, ProbeReading>> = {
  'shift-x': { name: 'probe x (px)', target: 'x', toUnits: (v, d) => standardisedBack(FACTOR_RANGES.x)(v) * d },
  'shift-y': { name: 'probe y (px)', target: 'y', toUnits: (v, d) => standardisedBack(FACTOR_RANGES.y)(v) * d },
  zoom: { name: 'probe half-size (px)', target: 'scale', toUnits: (v, d) => standardisedBack(FACTOR_RANGES.scale)(v) * d },
  // The faces data's roll is clockwise-positive; the rotate edit turns counter-clockwise.
  rotate: { name: 'probe roll (°, ccw)', target: 'roll', toUnits: (v) => (-standardisedBack(FACE_ROLL)(v) * 180) / Math.PI },
};

const MOMENT_NAME: Record<SteerEdit, string> = {
  'shift-x': 'centroid x (px)', 'shift-y': 'centroid y (px)', zoom: 'radius of gyration (px)', rotate: 'orientation (°)', color: 'mean value',
};

/** How a measure's change is read: a difference, a ratio (zoom), or an angle difference wrapped to ±90°. */
type Change = 'difference' | 'ratio' | 'angle';
const changeOf = (edit: SteerEdit): Change => (edit === 'zoom' ? 'ratio' : edit === 'rotate' ? 'angle' : 'difference');

function change(kind: Change, v: number, v0: number): number {
  if (kind === 'ratio') return v / v0;
  if (kind === 'angle') return ((((v - v0 + 90) % 180) + 180) % 180) - 90;
  return v - v0;
}

/** The change an exact edit by α would make in the measure: α px, 1/α in size, α°, α in brightness. */
export function requestedChange(edit: SteerEdit, alpha: number): number {
  return edit === 'zoom' ? 1 / alpha : alpha;
}

/** The default α grid: the trained range and half as much again on each side, 13 points (zoom: geometric). */
export function defaultAlphas(edit: SteerEdit, size: number): number[] {
  const [lo, hi] = trainedRange(edit, size);
  if (edit === 'zoom') return Array.from({ length: 13 }, (_, i) => 2 ** (-3 + i / 2));
  const max = 1.5 * Math.max(-lo, hi);
  return Array.from({ length: 13 }, (_, i) => {
    const a = -max + (i * 2 * max) / 12;
    return edit === 'color' ? Math.round(a * 1000) / 1000 : Math.round(a);
  });
}

export interface MeasureStats {
  /** Mean, standard deviation, 10th and 90th percentile of the measure over the samples at this α. */
  mean: number;
  sd: number;
  p10: number;
  p90: number;
  /** Mean change against the same z at the identity (difference, ratio or angle). */
  change: number;
  /** Samples whose measure was defined (the moments need an object that differs from the border). */
  n: number;
}

export interface MeasureCurve {
  name: string;
  source: 'moments' | 'probe';
  perAlpha: MeasureStats[];
  /** Strictly monotone mean across the trained range, in the edit's direction. */
  monotone: boolean;
  /**
   * Strictly monotone between the two saturation points (the trained range's ends where it does not saturate):
   * a walk that follows until the data run out and then stays (or squeezes back a little at the border, the
   * paper's Fig. 1) is monotone to saturation but not over the whole trained range.
   */
  monotoneToSaturation: boolean;
  /** Pearson correlation of requested and achieved change over every sample in the trained range. */
  pearson: number;
  /** The α where the measure stops following, walking out each way (null: it never does on this grid). */
  saturation: { negative: number | null; positive: number | null };
  /** Δμ = |μ(+α*) − μ(−α*)| at the trained range's ends, and the data's and the unwalked model's σ of the same measure. */
  deltaMu: number;
  dataSd: number | null;
  /** σ of the factor in the data from its sampling range (uniform: width/√12), for probe measures of shapes. */
  exactDataSd: number | null;
  modelSd: number;
}

export interface SteerLimits {
  edit: SteerEdit;
  alphas: number[];
  requested: number[];
  /** α* (the trained range's ends) used for Δμ. */
  alphaStar: [number, number];
  measures: MeasureCurve[];
  /** Fréchet distance per α in the probe's feature space, from the data when given, else from the walk at the identity; null without probe features. */
  fd: number[] | null;
  fdReference: 'data' | 'model' | null;
  count: number;
  notes: string[];
}

export interface LimitsOptions {
  alphas?: number[];
  count: number;
  seed: number;
  /** Training-data images [count, H, W, C] in the model's range (for σ and the FD's reference). */
  data?: { images: Float32Array; count: number } | null;
}

const pearsonOf = (x: number[], y: number[]) => {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

function stats(values: number[], changes: number[]): MeasureStats {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const c = changes.filter(Number.isFinite);
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1));
  const q = (p: number) => v[Math.min(n - 1, Math.max(0, Math.round(p * (n - 1))))];
  return { mean, sd, p10: q(0.1), p90: q(0.9), change: c.reduce((s, x) => s + x, 0) / c.length, n };
}

/** The α where the mean stops following, outward from index `from` in steps of `dir`. */
function saturationFrom(alphas: number[], means: number[], from: number, dir: 1 | -1, sign: number): number | null {
  const first = (means[from + dir] - means[from]) * sign * dir;
  if (!(first > 0)) return alphas[from + dir] ?? null;
  for (let i = from + dir; i + dir >= 0 && i + dir < alphas.length; i += dir) {
    const step = (means[i + dir] - means[i]) * sign * dir;
    if (!(step > 0.2 * first)) return alphas[i];
  }
  return null;
}

/**
 * Whether the means move strictly one way (`sign` as α grows) over the grid points whose α lies in [from, to]
 * (alphas ascending; at least two points, else false).
 */
export function monotoneOver(alphas: readonly number[], means: readonly number[], from: number, to: number, sign: number): boolean {
  const inside = alphas.map((a, i) => ({ a, i })).filter(({ a }) => a >= from - 1e-9 && a <= to + 1e-9);
  if (inside.length < 2) return false;
  for (let j = 1; j < inside.length; j++) if (!((means[inside[j].i] - means[inside[j - 1].i]) * sign > 0)) return false;
  return true;
}

/** The direction a measure's mean should move as α grows: sizes shrink as zoom's field of view grows. */
export function editSign(edit: SteerEdit): 1 | -1 {
  return edit === 'zoom' ? -1 : 1;
}

/** monotoneOver between the saturation points, clipped to the trained range [lo, hi] (MeasureCurve.monotoneToSaturation). */
export function monotoneToSaturation(alphas: readonly number[], means: readonly number[], [lo, hi]: readonly [number, number],
  saturation: MeasureCurve['saturation'], edit: SteerEdit): boolean {
  return monotoneOver(alphas, means, Math.max(lo, saturation.negative ?? lo), Math.min(hi, saturation.positive ?? hi), editSign(edit));
}

/** Per-image measures [name → values] of images [n, H, W, C]. */
function measureImages(edit: SteerEdit, images: Float32Array, n: number, shape: readonly [number, number, number], range: readonly [number, number],
  probeOut: Float32Array | null, probeColumn: number, probeWidth: number): { moments: number[]; probe: number[] } {
  const [h, w, c] = shape;
  const moments: number[] = [], probe: number[] = [];
  const reading = PROBE_READINGS[edit];
  for (let i = 0; i < n; i++) {
    const m = imageMoments(images, i, h, w, c, range);
    moments.push(edit === 'shift-x' ? m.cx : edit === 'shift-y' ? m.cy : edit === 'zoom' ? m.size : edit === 'rotate' ? m.orientation : m.brightness);
    if (probeOut && reading) probe.push(reading.toUnits(probeOut[i * probeWidth + probeColumn], h));
  }
  return { moments, probe };
}

/** Measure a walk's limits (see the module comment). Leaves no tensor behind. */
export async function steerLimits(g: Generator, walk: SavedWalk, probe: Probe | null, opts: LimitsOptions, ctx?: ComputeContext): Promise<SteerLimits> {
  const edit = walk.edit;
  const shape = g.outputShape;
  const range = g.manifest.output.range;
  const alphas = opts.alphas ?? defaultAlphas(edit, shape[0]);
  if (!alphas.length || alphas.some((a) => !Number.isFinite(a) || (edit === 'zoom' && !(a > 0)))) throw new Error(edit === 'zoom' ? 'Zoom factors must be positive numbers.' : 'Every α must be a finite number.');
  if (!(Number.isInteger(opts.count) && opts.count >= 4 && opts.count <= 4096)) throw new Error(`Limits take 4 to 4096 samples per α, got ${String(opts.count)}.`);
  const notes: string[] = [];
  const reading = PROBE_READINGS[edit];
  const layout = probe?.manifest.layout;
  const targetIndex = layout && reading ? layout.targets.indexOf(reading.target) : -1;
  const probeColumn = targetIndex >= 0 ? layout!.targetOffset + targetIndex : -1;
  const width = layout?.width ?? 0;
  const useProbe = !!probe && probeColumn >= 0;
  if (probe && reading && !useProbe) notes.push(`The probe has no '${reading.target}' target; the moments alone measure ${edit}.`);
  const features = probe?.features ?? null;
  if (!features) notes.push('No Fréchet distance: the model has no probe with a feature layer.');
  const count = opts.count;
  const z = g.samplePrior(opts.seed, count);
  const identity = identityOf(edit);
  const all = [identity, ...alphas];
  const perAlpha: { moments: number[]; probe: number[] }[] = [];
  const featureSets: Gaussian[] = [];
  const chunk = 64;
  for (const a of all) {
    await checkpoint(ctx);
    const parts: { moments: number[]; probe: number[] } = { moments: [], probe: [] };
    const feats: number[] = [];
    let featDim = 0;
    for (let s = 0; s < count; s += chunk) {
      const b = Math.min(chunk, count - s);
      const images = walkImages(g, walk, z.subarray(s * g.zDim, (s + b) * g.zDim), b, [edit === 'color' ? a : a]);
      try {
        const data = images.dataSync() as Float32Array;
        let out: Float32Array | null = null;
        if (useProbe) {
          const p = probe!.apply(images);
          out = p.dataSync() as Float32Array;
          p.dispose();
        }
        const m = measureImages(edit, data, b, shape, range, out, probeColumn, width);
        parts.moments.push(...m.moments);
        parts.probe.push(...m.probe);
        if (features) {
          const f = features(images);
          featDim = f.shape[1];
          feats.push(...(f.dataSync() as Float32Array));
          f.dispose();
        }
      } finally {
        images.dispose();
      }
    }
    perAlpha.push(parts);
    if (features) featureSets.push(fitGaussian(feats, count, featDim));
    ctx?.progress?.('limits', perAlpha.length, all.length);
  }
  let fd: number[] | null = null;
  let fdReference: SteerLimits['fdReference'] = null;
  let dataMeasures: { moments: number[]; probe: number[] } | null = null;
  if (opts.data) {
    const { images, count: n } = opts.data;
    const t = tf.tensor4d(images, [n, ...shape]);
    try {
      let out: Float32Array | null = null;
      if (useProbe) {
        const p = probe!.apply(t);
        out = p.dataSync() as Float32Array;
        p.dispose();
      }
      dataMeasures = measureImages(edit, images, n, shape, range, out, probeColumn, width);
      if (features) {
        const f = features(t);
        const ref = fitGaussian(f.dataSync(), n, f.shape[1]);
        f.dispose();
        fd = featureSets.slice(1).map((s) => frechetDistance(s, ref));
        fdReference = 'data';
      }
    } finally {
      t.dispose();
    }
  } else if (features) {
    fd = featureSets.slice(1).map((s) => frechetDistance(s, featureSets[0]));
    fdReference = 'model';
  }
  const [lo, hi] = trainedRange(edit, shape[0]);
  const alphaStar: [number, number] = [lo, hi];
  const kind = changeOf(edit);
  const sign = editSign(edit);
  const trained = alphas.map((a, i) => ({ a, i })).filter(({ a }) => a >= lo - 1e-9 && a <= hi + 1e-9);
  const curve = (source: 'moments' | 'probe', name: string): MeasureCurve => {
    const base = perAlpha[0][source];
    const rows = perAlpha.slice(1).map((p) => stats(p[source], p[source].map((v, j) => change(kind, v, base[j]))));
    const means = rows.map((r) => r.mean);
    const monotone = monotoneOver(alphas, means, lo, hi, sign);
    const req: number[] = [], ach: number[] = [];
    for (const { a, i } of trained) {
      perAlpha[i + 1][source].forEach((v, j) => {
        const c = change(kind, v, base[j]);
        if (Number.isFinite(c)) {
          req.push(kind === 'ratio' ? Math.log(requestedChange(edit, a)) : requestedChange(edit, a));
          ach.push(kind === 'ratio' ? Math.log(c) : c);
        }
      });
    }
    // The identity's index in the grid (or the nearest α to it) anchors the walk outwards.
    const origin = alphas.reduce((best, a, i) => (Math.abs(a - identity) < Math.abs(alphas[best] - identity) ? i : best), 0);
    const at = (a: number) => alphas.reduce((best, x, i) => (Math.abs(x - a) < Math.abs(alphas[best] - a) ? i : best), 0);
    const dataVals = dataMeasures?.[source].filter(Number.isFinite) ?? null;
    const sdOf = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1));
    };
    const exact = source === 'probe' && reading
      ? (edit === 'zoom' ? (FACTOR_RANGES.scale[1] - FACTOR_RANGES.scale[0]) : edit === 'rotate' ? null : (FACTOR_RANGES.x[1] - FACTOR_RANGES.x[0])) : null;
    const saturation = { negative: saturationFrom(alphas, means, origin, -1, sign), positive: saturationFrom(alphas, means, origin, 1, sign) };
    return {
      name, source, perAlpha: rows, monotone, pearson: req.length > 2 ? pearsonOf(req, ach) : NaN,
      monotoneToSaturation: monotoneToSaturation(alphas, means, alphaStar, saturation, edit),
      saturation,
      deltaMu: Math.abs(means[at(hi)] - means[at(lo)]),
      dataSd: dataVals && dataVals.length > 1 ? sdOf(dataVals) : null,
      exactDataSd: exact !== null && g.manifest.probe?.startsWith('shapes') ? (exact * shape[0]) / Math.sqrt(12) : null,
      modelSd: sdOf(base.filter(Number.isFinite)),
    };
  };
  const measures = [curve('moments', MOMENT_NAME[edit])];
  if (useProbe) measures.push(curve('probe', reading!.name));
  return { edit, alphas, requested: alphas.map((a) => requestedChange(edit, a)), alphaStar, measures, fd, fdReference, count, notes };
}
