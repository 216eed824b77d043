/**
 * `tsx scripts/dump-shapes.ts --count N --seed S --size P --out FILE_PREFIX`
 * Renders N shapes images with the one TypeScript renderer (src/data/shapes.ts) and writes them as numpy
 * arrays for the PyTorch trainer (training/): PREFIX.images.npy uint8 [N, P, P, 3] (the renderer's [-1, 1]
 * mapped to 0..255 and rounded), PREFIX.targets.npy float32 [N, 8] (the probe's regression targets),
 * PREFIX.factors.npy float32 [N, 7] (class index, x, y, scale, rotation, hue, background).
 * Images are rendered in chunks of 1,000 with seed S·1,000,003 + chunk, so a dump is a pure function of
 * (S, N, P) and the renderer.
 */
import fs from 'node:fs';
import { SHAPE_CLASSES, factorTargets, shapesBatch } from '../src/data/shapes';
import { npyBytes } from '../src/util/npy';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error('usage: tsx scripts/dump-shapes.ts --count N --seed S --size P --out FILE_PREFIX');
    process.exit(2);
  }
  return process.argv[i + 1];
}

const count = Number(arg('count'));
const seed = Number(arg('seed'));
const size = Number(arg('size'));
const out = arg('out');
if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed) || !Number.isInteger(size) || size <= 0) {
  console.error('--count, --seed and --size must be positive integers (seed may be 0)');
  process.exit(2);
}

const CHUNK = 1000;
const per = size * size * 3;
const images = new Uint8Array(count * per);
const targets = new Float32Array(count * 8);
const factors = new Float32Array(count * 7);
for (let start = 0, chunk = 0; start < count; start += CHUNK, chunk++) {
  const n = Math.min(CHUNK, count - start);
  const b = shapesBatch(seed * 1_000_003 + chunk, n, size);
  for (let i = 0; i < n * per; i++) images[start * per + i] = Math.round((b.images[i] + 1) * 127.5);
  b.factors.forEach((f, i) => {
    targets.set(factorTargets(f), (start + i) * 8);
    factors.set([SHAPE_CLASSES.indexOf(f.shape), f.x, f.y, f.scale, f.rotation, f.hue, f.background], (start + i) * 7);
  });
}
fs.writeFileSync(`${out}.images.npy`, npyBytes(images, [count, size, size, 3]));
fs.writeFileSync(`${out}.targets.npy`, npyBytes(targets, [count, 8]));
fs.writeFileSync(`${out}.factors.npy`, npyBytes(factors, [count, 7]));
console.log(`wrote ${count} shapes images (${size}×${size}) to ${out}.*.npy`);
