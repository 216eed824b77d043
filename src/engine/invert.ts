/**
 * The inversion job (orchestration; the math is src/methods/inversion.ts and targetImage.ts): a target —
 * another seed's image, a data-set render (datasetTargets.ts) or the user's picture — inverted with plain Adam and with Adam in the averaged
 * metric's eigenbasis (Wang & Ponce §6), one after the other on the same starts, their loss curves streamed
 * as they run and the reconstructions rendered here (the UI never runs the generator).
 */
import * as tf from '@tensorflow/tfjs';
import { formatOf } from '../distance';
import { cachedAverageMetric } from '../geometry/bases';
import { DIAMOND_INVERSION, INVERSION_LOSSES, invert, type InversionLoss, type Precondition } from '../methods/inversion';
import { datasetLabel, renderDatasetImage, rgbaOf, type DatasetName, type RenderedDataset } from '../methods/datasetTargets';
import { targetFromRgba } from '../methods/targetImage';
import type { Generator } from '../model/generator';
import { cacheOf } from './basis';
import type { JobContext } from './jobContext';
import { latentIn, zOf } from './latent';
import { checkInt } from './requests';
import type { LatentSpace } from './types';

/** Inversion of a target image (src/engine/invert.ts): another seed's image, or the user's decoded picture. */
export interface InvertRequest {
  /** Another seed's image; a procedural data set's image (src/methods/datasetTargets.ts: 'shapes'); or a decoded picture. */
  target: { seed: number } | { dataset: RenderedDataset; seed: number } | { rgba: Uint8ClampedArray; width: number; height: number };
  space: LatentSpace;
  /** Default 'diamond' (pixel for a model without a discriminator). */
  loss?: InversionLoss;
  /** Default 300. */
  steps?: number;
  /** Default 1. */
  starts?: number;
  /** Run plain Adam and Adam in the averaged metric's eigenbasis on the same starts (default true). */
  compare?: boolean;
  /** Seed of the starts. */
  seed?: number;
}

export interface InvertRun {
  precondition: Precondition;
  /** Loss per step (the best start's). */
  loss: number[];
  /** The latent found, flat in the request's space. */
  latent: number[];
  pixelMse: number;
  featureL1: number;
  steps: number;
  /** The reconstruction, RGBA. */
  rgba: Uint8ClampedArray;
  /** For a seed's image: ‖latent − the seed's latent‖ in the inversion's space. */
  latentError?: number;
}

export interface InvertResult {
  space: LatentSpace;
  loss: InversionLoss;
  width: number;
  height: number;
  targetRgba: Uint8ClampedArray;
  runs: InvertRun[];
  notes: string[];
  ms: number;
}


/** Prior samples of the averaged metric that preconditions (the 'average' basis's default, so they share it). */
const AVERAGE_SAMPLES = 12;
export const MAX_INVERT_STEPS = 1000;

/** The target image [1, H, W, C] and, for a seed, its latent in the inversion's space. */
function targetOf(g: Generator, req: InvertRequest): { image: tf.Tensor4D; truth: Float32Array | null; notes: string[] } {
  const t = req.target as Record<string, unknown> | undefined;
  if (t && typeof t === 'object' && 'seed' in t && !('dataset' in t)) {
    const z = zOf(g, { seed: t.seed as number });
    return tf.tidy(() => {
      const latent = latentIn(g, tf.tensor2d(z, [1, g.zDim]), req.space);
      return { image: tf.keep(g.generate(latent, req.space)), truth: latent.dataSync() as Float32Array, notes: [] };
    });
  }
  if (t && typeof t === 'object' && 'dataset' in t) {
    const image = renderDatasetImage(t.dataset, t.seed, Math.max(g.outputShape[0], g.outputShape[1]));
    const fitted = targetFromRgba(rgbaOf(image), image.width, image.height, formatOf(g));
    return {
      image: tf.tensor4d(fitted.pixels, [1, ...g.outputShape]), truth: null,
      notes: [`Target: the ${datasetLabel(t.dataset as DatasetName)} of seed ${t.seed as number}.`, ...fitted.notes],
    };
  }
  if (t && typeof t === 'object' && 'rgba' in t) {
    const { rgba, width, height } = t as { rgba: unknown; width: unknown; height: unknown };
    if (!(rgba instanceof Uint8ClampedArray || rgba instanceof Uint8Array)) throw new Error('The picture arrived without its pixels.');
    const fitted = targetFromRgba(rgba, width as number, height as number, formatOf(g));
    return { image: tf.tensor4d(fitted.pixels, [1, ...g.outputShape]), truth: null, notes: fitted.notes };
  }
  throw new Error('The inversion target is another seed ({seed}), a data-set image ({dataset, seed}) or a picture ({rgba, width, height}).');
}

export async function computeInvert(g: Generator, req: InvertRequest, ctx: JobContext): Promise<InvertResult> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object') throw new Error('An inversion request must be an object.');
  if (req.space !== 'z' && req.space !== 'w' && req.space !== 'wplus') throw new Error("The inversion's space is z, w or wplus.");
  if (req.space !== 'z' && !g.isStyleBased) throw new Error(`Model '${g.manifest.id}' has only Z; W and W+ need a style-based model.`);
  const loss = req.loss ?? (g.discriminatorFeatures ? 'diamond' : 'pixel');
  if (!INVERSION_LOSSES.includes(loss)) throw new Error(`The inversion loss is one of ${INVERSION_LOSSES.join(', ')}.`);
  const steps = checkInt(req.steps ?? 300, 1, MAX_INVERT_STEPS, 'The number of inversion steps');
  const starts = checkInt(req.starts ?? 1, 1, 16, 'The number of starts');
  const methods: Precondition[] = req.compare === false ? ['none'] : ['none', 'hessian'];
  const { image: target, truth, notes } = targetOf(g, req);
  const runs: InvertRun[] = [];
  const live = (history?: { precondition: Precondition; loss: number[] }) =>
    ({ runs: [...runs.map((r) => ({ precondition: r.precondition, loss: r.loss })), ...(history ? [history] : [])] });
  try {
    let basis: Float64Array | undefined;
    for (const precondition of methods) {
      if (precondition === 'hessian' && !basis) {
        const { avg } = await cachedAverageMetric(g, req.space === 'z' ? 'z' : 'w', 'mse', 0, AVERAGE_SAMPLES, cacheOf(g), ctx);
        basis = avg.eigenvectors;
      }
      const r = await invert(g, target, { ...DIAMOND_INVERSION, space: req.space, loss, steps, starts, precondition, basis, seed: req.seed ?? 0 }, {
        signal: ctx.signal, checkpoint: ctx.checkpoint,
        progress: (phase, done, total) => ctx.progress(`${phase} (${precondition === 'none' ? 'plain' : 'Hessian eigenbasis'})`, done, total),
        onStep: (history) => ctx.progress('inversion', history.length, steps, live({ precondition, loss: history.map((s) => Math.min(...s.losses)) })),
      });
      notes.push(...r.notes.filter((n) => !notes.includes(n)));
      const shape = req.space === 'z' ? [1, g.zDim] : req.space === 'w' ? [1, g.wDim!] : [1, g.styleLayers!, g.wDim!];
      const image = tf.tidy(() => g.generate(tf.tensor(Float32Array.from(r.latent), shape), req.space));
      let rgba: Uint8ClampedArray;
      try {
        rgba = await g.toRGBA(image);
      } finally {
        image.dispose();
      }
      runs.push({
        precondition, loss: r.loss, latent: Array.from(r.latent), pixelMse: r.pixelMse, featureL1: r.featureL1, steps: r.steps, rgba,
        ...(truth ? { latentError: Math.hypot(...Array.from(truth, (v, i) => v - r.latent[i])) } : {}),
      });
    }
    const [height, width] = g.outputShape;
    return { space: req.space, loss, width, height, targetRgba: await g.toRGBA(target), runs, notes, ms: performance.now() - t0 };
  } finally {
    target.dispose();
  }
}
