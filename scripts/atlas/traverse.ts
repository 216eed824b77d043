/**
 * traverse: a montage PNG of one direction of one basis at one position.
 *
 *   row 1: the straight move x + t·v (or, with --spherical, the great circle through z, Wang & Ponce
 *          footnote 1; Z only), t in K steps over [−T, T];
 *   row 2 (--curve N, style models): Choi et al.'s Iterative Curve-Traversal in W with N pieces each way, of
 *          the same W length T — unguided from Local Basis vector I for `local`, guided by the direction for
 *          the other bases (§3.4, every-step); frames are taken at the same |t| along the curve (Z linearly
 *          interpolated between the curve's points, then mapped).
 *
 * --layers coarse|middle|fine (W, style models) applies the move to those style layers only: each frame is
 * a w+ code with the moved w on the chosen layers and the start's w on the others (both rows).
 *
 * --frames DIR writes every frame as its own PNG as well (`<row>-NN.png`, NN the step, e.g. linear-00.png …),
 * the frames of an animation for a video tool (e.g. ffmpeg -i DIR/linear-%02d.png walk.webm).
 *
 * For `metric` the range is an IMAGE distance: T = R/√λ_I (eigenScaledSteps), so every eigenvector moves
 * the image by the same predicted RMS amount R (pixels scaled to [0, 1]) at the ends. For the other bases
 * R is the latent step T itself (unit directions).
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { writeGridPng, writeImagePng } from '../lib/png';
import { eigenScaledSteps, LAYER_RANGES, layerRange, linearPath, sphericalPath, wplusStep, type LayerRange } from '../../src/geometry/traversal';
import { curveTraversalOfGenerator, type CurveTraversal } from '../../src/geometry/curveTraversal';
import { DISTANCES, type DistanceName } from '../../src/distance';
import type { Generator } from '../../src/model/generator';
import { BASES, checkBasis, directionsAt, maxDirections, type BasisName, type Directions } from './bases';
import { defaultSpace, latentValues, openModel, UsageError, type Opts } from './common';

export interface TraverseOptions {
  seed: number;
  basis: BasisName;
  index: number;
  steps: number;
  range: number;
  space: 'z' | 'w';
  distance: DistanceName;
  spherical: boolean;
  /** Curve pieces per side (0: no curve row). */
  curve: number;
  /** Style layers the W move applies to (default all: a plain W move). */
  layers?: LayerRange;
  /** Where to write the montage (optional for in-process callers, who may take `images` instead). */
  png?: string;
  /** A folder for every frame as its own PNG, `<row>-NN.png`. */
  frames?: string;
  /** Return the frames as `images` (rows × steps images, [count, H, W, C] row-major). */
  keepImages?: boolean;
  /** Nearest-neighbour upscale of the PNG. Default 3. */
  scale?: number;
  averageSamples?: number;
}

export interface TraverseResult {
  model: string;
  basis: BasisName;
  space: 'z' | 'w';
  seed: number;
  index: number;
  /** The latent steps t of the frames. */
  t: number[];
  /** metric: λ_I and the predicted RMS image change at ±T (= range unless clamped). */
  eigenvalue?: number;
  predicted?: number;
  rows: string[];
  /** With --layers: the style-layer range [start, end) that moved, of `styleLayers`. */
  layers?: { range: LayerRange; start: number; end: number; styleLayers: number };
  curve?: { pieces: number; indices: number[][]; minSimilarity: number; wLength: number[] };
  notes: string[];
  png?: string;
  /** With --frames: the frame files written, row by row. */
  frames?: string[];
  images?: Float32Array;
  ms: number;
}

/** One PNG per frame, `<row>-NN.png` in `dir` (row names as files: 'curve (guided)' → curve-guided). */
function writeFrames(dir: string, all: Float32Array, rows: string[], K: number, shape: [number, number, number], scale: number, range: [number, number]): string[] {
  const [h, w, c] = shape;
  const size = h * w * c;
  const digits = String(K - 1).length < 2 ? 2 : String(K - 1).length;
  const files: string[] = [];
  rows.forEach((row, r) => {
    const stem = row.replace(/[^a-z]+/g, '-').replace(/-+$/, '');
    for (let f = 0; f < K; f++) {
      const file = path.resolve(dir, `${stem}-${String(f).padStart(digits, '0')}.png`);
      const k = r * K + f;
      writeImagePng(file, all.subarray(k * size, (k + 1) * size), h, w, c, { scale, range });
      files.push(file);
    }
  });
  return files;
}

/** Frames along a two-sided curve at latent steps ts: Z linearly interpolated between the curve's points. */
function framesOnCurve(plus: CurveTraversal, minus: CurveTraversal, ts: number[], T: number, zDim: number): Float64Array {
  const out = new Float64Array(ts.length * zDim);
  ts.forEach((t, f) => {
    const c = t >= 0 ? plus : minus;
    const pos = (Math.abs(t) / T) * (c.points - 1);
    const lo = Math.min(Math.floor(pos), c.points - 1), hi = Math.min(lo + 1, c.points - 1), a = pos - lo;
    for (let i = 0; i < zDim; i++) out[f * zDim + i] = (1 - a) * c.z[lo * zDim + i] + a * c.z[hi * zDim + i];
  });
  return out;
}

function layerSpan(styleLayers: number, range: LayerRange): NonNullable<TraverseResult['layers']> {
  const [start, end] = layerRange(styleLayers, range);
  return { range, start, end, styleLayers };
}

/** Frames from `count` latents in `space`; with a layer range, W latents become w+ codes moved on those layers only. */
function render(g: Generator, latents: Float64Array, count: number, space: 'z' | 'w', restrict?: { base: Float64Array; range: LayerRange }): Float32Array {
  const n = latents.length / count;
  if (!restrict) return tf.tidy(() => g.generate(tf.tensor2d(Float32Array.from(latents), [count, n]), space).dataSync() as Float32Array);
  const shape = { layers: g.styleLayers!, wDim: n };
  const codes = new Float32Array(count * shape.layers * n);
  for (let f = 0; f < count; f++) {
    const w = latents.subarray(f * n, (f + 1) * n);
    const offset = Float64Array.from(w, (v, i) => v - restrict.base[i]);
    codes.set(wplusStep(restrict.base, offset, 1, shape, restrict.range), f * shape.layers * n);
  }
  return tf.tidy(() => g.generate(tf.tensor3d(codes, [count, shape.layers, n]), 'wplus').dataSync() as Float32Array);
}

export async function traverseStudy(g: Generator, o: TraverseOptions): Promise<TraverseResult> {
  const t0 = performance.now();
  checkBasis(g, o.basis, o.space);
  const kMax = maxDirections(g, o.basis, o.space);
  if (o.index < 0 || o.index >= kMax) throw new UsageError(`--index must be between 0 and ${kMax - 1} for basis ${o.basis}`);
  if (o.spherical && o.space !== 'z') throw new UsageError('--spherical moves on the prior\'s sphere in Z; use it with --space z (or a z-space model)');
  if (o.curve > 0 && !g.isStyleBased) throw new UsageError(`--curve walks the mapping network's image in W; ${g.manifest.id} is a z-space generator`);
  if (o.curve > 0 && o.space !== 'w') throw new UsageError('--curve needs the direction in W (--space w)');
  const layers = o.layers ?? 'all';
  if (layers !== 'all' && (!g.isStyleBased || o.space !== 'w' || !g.styleLayers || g.styleLayers < 2)) {
    throw new UsageError('--layers restricts a W move to some style layers; use it with --space w on a style model with W+ input');
  }
  const ctx = { g, space: o.space, distance: o.distance, k: o.index + 1, averageSamples: o.averageSamples ?? 8, averageSeed: 1000 };
  const dirs: Directions = await directionsAt(ctx, o.basis, o.seed, new Map());
  const n = dirs.n;
  const v = dirs.directions.slice(o.index * n, (o.index + 1) * n);
  let T = o.range, eigenvalue: number | undefined, predicted: number | undefined;
  if (o.basis === 'metric') {
    const s = eigenScaledSteps(dirs.values, o.range);
    T = s.steps[o.index];
    eigenvalue = dirs.values[o.index];
    predicted = s.predicted[o.index];
  }
  const K = o.steps;
  const ts = Array.from({ length: K }, (_, i) => (K === 1 ? 0 : -T + (2 * T * i) / (K - 1)));
  const x0 = latentValues(g, o.seed, o.space);
  const line = o.spherical ? sphericalPath(x0, v, ts) : linearPath(x0, v, ts);
  const restrict = layers === 'all' ? undefined : { base: x0, range: layers };
  const frames: Float32Array[] = [render(g, line, K, o.space, restrict)];
  const rowNames = [o.spherical ? 'spherical' : 'linear'];
  let curve: TraverseResult['curve'];
  if (o.curve > 0) {
    const z = g.samplePrior(o.seed, 1);
    const common = { intensity: T, steps: o.curve, ...(o.basis === 'local' ? { index: o.index } : { guide: v }) };
    const plus = curveTraversalOfGenerator(g, z, { ...common, sign: 1 });
    const minus = curveTraversalOfGenerator(g, z, { ...common, sign: -1 });
    const zs = framesOnCurve(plus, minus, ts, T, g.zDim);
    const ws = tf.tidy(() => g.mapZ(tf.tensor2d(Float32Array.from(zs), [K, g.zDim])).dataSync() as Float32Array);
    frames.push(render(g, Float64Array.from(ws), K, 'w', restrict));
    rowNames.push(o.basis === 'local' ? 'curve' : 'curve (guided)');
    curve = {
      pieces: o.curve,
      indices: [Array.from(minus.indices), Array.from(plus.indices)],
      minSimilarity: Math.min(...plus.similarity, ...minus.similarity),
      wLength: [minus.wLength, plus.wLength],
    };
  }
  const [h, w, c] = g.outputShape;
  const all = new Float32Array(frames.length * K * h * w * c);
  frames.forEach((f, r) => all.set(f, r * K * h * w * c));
  if (o.png) writeGridPng(o.png, all, frames.length * K, h, w, c, { cols: K, scale: o.scale ?? 3, range: g.manifest.output.range });
  const frameFiles = o.frames ? writeFrames(o.frames, all, rowNames, K, [h, w, c], o.scale ?? 3, g.manifest.output.range) : undefined;
  return {
    model: g.manifest.id, basis: o.basis, space: o.space, seed: o.seed, index: o.index, t: ts,
    ...(eigenvalue !== undefined ? { eigenvalue, predicted } : {}),
    rows: rowNames, ...(curve ? { curve } : {}), notes: dirs.notes,
    ...(restrict ? { layers: layerSpan(g.styleLayers!, layers) } : {}),
    ...(o.png ? { png: path.resolve(o.png) } : {}), ...(frameFiles ? { frames: frameFiles } : {}), ...(o.keepImages ? { images: all } : {}), ms: performance.now() - t0,
  };
}

export async function traverse(opts: Opts) {
  const seed = opts.int('seed');
  const basis = opts.choice('basis', BASES);
  const index = opts.int('index', 0, [0, 100_000]);
  const steps = opts.int('steps', 7, [1, 64]);
  const range = opts.num('range', undefined, [0, 1e6]);
  const curve = opts.int('curve', 0, [0, 1000]);
  const png = opts.str('png');
  const frames = opts.str('frames');
  if (!png && !frames) throw new UsageError('traverse writes a montage (--png FILE), its frames (--frames DIR), or both');
  const distance = opts.choice('distance', DISTANCES, 'mse');
  const averageSamples = opts.int('samples', 8, [1, 1000]);
  const scale = opts.int('scale', 3, [1, 16]);
  const g = await openModel(opts);
  try {
    const space = opts.choice('space', ['z', 'w'] as const, defaultSpace(g));
    const layers = opts.choice('layers', LAYER_RANGES, 'all');
    return await traverseStudy(g, { seed, basis, index, steps, range, space, distance, spherical: opts.flag('spherical'), curve, layers, png, frames, scale, averageSamples });
  } finally {
    g.dispose();
  }
}
