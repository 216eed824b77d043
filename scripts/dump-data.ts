/**
 * `tsx scripts/dump-data.ts --source shapes|faces --count N --seed S --size P --out FILE_PREFIX`
 * Renders N images of a procedural data set with its one TypeScript renderer (src/data/shapes.ts or
 * src/data/faces.ts) and writes them as numpy arrays for the PyTorch trainer (training/):
 * - PREFIX.images.npy uint8 [N, P, P, 3]: the renderer's [-1, 1] mapped to 0..255 and rounded;
 * - PREFIX.targets.npy float32 [N, T]: the probe's regression targets (FACTOR_TARGET_NAMES, T = 8, for
 *   shapes; FACE_TARGET_NAMES, T = 15, for faces);
 * - PREFIX.factors.npy float32 [N, F]: the raw factors — shapes: class index, x, y, scale, rotation, hue,
 *   background (F = 7); faces: hair index, glasses index, then the 13 continuous factors in FACE_CONTINUOUS
 *   order (F = 15);
 * - faces only: PREFIX.mask.npy float32 [N, T], 1 where a target is visible (faceTargetMask: hair hue and
 *   lightness are 0 on faces without hair) — the probe's loss should leave masked targets out.
 * Images are rendered in chunks of 1,000 with seed S·1,000,003 + chunk, so a dump is a pure function of
 * (source, S, N, P) and the renderer. (For shapes the files are byte-identical to those of the former
 * scripts/dump-shapes.ts.)
 *
 * `tsx scripts/dump-data.ts --source shapes|faces --size P --readings FILE.npy --out FILE_PREFIX` renders given
 * images instead of sampled ones: FILE.npy is float32 [N, C + T], per row the class index of each categorical
 * factor (shapes: the shape; faces: hair, glasses) and the T targets, as the probe reads an image
 * (`shapeFromReading` / `faceFromReading` map them back to factors). Only PREFIX.images.npy is written.
 * training/diagnose.py uses it to re-render what the probe reads in a generator's samples: the Fréchet distance
 * of those renders is the part of a model's distance that its factor distribution alone causes.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  SHAPE_CLASSES, FACTOR_TARGET_NAMES, factorTargets, renderShape, shapeFromReading, shapesBatch, type ShapeFactors,
} from '../src/data/shapes';
import {
  FACE_CONTINUOUS, FACE_TARGET_NAMES, GLASSES, HAIR_STYLES, faceFromReading, faceTargetMask, faceTargets, facesBatch,
  renderFace, type FaceFactors,
} from '../src/data/faces';
import { npyBytes, parseNpy } from '../src/util/npy';

/** What a dump needs of a data set: its batch renderer and how one image's factors become rows. */
interface Source<F> {
  batch(seed: number, count: number, size: number): { images: Float32Array; factors: F[] };
  targetCount: number;
  targets(f: F): number[];
  factorCount: number;
  factors(f: F): number[];
  mask?(f: F): number[];
  /** `--readings`: how many class indices lead a row, and one row back to factors and pixels. */
  categoricalCount: number;
  fromReading(row: Float32Array | Float64Array): F;
  render(f: F, size: number, out: Float32Array): void;
}

const shapes: Source<ShapeFactors> = {
  batch: shapesBatch,
  targetCount: FACTOR_TARGET_NAMES.length,
  targets: factorTargets,
  factorCount: 7,
  factors: (f) => [SHAPE_CLASSES.indexOf(f.shape), f.x, f.y, f.scale, f.rotation, f.hue, f.background],
  categoricalCount: 1,
  fromReading: (row) => shapeFromReading(row[0], row.subarray(1)),
  render: renderShape,
};

const faces: Source<FaceFactors> = {
  batch: facesBatch,
  targetCount: FACE_TARGET_NAMES.length,
  targets: faceTargets,
  factorCount: 2 + FACE_CONTINUOUS.length,
  factors: (f) => [HAIR_STYLES.indexOf(f.hair), GLASSES.indexOf(f.glasses), ...FACE_CONTINUOUS.map((k) => f[k])],
  mask: faceTargetMask,
  categoricalCount: 2,
  fromReading: (row) => faceFromReading(row[0], row[1], row.subarray(2)),
  render: renderFace,
};

const SOURCES = { shapes, faces } as const;
const USAGE = 'usage: tsx scripts/dump-data.ts --source shapes|faces --count N --seed S --size P --out FILE_PREFIX\n'
  + '       tsx scripts/dump-data.ts --source shapes|faces --size P --readings FILE.npy --out FILE_PREFIX';

function has(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(USAGE);
    process.exit(2);
  }
  return process.argv[i + 1];
}

function dump<F>(name: string, src: Source<F>, count: number, seed: number, size: number, out: string): void {
  const CHUNK = 1000;
  const per = size * size * 3;
  const T = src.targetCount, K = src.factorCount;
  const images = new Uint8Array(count * per);
  const targets = new Float32Array(count * T);
  const factors = new Float32Array(count * K);
  const mask = src.mask ? new Float32Array(count * T) : null;
  for (let start = 0, chunk = 0; start < count; start += CHUNK, chunk++) {
    const n = Math.min(CHUNK, count - start);
    const b = src.batch(seed * 1_000_003 + chunk, n, size);
    for (let i = 0; i < n * per; i++) images[start * per + i] = Math.round((b.images[i] + 1) * 127.5);
    b.factors.forEach((f, i) => {
      targets.set(src.targets(f), (start + i) * T);
      factors.set(src.factors(f), (start + i) * K);
      if (mask) mask.set(src.mask!(f), (start + i) * T);
    });
  }
  // The trainer makes checkpoints/data/ itself; a first dump by hand on a fresh clone must not fail for it.
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.images.npy`, npyBytes(images, [count, size, size, 3]));
  fs.writeFileSync(`${out}.targets.npy`, npyBytes(targets, [count, T]));
  fs.writeFileSync(`${out}.factors.npy`, npyBytes(factors, [count, K]));
  if (mask) fs.writeFileSync(`${out}.mask.npy`, npyBytes(mask, [count, T]));
  console.log(`wrote ${count} ${name} images (${size}×${size}) to ${out}.*.npy`);
}

/** Renders the images a file of readings describes (see the header). */
function renderReadings<F>(src: Source<F>, file: string, size: number, out: string): void {
  const { data, shape } = parseNpy(new Uint8Array(fs.readFileSync(file)));
  const K = src.categoricalCount + src.targetCount;
  if (shape.length !== 2 || shape[1] !== K || !(data instanceof Float32Array || data instanceof Float64Array)) {
    console.error(`--readings must be a float [N, ${K}] array (${src.categoricalCount} class indices, then the ${src.targetCount} targets); `
      + `${file} is [${shape.join(', ')}]`);
    process.exit(2);
  }
  const count = shape[0], per = size * size * 3;
  const images = new Uint8Array(count * per);
  const pixels = new Float32Array(per);
  for (let n = 0; n < count; n++) {
    src.render(src.fromReading(data.subarray(n * K, (n + 1) * K)), size, pixels);
    for (let i = 0; i < per; i++) images[n * per + i] = Math.round((pixels[i] + 1) * 127.5);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.images.npy`, npyBytes(images, [count, size, size, 3]));
  console.log(`rendered ${count} given images (${size}×${size}) to ${out}.images.npy`);
}

const source = arg('source');
if (has('readings')) {
  const size = Number(arg('size'));
  if ((source !== 'shapes' && source !== 'faces') || !Number.isInteger(size) || size <= 0) {
    console.error(`--readings needs --source shapes|faces and a positive integer --size\n${USAGE}`);
    process.exit(2);
  }
  if (source === 'shapes') renderReadings(SOURCES.shapes, arg('readings'), size, arg('out'));
  else renderReadings(SOURCES.faces, arg('readings'), size, arg('out'));
  process.exit(0);
}
const count = Number(arg('count'));
const seed = Number(arg('seed'));
const size = Number(arg('size'));
const out = arg('out');
if (source !== 'shapes' && source !== 'faces') {
  console.error(`--source must be shapes or faces, not ${source}\n${USAGE}`);
  process.exit(2);
}
if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed) || !Number.isInteger(size) || size <= 0) {
  console.error('--count, --seed and --size must be positive integers (seed may be 0)');
  process.exit(2);
}
if (source === 'shapes') dump(source, SOURCES.shapes, count, seed, size, out);
else dump(source, SOURCES.faces, count, seed, size, out);
