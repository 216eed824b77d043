/**
 * `npx tsx scripts/faces-figures.ts` — the figures of the `faces` data (src/data/faces.ts) in docs/:
 * - docs/img/faces-data.png: 64 samples (seed 1) at 64×64, ×2;
 * - docs/img/faces-factors.png: one row per factor, the others held at a base face — categorical rows
 *   show each value, continuous rows 7 equal steps across the factor's range (FACE_RANGES, ends included).
 * The factor sheet is labelled by Chromium (scripts/lib/plot.ts), like the findings' montages.
 */
import path from 'node:path';
import {
  FACE_CONTINUOUS, FACE_RANGES, GLASSES, HAIR_STYLES, facesBatch, renderFace, type FaceFactors,
} from '../src/data/faces';
import { gridPng, writeGridPng } from './lib/png';
import { fmt, imageMontage, renderSvgs } from './lib/plot';

const root = path.resolve(import.meta.dirname, '..');
const SIZE = 64;
const STEPS = 7;
const PER = SIZE * SIZE * 3;

/** The face every row of the sheet starts from: mid-range except for a friendlier mouth and visible colours. */
const BASE: FaceFactors = {
  hair: 'short', glasses: 'none', roll: 0, width: 0.25, skin: 0.35, hairHue: 0.07, hairLight: 0.35,
  eyeOpen: 0.7, eyeSpacing: 0.11, gaze: 0, smile: 0.5, mouthOpen: 0.25, browHeight: 0.1, bgHue: 0.55, light: 0,
};

const data = facesBatch(1, 64, SIZE);
writeGridPng(path.join(root, 'docs/img/faces-data.png'), data.images, 64, SIZE, SIZE, 3, { cols: 8, scale: 2 });

const rows: FaceFactors[][] = [
  HAIR_STYLES.map((hair) => ({ ...BASE, hair })),
  GLASSES.map((glasses) => ({ ...BASE, glasses })),
  ...FACE_CONTINUOUS.map((k) => {
    const [lo, hi] = FACE_RANGES[k];
    return Array.from({ length: STEPS }, (_, i) => ({ ...BASE, [k]: lo + ((hi - lo) * i) / (STEPS - 1) }));
  }),
];
const labels = [
  `hair: ${HAIR_STYLES.join(', ')}`,
  `glasses: ${GLASSES.join(', ')}`,
  ...FACE_CONTINUOUS.map((k) => `${k} ${fmt(FACE_RANGES[k][0])} … ${fmt(FACE_RANGES[k][1])}`),
];
// Cells a categorical row does not use stay black (the grid's gutter colour).
const images = new Float32Array(rows.length * STEPS * PER).fill(-1);
rows.forEach((r, i) => r.forEach((f, j) => renderFace(f, SIZE, images, (i * STEPS + j) * PER)));
const png = gridPng(images, rows.length * STEPS, SIZE, SIZE, 3, { cols: STEPS, scale: 2 });
await renderSvgs([{
  file: path.join(root, 'docs/img/faces-factors.png'),
  plot: imageMontage({
    title: 'faces: one factor at a time', png: png.data, width: png.width, height: png.height, rowLabels: labels,
    labelWidth: 190,
    note: [`Base face: ${Object.entries(BASE).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}.`],
  }),
}], 1);
console.log('wrote docs/img/faces-data.png and docs/img/faces-factors.png');
