/**
 * Data-set images as inversion targets: `shapes:SEED` and `faces:SEED` (renders of src/data/shapes.ts and
 * src/data/faces.ts, procedural data with known factors) in the app and the CLI, and `fashion:INDEX` (a Fashion-MNIST test image)
 * in the CLI only: Fashion-MNIST is read from Debian's dataset-fashion-mnist on disk (scripts/lib/fashion.ts) and
 * the app ships none of it. Pure arithmetic, no tfjs and no DOM, so the app offers exactly what the engine accepts.
 *
 * Every target goes through the same fitting as a user's picture (targetImage.ts: crop, resampling, grey/colour,
 * range) by way of 8-bit RGBA, as a PNG of the image would.
 *
 * Adding a procedural data set is one row of RENDERERS: its name, a label, and `render(seed, size)` returning one
 * image (the first of its batch for that seed).
 */
import { facesBatch } from '../data/faces';
import { shapesBatch } from '../data/shapes';

/** One image, row-major HWC, values in `range`. */
export interface DatasetImage { pixels: Float32Array; height: number; width: number; channels: number; range: [number, number] }

interface Renderer { label: string; render(seed: number, size: number): DatasetImage }

/** The procedural data sets the app and the engine render themselves. */
const RENDERERS = {
  shapes: {
    label: 'shapes render',
    render: (seed: number, size: number): DatasetImage => ({ pixels: shapesBatch(seed, 1, size).images, height: size, width: size, channels: 3, range: [-1, 1] }),
  },
  faces: {
    label: 'faces render',
    render: (seed: number, size: number): DatasetImage => ({ pixels: facesBatch(seed, 1, size).images, height: size, width: size, channels: 3, range: [-1, 1] }),
  },
} satisfies Record<string, Renderer>;

export type RenderedDataset = keyof typeof RENDERERS;
export const RENDERED_DATASETS = Object.keys(RENDERERS) as RenderedDataset[];
/** Data sets only the CLI reads (from disk). */
export const DISK_DATASETS = ['fashion'] as const;
export type DatasetName = RenderedDataset | (typeof DISK_DATASETS)[number];

export function datasetLabel(name: DatasetName): string {
  return name === 'fashion' ? 'Fashion-MNIST test image' : RENDERERS[name].label;
}

/** `shapes:12` / `fashion:3` → its data set and seed or index, or one sentence saying what is accepted. */
export function parseDatasetImage(text: string): { dataset: DatasetName; index: number } {
  const m = /^([a-z]+):(\d{1,10})$/.exec(text.trim());
  const names = [...RENDERED_DATASETS, ...DISK_DATASETS];
  if (!m || !(names as string[]).includes(m[1])) throw new Error(`A data-set image is ${names.map((n) => `${n}:${n === 'fashion' ? 'INDEX' : 'SEED'}`).join(' or ')}; got '${text.slice(0, 40)}'.`);
  return { dataset: m[1] as DatasetName, index: Number(m[2]) };
}

/** The image of a procedural data set for `seed`, square with side `size` (the caller fits it to the model). */
export function renderDatasetImage(name: unknown, seed: unknown, size: number): DatasetImage {
  if (typeof name !== 'string' || !(RENDERED_DATASETS as string[]).includes(name)) {
    throw new Error(name === 'fashion'
      ? 'Fashion-MNIST test images are not shipped with the app; invert one with the CLI: npm run atlas -- invert --dataset-image fashion:INDEX.'
      : `The data sets rendered here are ${RENDERED_DATASETS.join(', ')}; got '${String(name).slice(0, 40)}'.`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('The data-set seed must be a whole number from 0 to 4294967295.');
  if (!(Number.isInteger(size) && size >= 1 && size <= 1024)) throw new Error(`A data-set image is rendered 1 to 1024 pixels wide, not ${size}.`);
  return RENDERERS[name as RenderedDataset].render(seed, size);
}

/** An image's 8-bit RGBA (grey repeated; values mapped from its range, rounded and clipped). */
export function rgbaOf(image: DatasetImage): Uint8ClampedArray {
  const { pixels, height, width, channels, range: [lo, hi] } = image;
  if (channels !== 1 && channels !== 3) throw new Error(`A data-set image has 1 or 3 channels, not ${channels}.`);
  const out = new Uint8ClampedArray(height * width * 4);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) out[4 * p + c] = Math.round((255 * (pixels[p * channels + (channels === 1 ? 0 : c)] - lo)) / (hi - lo));
    out[4 * p + 3] = 255;
  }
  return out;
}
