/**
 * invert: a target image into the model's latent space (src/methods/inversion.ts), on the same code as the
 * app. The target is another seed's image (the ground truth is then known: the latent error is reported)
 * or a PNG / JPEG file (src/methods/targetImage.ts fits it to the model), or a data-set image: a shapes or faces render
 * (`shapes:SEED`, `faces:SEED`, as the app renders them) or a Fashion-MNIST test image (`fashion:INDEX`, from Debian's package). The output's `latents` is the
 * {"latents": [[…]]} that `atlas generate --latents FILE --space S` reads, so the reconstruction can be
 * regenerated from the returned JSON itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { formatOf } from '../../src/distance';
import { averageMetricOf } from '../../src/geometry/bases';
import { DIAMOND_INVERSION, INVERSION_LOSSES, invert as invertLatent, type InversionOptions } from '../../src/methods/inversion';
import { datasetLabel, parseDatasetImage, renderDatasetImage, rgbaOf, type DatasetImage } from '../../src/methods/datasetTargets';
import { targetFromRgba } from '../../src/methods/targetImage';
import { loadFashion } from '../lib/fashion';
import type { Generator } from '../../src/model/generator';
import { latentFor, openModel, UsageError, writeRowPng, type Opts } from './common';

/** Decoded RGBA of a PNG or JPEG file, or a usage error in one sentence. */
export function readPicture(file: string): { rgba: Uint8Array; width: number; height: number } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`--image ${file}: ${(e as Error).message}`);
  }
  const isPng = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = PNG.sync.read(bytes);
      return { rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { rgba: img.data, width: img.width, height: img.height };
    }
  } catch (e) {
    throw new UsageError(`--image ${file}: not a readable ${isPng ? 'PNG' : 'JPEG'} (${(e as Error).message})`);
  }
  throw new UsageError(`--image ${file}: not a PNG or JPEG picture`);
}

export async function invert(opts: Opts) {
  const g = await openModel(opts);
  try {
    const space = opts.choice('space', ['z', 'w', 'wplus'] as const, 'z');
    if (space !== 'z' && !g.isStyleBased) throw new UsageError(`model ${g.manifest.id} has no ${space} space (it is a z-space generator)`);
    if ([opts.has('target-seed'), opts.has('image'), opts.has('dataset-image')].filter(Boolean).length !== 1) {
      throw new UsageError('give exactly one target: --target-seed S, --image FILE or --dataset-image shapes:SEED|faces:SEED|fashion:INDEX');
    }
    const d = DIAMOND_INVERSION;
    const options: Partial<InversionOptions> = {
      space,
      loss: opts.choice('loss', INVERSION_LOSSES, g.discriminatorFeatures ? 'diamond' : 'pixel'),
      alpha: opts.num('alpha', d.alpha, [0, 1e6]), beta: opts.num('beta', d.beta, [0, 1e6]),
      init: opts.choice('init', ['nearest', 'random'] as const, d.init),
      candidates: opts.int('candidates', d.candidates, [1, 100_000]),
      starts: opts.int('starts', d.starts, [1, 64]), steps: opts.int('steps', d.steps, [1, 5000]),
      lr: opts.num('lr', d.lr, [1e-9, 10]), tol: opts.num('tol', d.tol, [0, 1e6]),
      precondition: opts.choice('precondition', ['none', 'hessian'] as const, 'none'),
      seed: opts.int('seed', 0),
    };
    const t0 = performance.now();
    const notes: string[] = [];
    let target: tf.Tensor4D;
    let truth: number[] | null = null;
    if (opts.has('target-seed')) {
      const seed = opts.int('target-seed');
      const latent = latentFor(g, [seed], space);
      truth = Array.from(latent.dataSync());
      target = tf.tidy(() => g.generate(latent, space));
      latent.dispose();
    } else if (opts.has('dataset-image')) {
      const fitted = fitted0(g, datasetImage(opts.required('dataset-image'), Math.max(g.outputShape[0], g.outputShape[1])), '--dataset-image');
      notes.push(...fitted.notes);
      target = tf.tensor4d(fitted.pixels, [1, ...g.outputShape]);
    } else {
      const file = opts.required('image');
      const pic = readPicture(file);
      let fitted;
      try {
        fitted = targetFromRgba(pic.rgba, pic.width, pic.height, formatOf(g));
      } catch (e) {
        throw new UsageError(`--image ${file}: ${(e as Error).message}`);
      }
      notes.push(...fitted.notes);
      target = tf.tensor4d(fitted.pixels, [1, ...g.outputShape]);
    }
    let basisMs = 0;
    if (options.precondition === 'hessian') {
      // The averaged mse metric over prior samples, in Z (or W for w and w+): the paper's global eigenbasis.
      const b0 = performance.now();
      const avg = await averageMetricOf(g, space === 'z' ? 'z' : 'w', 'mse', 0, opts.int('average-samples', 12, [1, 256]));
      options.basis = avg.eigenvectors;
      basisMs = performance.now() - b0;
    }
    const r = await invertLatent(g, target, options);
    let png: string | undefined;
    if (opts.has('png')) png = writeComparison(g, target, r.latent, space, path.resolve(opts.required('png')));
    target.dispose();
    const latentError = truth ? Math.hypot(...truth.map((v, i) => v - r.latent[i])) : undefined;
    return {
      model: g.manifest.id, space,
      target: truth ? { seed: opts.int('target-seed') } : opts.has('dataset-image') ? { datasetImage: opts.str('dataset-image') } : { image: opts.str('image') },
      options: { ...options, basis: undefined }, latent: Array.from(r.latent), latents: [Array.from(r.latent)],
      loss: r.loss, steps: r.steps, starts: r.history[0]?.losses.length ?? 0, best: r.best,
      pixelMse: r.pixelMse, featureL1: r.featureL1, ...(latentError !== undefined ? { latentError, latentNorm: Math.hypot(...truth!) } : {}),
      notes: [...notes, ...r.notes], ...(png ? { png } : {}), basisMs, ms: performance.now() - t0,
    };
  } finally {
    g.dispose();
  }
}

/**
 * A data-set image: `shapes:SEED` rendered at `size` (src/methods/datasetTargets.ts, as the app does), or
 * `fashion:INDEX`, a Fashion-MNIST test image from Debian's dataset-fashion-mnist (scripts/lib/fashion.ts).
 */
export function datasetImage(text: string, size: number): DatasetImage & { label: string } {
  let parsed;
  try {
    parsed = parseDatasetImage(text);
  } catch (e) {
    throw new UsageError(`--dataset-image: ${(e as Error).message}`);
  }
  const { dataset, index } = parsed;
  if (dataset === 'fashion') {
    let test;
    try {
      test = loadFashion('t10k');
    } catch (e) {
      throw new UsageError(`--dataset-image ${text}: ${(e as Error).message}`);
    }
    if (index >= test.count) throw new UsageError(`--dataset-image ${text}: the Fashion-MNIST test split has ${test.count} images (0 to ${test.count - 1})`);
    return { pixels: test.images.slice(index * 784, (index + 1) * 784), height: 28, width: 28, channels: 1, range: [-1, 1], label: `${datasetLabel(dataset)} ${index}` };
  }
  return { ...renderDatasetImage(dataset, index, size), label: `${datasetLabel(dataset)} of seed ${index}` };
}

/** An image fitted to the model like a picture (crop, resampling, grey/colour, range), or a usage error. */
function fitted0(g: Generator, image: DatasetImage & { label: string }, option: string): { pixels: Float32Array; notes: string[] } {
  try {
    const fitted = targetFromRgba(rgbaOf(image), image.width, image.height, formatOf(g));
    return { pixels: fitted.pixels, notes: [`Target: the ${image.label}.`, ...fitted.notes] };
  } catch (e) {
    throw new UsageError(`${option}: ${(e as Error).message}`);
  }
}

/** Target | reconstruction, side by side. */
function writeComparison(g: Generator, target: tf.Tensor4D, latent: Float64Array, space: 'z' | 'w' | 'wplus', file: string): string {
  const shape = space === 'z' ? [1, g.zDim] : space === 'w' ? [1, g.wDim!] : [1, g.styleLayers!, g.wDim!];
  return writeRowPng(g, tf.tidy(() => tf.concat([target, g.generate(tf.tensor(Float32Array.from(latent), shape), space)], 0)), file);
}
