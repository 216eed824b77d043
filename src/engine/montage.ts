/**
 * A montage: for each chosen direction of a basis, a row of images from −extent to +extent in slider units
 * (predicted image change), with the middle column the reference itself. Each image also carries its
 * measured change √(2·d²(x, x₀)) under the basis's distance (measure.ts), so a row shows at a glance how
 * far first-order prediction holds along that direction.
 */
import * as tf from '@tensorflow/tfjs';
import { anchorDistance, type AnchoredDistance } from '../distance';
import type { Generator } from '../model/generator';
import { MAX_COLUMNS, MAX_EXTENT } from '../state/vocabulary';
import { MAX_DIRECTIONS, flooredRates } from './edit';
import { editedLatent } from './editedLatent';
import type { JobContext } from './jobContext';
import { anchorOf } from './explicitLatent';
import { zOf } from './latent';
import { measuredChange } from '../geometry/measure';
import { checkDistance, checkInt, checkPositive, explorerSpace } from './requests';
import type { LatentEdit } from './types';
import type { Basis, LatentSpace, LatentSpec, LayerRangeName } from './types';

export interface MontageRequest {
  latent: LatentSpec;
  space: LatentSpace;
  basis: Pick<Basis, 'directions' | 'rates' | 'distance'>;
  /** Rows: the indices of the directions shown. */
  rows: number[];
  /** Columns (odd, ≥ 3): steps from −extent to +extent, the middle one the reference. */
  columns: number;
  /** Largest predicted image change (slider units) at the ends of each row. */
  extent: number;
  spherical?: boolean;
  layers?: LayerRangeName;
}

export interface Montage {
  rows: number;
  columns: number;
  width: number;
  height: number;
  /** rows·columns images, row-major, each width·height·4 RGBA bytes, concatenated. */
  rgba: Uint8ClampedArray;
  /**
   * Per row: the predicted change step·rate of each column, i.e. the slider positions, except where the
   * rate floor of src/engine/edit.ts shortened a step.
   */
  predicted: number[][];
  /**
   * Per row: the measured change √(2·d²(x, x₀)) of each column under the basis's distance: ‖φ(x) − φ(x₀)‖
   * for mse and perceptual, its second-order equivalent for ssim. The middle column is 0.
   */
  measured: number[][];
  ms: number;
}


export { MAX_COLUMNS, MAX_EXTENT } from '../state/vocabulary';

export async function computeMontage(g: Generator, req: MontageRequest, ctx: JobContext): Promise<Montage> {
  const t0 = performance.now();
  if (!req || typeof req !== 'object' || !req.basis || typeof req.basis !== 'object') throw new Error('A montage request needs a basis.');
  const space = explorerSpace(g, req.space);
  if (space === 'z' && anchorOf(g)) throw new Error('A W or W+ code has no z of the model\'s own: explore it in W or W+.');
  const distance = checkDistance(g, req.basis.distance);
  const { directions, rates } = req.basis;
  if (!Array.isArray(directions) || !Array.isArray(rates) || directions.length !== rates.length) throw new Error('The basis needs one rate per direction.');
  if (!Array.isArray(req.rows) || req.rows.length < 1 || req.rows.length > MAX_DIRECTIONS) throw new Error(`A montage shows 1 to ${MAX_DIRECTIONS} rows.`);
  req.rows.forEach((r) => checkInt(r, 0, directions.length - 1, 'A row index'));
  const columns = checkInt(req.columns, 3, MAX_COLUMNS, 'The number of columns');
  if (columns % 2 === 0) throw new Error('The number of columns must be odd, so that the middle one is the reference.');
  const extent = checkPositive(req.extent, MAX_EXTENT, 'The extent');
  const floored = flooredRates(rates);
  const z = zOf(g, req.latent);
  const mid = (columns - 1) / 2;
  const positions = Array.from({ length: columns }, (_, c) => (c === mid ? 0 : (extent * (c - mid)) / mid));
  const [height, width] = g.outputShape;
  const frame = width * height * 4;
  const rgba = new Uint8ClampedArray(req.rows.length * columns * frame);
  const predicted: number[][] = [], measured: number[][] = [];

  const edit = (row: number, step: number): LatentEdit => ({
    directions: [directions[row]], steps: [step],
    ...(req.layers !== undefined ? { layers: req.layers } : {}),
    ...(req.spherical ? { spherical: true } : {}),
  });
  // Validate the edit shape once, before any tensor exists (a zero step still checks dims and options).
  tf.dispose(editedLatent(g, z, space, edit(req.rows[0], 0)));

  let images0: tf.Tensor4D | undefined;
  let dist: AnchoredDistance | undefined;
  try {
    images0 = tf.tidy(() => g.generate(editedLatent(g, z, space), space));
    dist = anchorDistance(distance, g, images0);
    const reference = await g.toRGBA(images0);
    ctx.progress('montage', 0, req.rows.length);
    for (let r = 0; r < req.rows.length; r++) {
      await ctx.checkpoint();
      const row = req.rows[r];
      const rate = floored[row];
      const steps = positions.map((p) => (rate > 0 ? p / rate : 0));
      // The middle column is the reference frame itself (not regenerated), so its measured change is 0.
      const others = steps.filter((_, c) => c !== mid);
      const batch = tf.tidy(() => g.generate(tf.concat(others.map((t) => editedLatent(g, z, space, edit(row, t))), 0), space));
      let pixels: Uint8ClampedArray, change: Float64Array;
      try {
        pixels = await g.toRGBA(batch);
        change = await measuredChange(dist, batch);
      } finally {
        batch.dispose();
      }
      const rowMeasured: number[] = [];
      for (let c = 0, o = 0; c < columns; c++) {
        const at = (r * columns + c) * frame;
        if (c === mid) {
          rgba.set(reference, at);
          rowMeasured.push(0);
        } else {
          rgba.set(pixels.subarray(o * frame, (o + 1) * frame), at);
          rowMeasured.push(change[o++]);
        }
      }
      // The change the slider promises: the position, except where the rate floor shortened the step.
      predicted.push(steps.map((t) => t * rates[row]));
      measured.push(rowMeasured);
      ctx.progress('montage', r + 1, req.rows.length);
    }
  } finally {
    dist?.dispose();
    images0?.dispose();
  }
  return { rows: req.rows.length, columns, width, height, rgba, predicted, measured, ms: performance.now() - t0 };
}
