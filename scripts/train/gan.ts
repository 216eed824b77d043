/**
 * GAN training loop shared by the bundled generators: non-saturating loss with a lazy R1 penalty, Adam
 * (β1 = 0, β2 = 0.99), an exponential moving average of G's weights (the shipped model), style mixing
 * for style-based models, checkpoints every `checkpointEvery` steps, and the best EMA checkpoint by the
 * probe's Fréchet distance exported to public/models/<id>/.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../../src/util/random';
import { buildDcganGenerator, buildDiscriminator, buildEncoder, buildMapping, buildSynthesis, styleLayerCount } from './architectures';
import { openStream } from './data';
import { loadCheckpoint, loadLayersModelFromDir, saveCheckpoint } from '../lib/modelio';
import { progressLine } from './progress';
import { frechetDistance, gaussianOf, probeFeatures, readProbe } from './quality';
import { SHAPE_CLASSES } from '../../src/data/shapes';
import type { GanRecipe } from './recipes';
import { writeGridPng } from '../lib/png';
import { exportGan } from './export';
import { anchorTerms } from './anchor';

export interface GanNetworks {
  /** Style models: mapping and synthesis; z-space models: generator only. */
  mapping?: tf.LayersModel;
  synthesis?: tf.LayersModel;
  generator?: tf.LayersModel;
}

export function buildGenerator(r: GanRecipe): GanNetworks {
  if (r.kind === 'style') return { mapping: buildMapping(r.spec), synthesis: buildSynthesis(r.spec) };
  return { generator: buildDcganGenerator(r.spec) };
}

export function generatorModels(n: GanNetworks): tf.LayersModel[] {
  return [n.mapping, n.synthesis, n.generator].filter((m): m is tf.LayersModel => !!m);
}

/** G(z) for training; style models optionally mix two w's at a random crossover layer. */
function generate(r: GanRecipe, n: GanNetworks, z: tf.Tensor2D, mix?: { z2: tf.Tensor2D; cut: number }): tf.Tensor4D {
  if (r.kind === 'dcgan') return n.generator!.apply(z) as tf.Tensor4D;
  const L = styleLayerCount(r.spec);
  const w = n.mapping!.apply(z) as tf.Tensor2D;
  let wplus: tf.Tensor = tf.tile(w.expandDims(1), [1, L, 1]);
  if (mix) {
    const w2 = n.mapping!.apply(mix.z2) as tf.Tensor2D;
    const b = w.shape[0];
    wplus = tf.concat([tf.tile(w.expandDims(1), [1, mix.cut, 1]), tf.tile(w2.expandDims(1), [1, L - mix.cut, 1])], 1).reshape([b, L, r.spec.wDim]);
  }
  return n.synthesis!.apply(wplus) as tf.Tensor4D;
}

/** Inference G(z) in chunks for evaluation (no mixing). */
export function sampleImages(r: GanRecipe, n: GanNetworks, zs: Float32Array, count: number): Float32Array {
  const zDim = r.spec.zDim;
  const per = r.size * r.size * r.channels;
  const out = new Float32Array(count * per);
  for (let i = 0; i < count; i += 200) {
    const m = Math.min(200, count - i);
    const img = tf.tidy(() => generate(r, n, tf.tensor2d(zs.subarray(i * zDim, (i + m) * zDim), [m, zDim])));
    out.set(img.dataSync() as Float32Array, i * per);
    img.dispose();
  }
  return out;
}

const softplus = (x: tf.Tensor) => tf.softplus(x);
/** Adam's (β1, β2) for G and D: no momentum, as in StyleGAN2 (docs-models quotes them). */
export const ADAM_BETAS = [0, 0.99] as const;
/** Added to the FD of a checkpoint that leaves a shape class under 10 %, so covering ones always rank first. */
const COVERAGE_PENALTY = 1e6;

/**
 * Whether a checkpoint covers every shape class: its rarest class (probe's argmax over `samples` images)
 * is ≥ 10 % even two standard errors below the estimate. The estimate alone is not enough: a checkpoint
 * picked at 10.1 % on 1,000 samples read 8.5 % on docs-models' fresh 2,000.
 */
export function coversClasses(rarestClass: number, samples: number): boolean {
  return rarestClass - 2 * Math.sqrt((rarestClass * (1 - rarestClass)) / samples) >= 0.1;
}

/** A checkpoint's rank (lower is better): its FD, after every checkpoint that covers the classes if it does not. */
function rankOf(e: { fid: number; rarestClass?: number }, samples: number): number {
  return e.fid + (e.rarestClass !== undefined && !coversClasses(e.rarestClass, samples) ? COVERAGE_PENALTY : 0);
}

export async function trainGan(r: GanRecipe, opts: { maxMinutes: number; checkpointDir: string; outDir: string; evalCount: number; checkpointEvery: number }): Promise<void> {
  const data = openStream(r.data, r.seed, r.size);
  const nets = buildGenerator(r);
  const ema = buildGenerator(r);
  const D = buildDiscriminator(r.size, r.channels, r.dWidth);
  const E = r.anchor ? buildEncoder(r.size, r.channels, r.dWidth, r.spec.zDim) : null;
  const eVars = E ? E.trainableWeights.map((w) => w.read() as tf.Variable) : [];
  const gModels = generatorModels(nets);
  const emaModels = generatorModels(ema);
  const gVars = gModels.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const emaVars = emaModels.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  emaVars.forEach((v, i) => v.assign(gVars[i]));
  const gOpt = tf.train.adam(r.lr, ...ADAM_BETAS, 1e-8);
  const dOpt = tf.train.adam(r.lr, ...ADAM_BETAS, 1e-8);
  // Two checkpoints: `last` (everything, incl. Adam's moments: exact resumption, kept locally) and
  // `resume` (weights, EMA and state only: a third of the size, committed so that a later session on a
  // fresh machine can continue; Adam restarts from zero moments there).
  const ckpt = path.join(opts.checkpointDir, r.id, 'last');
  const slimCkpt = path.join(opts.checkpointDir, r.id, 'resume');
  const state = { step: 0, seconds: 0, bestFid: Infinity, bestStep: -1, history: [] as { step: number; fid: number; rarestClass?: number }[], losses: { d: 0, g: 0, r1: 0, rec: 0 } };

  const restored = loadCheckpoint(ckpt) ?? loadCheckpoint(slimCkpt);
  if (restored) {
    const t = restored.tensors;
    gVars.forEach((v, i) => v.assign(t[`g/${i}`]));
    dVars.forEach((v, i) => v.assign(t[`d/${i}`]));
    emaVars.forEach((v, i) => v.assign(t[`ema/${i}`]));
    eVars.forEach((v, i) => v.assign(t[`e/${i}`]));
    const optNames = (prefix: string) => Object.keys(t).filter((k) => k.startsWith(prefix)).map((k) => ({ name: k.slice(prefix.length), tensor: t[k] }));
    const exact = optNames('gopt/').length > 0;
    if (exact) {
      await gOpt.setWeights(optNames('gopt/'));
      await dOpt.setWeights(optNames('dopt/'));
    }
    tf.dispose(Object.values(t));
    // Checkpoints from before the best's rank was derived also stored it (`bestRank`): not carried over.
    const { bestRank: _storedRank, ...saved } = restored.state as typeof state & { bestRank?: number };
    Object.assign(state, saved);
    // JSON has no Infinity: a checkpoint saved before any scored evaluation stores bestFid as null.
    state.bestFid ??= Infinity;
    console.log(`[${r.id}] resumed at step ${state.step} (${(state.seconds / 60).toFixed(1)} min trained, best FD ${state.bestFid.toFixed(3)} @ ${state.bestStep})` +
      (exact ? '' : ' from the slim checkpoint: Adam restarts with zero moments'));
  } else {
    console.log(`[${r.id}] starting from scratch: G ${gVars.reduce((a, v) => a + v.size, 0)} params, D ${dVars.reduce((a, v) => a + v.size, 0)} params`);
  }

  // Fixed evaluation set. The probe may still be training when a GAN starts: until it exists, each
  // checkpoint is exported unscored; once it appears, checkpoints are scored and only a better one is
  // exported.
  const probeDir = path.join(opts.outDir, 'probes', r.probe, 'model');
  let scorer: { probe: tf.LayersModel; real: ReturnType<typeof gaussianOf> } | null = null;
  const getScorer = async () => {
    if (!scorer && fs.existsSync(path.join(probeDir, 'model.json'))) {
      const probe = await loadLayersModelFromDir(probeDir);
      const evalData = openStream(r.data, r.seed + 5, r.size, 'test').batch(0, opts.evalCount);
      scorer = { probe, real: gaussianOf(probeFeatures(probe, evalData.images, opts.evalCount, r.size, r.size, r.channels), opts.evalCount) };
    }
    return scorer;
  };
  // The exported best's rank, derived from its history entry rather than stored, so it always follows the
  // current coverage rule (Infinity before any scored evaluation).
  const bestRank = () => {
    const best = state.history.find((h) => h.step === state.bestStep);
    return best ? rankOf(best, opts.evalCount) : Infinity;
  };
  const evalZ = new Rng(r.seed + 77).normals(opts.evalCount * r.spec.zDim);
  const gridZ = new Rng(r.seed + 78).normals(64 * r.spec.zDim);

  const evaluate = async () => {
    const grid = sampleImages(r, ema, gridZ, 64);
    writeGridPng(path.join(opts.checkpointDir, r.id, `grid-${String(state.step).padStart(6, '0')}.png`), grid, 64, r.size, r.size, r.channels, { cols: 8, scale: 2 });
    const sc = await getScorer();
    if (!sc) {
      await exportGan(r, ema, D, opts.outDir, { ...state });
      console.log(`[${r.id}] step ${state.step}: exported unscored (probe ${r.probe} not trained yet)`);
      return;
    }
    const imgs = sampleImages(r, ema, evalZ, opts.evalCount);
    const fid = frechetDistance(sc.real, gaussianOf(probeFeatures(sc.probe, imgs, opts.evalCount, r.size, r.size, r.channels), opts.evalCount));
    // Shapes: the rarest generated class (probe's argmax). A checkpoint that may drop a class below the
    // 10 % coverage bar is ranked after every checkpoint that covers all classes, whatever its FD.
    const rarestClass = r.data === 'shapes' ? Math.min(...readProbe(sc.probe, imgs, opts.evalCount, r, SHAPE_CLASSES.length).classFreq) : undefined;
    const entry = { step: state.step, fid, ...(rarestClass === undefined ? {} : { rarestClass }) };
    state.history.push(entry);
    const rank = rankOf(entry, opts.evalCount);
    if (rank < bestRank()) {
      state.bestFid = fid;
      state.bestStep = state.step;
      await exportGan(r, ema, D, opts.outDir, { ...state });
    }
    console.log(`[${r.id}] step ${state.step}: probe Fréchet distance ${fid.toFixed(3)}` +
      (rarestClass === undefined ? '' : `, rarest class ${(100 * rarestClass).toFixed(1)} %`) + ` (best FD ${state.bestFid.toFixed(3)} @ ${state.bestStep})`);
  };

  const save = async () => {
    const tensors: Record<string, tf.Tensor> = {};
    gVars.forEach((v, i) => (tensors[`g/${i}`] = v));
    dVars.forEach((v, i) => (tensors[`d/${i}`] = v));
    emaVars.forEach((v, i) => (tensors[`ema/${i}`] = v));
    eVars.forEach((v, i) => (tensors[`e/${i}`] = v));
    const gState = await gOpt.getWeights();
    const dState = await dOpt.getWeights();
    for (const { name, tensor } of gState) tensors[`gopt/${name}`] = tensor;
    for (const { name, tensor } of dState) tensors[`dopt/${name}`] = tensor;
    saveCheckpoint(ckpt, tensors, state);
    saveCheckpoint(slimCkpt, Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.includes('opt/'))), state);
    // getWeights() makes a fresh scalar for the iteration count (the rest are the live variables).
    tf.dispose([...gState, ...dState].filter((w) => w.name === 'iter').map((w) => w.tensor));
  };

  const started = Date.now();
  const secondsAtStart = state.seconds;
  let windowStart = Date.now();
  let windowSteps = 0;
  const emaBeta = Math.pow(0.5, 1 / r.emaHalfLifeSteps);
  while (state.step < r.steps) {
    const step = state.step;
    const rng = new Rng(r.seed * 100_003 + step);
    const real = data.batch(step, r.batch);
    const B = r.batch;
    const zd = r.spec.zDim;
    const mixing = r.kind === 'style' && rng.next() < r.mixing;
    const cut = 1 + rng.int(r.kind === 'style' ? styleLayerCount(r.spec) - 1 : 1);
    const [z1, z2, z3, z4] = [0, 1, 2, 3].map(() => tf.tensor2d(rng.normals(B * zd), [B, zd]));
    const realT = tf.tensor4d(real.images, [B, r.size, r.size, r.channels]);
    const doR1 = step % r.r1Every === 0;

    // Discriminator step.
    const fake = tf.tidy(() => generate(r, nets, z1, mixing ? { z2, cut } : undefined));
    const dLoss = dOpt.minimize(() => {
      const main = tf.add(softplus(D.apply(fake) as tf.Tensor).mean(), softplus(tf.neg(D.apply(realT) as tf.Tensor)).mean());
      if (!doR1) return main as tf.Scalar;
      const g = tf.grad((x: tf.Tensor) => (D.apply(x) as tf.Tensor).sum())(realT);
      const r1 = tf.mul(g.square().sum([1, 2, 3]).mean(), (r.r1Gamma / 2) * r.r1Every);
      return tf.add(main, r1) as tf.Scalar;
    }, true, dVars)!;
    fake.dispose();

    // Generator step (and, when anchored, the encoder's: both minimise the VAE term).
    const gLoss = gOpt.minimize(() => {
      const adversarial = softplus(tf.neg(D.apply(generate(r, nets, z3, mixing ? { z2: z4, cut } : undefined)) as tf.Tensor)).mean();
      if (!E || !r.anchor) return adversarial as tf.Scalar;
      const anchor = anchorTerms(E.apply(realT) as tf.Tensor2D, tf.tensor2d(rng.normals(B * zd), [B, zd]), realT,
        (z) => generate(r, nets, z), r.anchor.reconstruction);
      state.losses.rec = anchor.squaredError.dataSync()[0];
      return tf.add(adversarial, anchor.loss) as tf.Scalar;
    }, true, [...gVars, ...eVars])!;

    // EMA of G's weights, with a warm-up so early EMA is not dominated by the random initialisation.
    const beta = Math.min(emaBeta, (1 + step) / (10 + step));
    tf.tidy(() => emaVars.forEach((v, i) => v.assign(tf.add(tf.mul(v, beta), tf.mul(gVars[i], 1 - beta)))));

    state.losses.d = dLoss.dataSync()[0];
    state.losses.g = gLoss.dataSync()[0];
    tf.dispose([dLoss, gLoss, z1, z2, z3, z4, realT]);
    state.step++;
    windowSteps++;
    state.seconds = secondsAtStart + (Date.now() - started) / 1000;

    if (state.step % 50 === 0) {
      const sps = (Date.now() - windowStart) / 1000 / windowSteps;
      console.log(progressLine(r.id, state.step, r.steps, sps, { lossD: state.losses.d, lossG: state.losses.g, ...(r.anchor ? { mse: state.losses.rec } : {}), tensors: tf.memory().numTensors }));
      windowStart = Date.now();
      windowSteps = 0;
    }
    const outOfTime = (Date.now() - started) / 60000 > opts.maxMinutes;
    if (state.step % opts.checkpointEvery === 0 || state.step === r.steps || outOfTime) {
      await evaluate();
      await save();
      console.log(`[${r.id}] checkpoint saved at step ${state.step}`);
    }
    if (outOfTime) {
      console.log(`[${r.id}] stopping after ${opts.maxMinutes} min this run; run again to resume.`);
      break;
    }
  }
  fs.writeFileSync(path.join(opts.checkpointDir, r.id, 'history.json'), JSON.stringify(state.history, null, 1));
}
