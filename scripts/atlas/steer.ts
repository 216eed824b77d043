/**
 * steer, steer-apply, steer-limits: Jahanian et al.'s learned walks (paper 004) on the code the app's Steer panel
 * runs (src/methods/steerWalk.ts, steerLimits.ts, steerMatch.ts).
 * - steer: train a walk; the JSON is the saved walk (linear: `direction`, or colour's three `directions`;
 *   non-linear: the two networks' weights) plus its loss curve and a held-out loss before and after;
 * - steer-apply: a walk's frames from one seed at α values: `{latents, shape, outputs}` like `generate`, the
 *   latents in the walk's space so that `atlas generate --latents F --space z|w` redraws them;
 * - steer-limits: requested vs achieved per α, saturation, FD per α, Δμ against the data's σ; `--control
 *   random` replaces the walk's direction with a random one of the same length (the control for findings).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dataImages, directionFactors } from '../../src/engine/steer';
import { quietContext } from '../../src/util/jobContext';
import { meanW } from '../../src/engine/truncation';
import { GLOBAL_DIRECTIONS } from '../../src/geometry/bases';
import { sampleAlpha, STEER_EDITS } from '../../src/methods/steerEdits';
import { steerLimits } from '../../src/methods/steerLimits';
import { matchUnsupervised } from '../../src/methods/steerMatch';
import { MAX_STEER_STEPS, parseWalk, STEER_LOSSES, trainWalk, walkImages, walkLatents, walkLoss, startLatents, WALK_KINDS, type SavedWalk } from '../../src/methods/steerWalk';
import type { Generator } from '../../src/model/generator';
import { Rng } from '../../src/util/random';
import { writeGridPng } from '../lib/png';
import { openModel, UsageError, type Opts } from './common';
import { probeOf } from './search';

const EDIT_NAMES = [...STEER_EDITS, 'shiftx', 'shifty'] as const;
const editOf = (opts: Opts) => {
  const e = opts.choice('edit', EDIT_NAMES);
  return e === 'shiftx' ? 'shift-x' : e === 'shifty' ? 'shift-y' : e;
};

/** A held-out masked L2 on 32 fixed samples and α draws (seeded apart from training's). */
function heldOut(g: Generator, walk: SavedWalk): number {
  const rng = new Rng(0xbeef);
  const alphas = Array.from({ length: 32 }, () => sampleAlpha(walk.edit, walk.size, rng));
  return walkLoss(g, walk, g.samplePrior(0xbeef, 32), alphas);
}

export async function steer(opts: Opts) {
  const g = await openModel(opts);
  try {
    const edit = editOf(opts);
    const kind = opts.choice('walk', WALK_KINDS, 'linear');
    const space = opts.choice('space', ['z', 'w'] as const, g.isStyleBased ? 'w' : 'z');
    if (space === 'w' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no W space (it is a z-space generator)`);
    const steps = opts.int('steps', 2000, [1, MAX_STEER_STEPS]);
    const lr = opts.num('lr', 1e-3, [1e-7, 1]);
    const loss = opts.choice('loss', STEER_LOSSES, 'l2');
    const seed = opts.int('seed', 1);
    const centre = kind === 'nonlinear' && space === 'w' ? meanW(g) : undefined;
    const t0 = performance.now();
    const first = (await trainWalk(g, { edit, kind, space, steps: 1, lr, loss, seed, centre })).walk;
    const { walk, history } = await trainWalk(g, { edit, kind, space, steps, lr, loss, seed, centre });
    const seconds = (performance.now() - t0) / 1000;
    const every = Math.max(1, Math.floor(steps / 200));
    const result = {
      ...walk, heldOutLoss: { afterOneStep: heldOut(g, first), final: heldOut(g, walk) },
      curve: { every, loss: history.filter((_, i) => i % every === 0).map((s) => s.loss) }, seconds,
    };
    // The caller writes --out; make sure its folder exists.
    if (opts.has('out')) fs.mkdirSync(path.dirname(path.resolve(opts.str('out')!)), { recursive: true });
    return result;
  } finally {
    g.dispose();
  }
}

function readWalk(g: Generator, file: string): SavedWalk {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--walk ${file}: ${(e as Error).message}`);
  }
  try {
    return parseWalk(json, g);
  } catch (e) {
    throw new UsageError(`--walk ${file}: ${(e as Error).message}`);
  }
}

function alphaList(text: string, edit: string): number[] {
  const alphas = text.split(',').map((s) => Number(s.trim()));
  if (!alphas.length || alphas.length > 64 || alphas.some((a) => !Number.isFinite(a))) throw new UsageError('--alphas must be 1 to 64 comma-separated numbers');
  if (edit === 'zoom' && alphas.some((a) => !(a > 0))) throw new UsageError('--alphas: zoom factors must be positive');
  return alphas;
}

export async function steerApply(opts: Opts) {
  const g = await openModel(opts);
  try {
    const walk = readWalk(g, opts.required('walk'));
    const seed = opts.int('seed', 0);
    const alphas = alphaList(opts.required('alphas'), walk.edit);
    const z = g.samplePrior(seed, 1);
    const latents = tf.tidy(() => walkLatents(walk, startLatents(g, walk.space, z, 1), alphas));
    const images = tf.tidy(() => g.generate(latents, walk.space));
    const [b, h, w, c] = images.shape;
    const data = images.dataSync() as Float32Array;
    if (opts.has('png')) writeGridPng(opts.str('png')!, data, b, h, w, c, { cols: b, range: g.manifest.output.range, scale: 4 });
    const rowsOf = Array.from({ length: b }, (_, i) => Array.from(latents.dataSync().subarray(i * walk.dim, (i + 1) * walk.dim)));
    tf.dispose([latents, images]);
    return { model: g.manifest.id, edit: walk.edit, walk: walk.kind, space: walk.space, seed, alphas, latents: rowsOf, shape: [b, h, w, c], outputs: Array.from(data) };
  } finally {
    g.dispose();
  }
}

/** The control: the walk with each direction replaced by a random one of the same length. */
function randomControl(walk: SavedWalk, seed: number): SavedWalk {
  if (walk.kind !== 'linear') throw new UsageError('--control random needs a linear walk');
  const rng = new Rng(seed);
  const directions = walk.directions!.map((d) => {
    const r = rng.normals(d.length);
    const scale = Math.hypot(...d) / Math.hypot(...r);
    return Array.from(r, (v) => v * scale);
  });
  return { ...walk, directions, ...(directions.length === 1 ? { direction: directions[0] } : {}), name: 'random control' };
}

export async function steerLimitsCommand(opts: Opts) {
  const g = await openModel(opts);
  let probe = null;
  try {
    let walk = readWalk(g, opts.required('walk'));
    const control = opts.choice('control', ['none', 'random'] as const, 'none');
    if (control === 'random') walk = randomControl(walk, opts.int('control-seed', 1));
    const count = opts.int('count', 64, [4, 4096]);
    const seed = opts.int('seed', 1);
    const alphas = opts.has('alphas') ? alphaList(opts.str('alphas')!, walk.edit) : undefined;
    probe = g.manifest.probe ? await probeOf(g) : null;
    const data = dataImages(g, 512, 0x57ee5);
    const t0 = performance.now();
    const limits = await steerLimits(g, walk, probe, { count, seed, alphas, data });
    const matches = walk.kind === 'linear' && opts.choice('match', ['yes', 'no'] as const, 'yes') === 'yes' ? await matchUnsupervised(g, walk, g.samplePrior(0, 1), Math.min(walk.dim, GLOBAL_DIRECTIONS)) : null;
    const walkFactor = matches ? await directionFactors(g, walk, g.samplePrior(0, 1), matches, probe, quietContext()) : null;
    if (opts.has('png')) {
      const show = limits.alphas.slice(0, 13);
      const images = walkImages(g, walk, g.samplePrior(seed, 4), 4, show);
      const [b, h, w, c] = images.shape;
      // α-major rows → one row per sample, α across.
      const data2 = new Float32Array(b * h * w * c);
      const src = images.dataSync();
      for (let s = 0; s < 4; s++) for (let a = 0; a < show.length; a++) data2.set(src.subarray((a * 4 + s) * h * w * c, (a * 4 + s + 1) * h * w * c), (s * show.length + a) * h * w * c);
      writeGridPng(opts.str('png')!, data2, b, h, w, c, { cols: show.length, range: g.manifest.output.range, scale: 3 });
      images.dispose();
    }
    return { model: g.manifest.id, walk: walk.kind, control, ...limits, matches, walkFactor, seconds: (performance.now() - t0) / 1000 };
  } finally {
    probe?.dispose();
    g.dispose();
  }
}
