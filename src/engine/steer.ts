/**
 * The steering jobs (orchestration; the math is src/methods/steerEdits.ts, steerWalk.ts, steerLimits.ts and
 * steerMatch.ts): `steer` trains a walk, streaming its loss curve and a preview strip; `steerApply` renders a
 * walk at α values from a latent (the panel's slider); `steerLimits` measures how far it steers and which
 * unsupervised direction it resembles. Request and result types live here, beside their compute functions
 * (types.ts is long enough); the app imports them as types only.
 */
import * as tf from '@tensorflow/tfjs';
import { facesBatch } from '../data/faces';
import { shapesBatch } from '../data/shapes';
import { GLOBAL_DIRECTIONS } from '../geometry/bases';
import { checkEdit, identityOf, trainedRange, type SteerEdit } from '../methods/steerEdits';
import { defaultAlphas, steerLimits, type SteerLimits } from '../methods/steerLimits';
import { matchUnsupervised, walkDirection, type DirectionMatch } from '../methods/steerMatch';
import { referenceOf } from '../geometry/bases';
import { factorGroupsOf } from '../geometry/factorGroups';
import { computeFactors } from './factors';
import { MAX_STEER_STEPS, parseWalk, STEER_DEFAULTS, trainWalk, walkImages, type SavedWalk, type SteerAlpha, type SteerLoss, type WalkKind, type WalkSpace } from '../methods/steerWalk';
import type { Generator } from '../model/generator';
import type { Probe } from '../model/probe';
import { cacheOf } from './basis';
import type { JobContext, JobResources } from './jobContext';
import { zOf } from './latent';
import { checkInt, checkSeed } from './requests';
import { meanW } from './truncation';
import type { LatentSpec } from './types';

export type { SavedWalk, SteerEdit, SteerLimits, DirectionMatch, WalkKind };

export interface SteerRequest {
  edit: SteerEdit;
  walk: WalkKind;
  /** Adam steps (default 2000). */
  steps?: number;
  /** Learning rate (default 1e-3; the paper's 1e-4 learns slowly at these step counts). */
  lr?: number;
  loss?: SteerLoss;
  /** Z, or W for a style model (the default there, as the paper's StyleGAN walks). */
  space?: WalkSpace;
  seed?: number;
  /** The latent the preview strip starts from (default seed 0). */
  latent?: LatentSpec;
}

/** What a training job streams and ends with. */
export interface SteerProgress {
  step: number;
  steps: number;
  /** Loss at every step so far. */
  losses: number[];
  /** The preview strip: G(walk(latent, α)) at previewAlphas, RGBA side by side (one image after another). */
  previewRgba: Uint8ClampedArray | null;
  previewAlphas: number[];
}

export interface SteerResult extends SteerProgress {
  walk: SavedWalk;
  seconds: number;
  notes: string[];
}

export interface SteerApplyRequest {
  walk: SavedWalk;
  latent: LatentSpec;
  alphas: SteerAlpha[];
}

export interface SteerApplyResult {
  /** One image per α, RGBA, one after another. */
  rgba: Uint8ClampedArray;
  alphas: SteerAlpha[];
  height: number;
  width: number;
}

export interface SteerLimitsRequest {
  walk: SavedWalk;
  /** Samples per α (default 64). */
  count?: number;
  seed?: number;
  alphas?: number[];
  /** Also compare a linear walk with the unsupervised bases at this latent (default: seed 0). */
  match?: boolean;
  latent?: LatentSpec;
}

export interface SteerLimitsResult extends SteerLimits {
  matches: DirectionMatch[] | null;
  /** Which factor of the data the walk's own direction moves most at the latent, read by the probe (linear walks, probes with factors). */
  walkFactor: { factor: string; share: number } | null;
  /** Which data set the σ and FD come from, when the model's probe names one. */
  data: 'shapes' | 'faces' | null;
}

/** Preview α: five points across the trained range (zoom: geometric). */
export function previewAlphas(edit: SteerEdit, size: number): number[] {
  const [lo, hi] = trainedRange(edit, size);
  if (edit === 'zoom') return [lo, Math.sqrt(lo), 1, Math.sqrt(hi), hi];
  return [lo, lo / 2, identityOf(edit), hi / 2, hi];
}

/** The procedural data a model was trained on, named by its probe (shapes-probe, faces-probe), if any. */
export function dataSourceOf(g: Generator): 'shapes' | 'faces' | null {
  const p = g.manifest.probe ?? '';
  return p.startsWith('shapes') ? 'shapes' : p.startsWith('faces') ? 'faces' : null;
}

/** `count` training images of the model's procedural data at its size and range, or null. */
export function dataImages(g: Generator, count: number, seed: number): { images: Float32Array; count: number } | null {
  const source = dataSourceOf(g);
  const [h, w, c] = g.outputShape;
  if (!source || h !== w || c !== 3) return null;
  const images = source === 'shapes' ? shapesBatch(seed, count, h).images : facesBatch(seed, count, h).images;
  const [lo, hi] = g.manifest.output.range;
  // The renderers draw in [−1, 1]; map to the model's range.
  if (lo !== -1 || hi !== 1) for (let i = 0; i < images.length; i++) images[i] = lo + ((images[i] + 1) / 2) * (hi - lo);
  return { images, count };
}

async function rgbaOf(g: Generator, images: tf.Tensor4D): Promise<Uint8ClampedArray> {
  try {
    return await g.toRGBA(images);
  } finally {
    images.dispose();
  }
}

export async function computeSteer(g: Generator, req: SteerRequest, ctx: JobContext): Promise<SteerResult> {
  const t0 = performance.now();
  const edit = checkEdit(req.edit);
  const steps = checkInt(req.steps ?? STEER_DEFAULTS.steps, 1, MAX_STEER_STEPS, 'The number of training steps');
  const seed = checkSeed(req.seed ?? STEER_DEFAULTS.seed);
  const space: WalkSpace = req.space ?? (g.isStyleBased ? 'w' : 'z');
  const z0 = zOf(g, req.latent ?? { seed: 0 });
  const size = g.outputShape[0];
  const alphas = previewAlphas(edit, size);
  const notes: string[] = [];
  let last = 0, lastPreview = -Infinity;
  let previewRgba: Uint8ClampedArray | null = null;
  const { walk, history } = await trainWalk(g, {
    edit, kind: req.walk, space, steps, seed, lr: req.lr ?? STEER_DEFAULTS.lr, loss: req.loss ?? STEER_DEFAULTS.loss,
    ...(req.walk === 'nonlinear' && space === 'w' ? { centre: meanW(g) } : {}),
  }, ctx, async (h, current) => {
    const now = performance.now();
    const done = h.length === steps;
    // Stream at most ~3 updates a second, a new preview at most once a second: the curve, not every number, matters.
    if (!done && now - last < 300) return;
    last = now;
    if (now - lastPreview > 1000 || done) {
      lastPreview = now;
      previewRgba = await rgbaOf(g, walkImages(g, current(), z0, 1, alphas));
    }
    const partial: SteerProgress = { step: h.length, steps, losses: h.map((s) => s.loss), previewRgba: previewRgba ? previewRgba.slice() : null, previewAlphas: alphas };
    ctx.progress('training the walk', h.length, steps, partial);
  });
  if (!previewRgba || history.length < steps) previewRgba = await rgbaOf(g, walkImages(g, walk, z0, 1, alphas));
  notes.push(`${req.walk === 'linear' ? 'Linear' : 'Non-linear'} ${edit} walk in ${space.toUpperCase()}, ${steps} Adam steps at lr ${walk.training.lr}, batch 4, ${walk.training.loss} loss.`);
  return {
    walk, step: history.length, steps, losses: history.map((s) => s.loss), previewRgba, previewAlphas: alphas,
    seconds: (performance.now() - t0) / 1000, notes,
  };
}

export async function computeSteerApply(g: Generator, req: SteerApplyRequest, ctx: JobContext): Promise<SteerApplyResult> {
  const walk = parseWalk(req.walk, g);
  if (!Array.isArray(req.alphas) || req.alphas.length < 1 || req.alphas.length > 64) throw new Error('Give 1 to 64 α values.');
  for (const a of req.alphas) {
    const ok = typeof a === 'number' ? Number.isFinite(a) : Array.isArray(a) && a.length === 3 && a.every(Number.isFinite);
    if (!ok) throw new Error('Every α must be a finite number (colour: a number or three offsets).');
    if (walk.edit === 'zoom' && !((a as number) > 0)) throw new Error('A zoom factor must be positive.');
  }
  const z = zOf(g, req.latent);
  await ctx.checkpoint();
  const rgba = await rgbaOf(g, walkImages(g, walk, z, 1, req.alphas));
  return { rgba, alphas: req.alphas, height: g.outputShape[0], width: g.outputShape[1] };
}

export async function computeSteerLimits(g: Generator, req: SteerLimitsRequest, ctx: JobContext, resources: JobResources): Promise<SteerLimitsResult> {
  const walk = parseWalk(req.walk, g);
  const count = checkInt(req.count ?? 64, 4, 4096, 'The number of samples per α');
  const seed = checkSeed(req.seed ?? 1);
  let probe: Probe | null = null;
  const notes: string[] = [];
  if (g.manifest.probe) {
    try {
      ctx.progress('loading the probe', 0, 1);
      probe = await resources.probe();
    } catch (e) {
      notes.push(`Without the probe (${(e as Error).message}): moments only, no Fréchet distance.`);
    }
  }
  const data = dataImages(g, 256, 0x57ee5);
  const limits = await steerLimits(g, walk, probe, { count, seed, alphas: req.alphas ?? defaultAlphas(walk.edit, walk.size), data }, ctx);
  let matches: DirectionMatch[] | null = null;
  let walkFactor: SteerLimitsResult['walkFactor'] = null;
  if (req.match !== false && walk.kind === 'linear') {
    ctx.progress('matching unsupervised directions', 0, 1);
    const z = zOf(g, req.latent ?? { seed: 0 });
    matches = await matchUnsupervised(g, walk, z, Math.min(walk.dim, GLOBAL_DIRECTIONS), ctx, cacheOf(g));
    const factors = await directionFactors(g, walk, z, matches, probe, ctx);
    walkFactor = factors;
  }
  return { ...limits, notes: [...notes, ...limits.notes], matches, walkFactor, data: data ? dataSourceOf(g) : null };
}

/**
 * The factor the walk's direction and each matched basis direction move most at latent z (engine/factors.ts:
 * the probe's target rates per unit image change, grouped into factors). Fills `matches[i].factor`; returns the
 * walk's. Null without a probe that reads factors.
 */
export async function directionFactors(g: Generator, walk: SavedWalk, z: Float32Array, matches: DirectionMatch[], probe: Probe | null, ctx: JobContext): Promise<{ factor: string; share: number } | null> {
  if (!probe || !factorGroupsOf(probe.manifest.layout.targets)) return null;
  const shown = matches.filter((m) => m.direction);
  const directions = [Array.from(walkDirection(walk)), ...shown.map((m) => m.direction!)];
  const r = await computeFactors(g, { basisSpace: walk.space, reference: Array.from(referenceOf(g, z, walk.space)), directions }, ctx, { probe: async () => probe });
  shown.forEach((m, i) => { m.factor = r.labels[i + 1]; });
  return r.labels[0];
}
