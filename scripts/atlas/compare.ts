/**
 * compare: bases side by side at one seed — the app's Compare panel on the same code (src/engine/compare.ts):
 * per basis its top directions (values, rates, the probe's factor labels when the model has a probe) and a row of
 * images each on one predicted-change scale; per pair of bases the |cos| between their directions and the overlap
 * of their spans. --png writes the rows as one picture: a block per basis, left to right. --from FILE brings
 * directions from a file (read as `atlas basis --from` and the app's Load directions… read it) as the basis
 * 'imported', so a basis found elsewhere stands beside the ones computed here.
 */
import path from 'node:path';
import { computeCompare, MAX_COMPARE_ROWS, type CompareResult } from '../../src/engine/compare';
import { DISTANCES } from '../../src/distance';
import { SLIDER_BASIS_KINDS } from '../../src/state/vocabulary';
import { quietContext } from '../../src/util/jobContext';
import { writeGridPng } from '../lib/png';
import { directionsFileAt, importedFrom } from './bases';
import { defaultSpace, openModel, openModelSpec, UsageError, type Opts } from './common';
import { probeOf } from './search';

export async function compare(opts: Opts) {
  const seed = opts.int('seed');
  const from = opts.str('from');
  const kinds = opts.list('bases', SLIDER_BASIS_KINDS, from === undefined ? ['metric', 'ganspace'] : ['metric', 'imported']);
  if (kinds.includes('imported') !== (from !== undefined)) {
    throw new UsageError(from === undefined ? 'the basis imported needs --from FILE' : '--from FILE is shown as the basis imported: name it in --bases');
  }
  const file = from === undefined ? null : directionsFileAt(from);
  const rows = opts.int('rows', 4, [1, MAX_COMPARE_ROWS]);
  const columns = opts.int('columns', 5, [3, 21]);
  if (columns % 2 === 0) throw new UsageError('--columns must be odd (the middle image is the reference)');
  const distance = opts.choice('distance', DISTANCES, 'mse');
  const extent = opts.num('extent', 0.1, [0, 1e3]);
  const png = opts.str('png');
  // A file names its model; --model may say it again (or point at the model's folder), as for atlas basis --from.
  const g = file && !opts.has('model') ? await openModelSpec(file.model) : await openModel(opts);
  try {
    const space = opts.choice('space', ['z', 'w'] as const, file?.basisSpace ?? defaultSpace(g));
    const imported = file ? importedFrom(file, from!, g, space) : undefined;
    let result: CompareResult;
    try {
      result = await computeCompare(g, {
        latent: { seed }, space, distance, kinds, rows, columns, extent, ...(imported ? { imported: { space: imported.space, directions: imported.directions } } : {}),
      }, quietContext(), { probe: () => probeOf(g) });
    } catch (e) {
      // The job's own refusals (two bases at least, distinct, …) are usage errors here.
      throw new UsageError((e as Error).message);
    }
    if (png) writeComparePng(png, result, g.outputShape, g.manifest.output.range);
    return {
      model: g.manifest.id, seed, space, distance, extent,
      columns: result.columns.map((c) => ({
        kind: c.kind, valueName: c.basis.valueName, values: c.basis.values, rates: c.basis.rates, labels: c.labels, notes: c.basis.notes,
        predicted: c.montage.predicted, measured: c.montage.measured, directions: c.basis.directions,
      })),
      overlaps: result.overlaps, notes: result.notes, ...(png ? { png: path.resolve(png) } : {}), ms: result.ms,
    };
  } finally {
    g.dispose();
  }
}

/** The columns' rows as one grid: row r holds each basis's row r, basis after basis, a black frame between (the RGBA montages back to values). */
function writeComparePng(file: string, r: CompareResult, [h, w, c]: [number, number, number], range: [number, number]): void {
  const perRow = r.columns[0].montage.columns;
  const rows = Math.max(...r.columns.map((col) => col.montage.rows));
  const slots = r.columns.length * (perRow + 1) - 1;
  const [lo, hi] = range;
  const images = new Float32Array(rows * slots * h * w * c).fill(lo);
  for (let row = 0; row < rows; row++) r.columns.forEach((col, b) => {
    if (row >= col.montage.rows) return;
    for (let k = 0; k < perRow; k++) {
      const src = (row * perRow + k) * h * w * 4, dst = (row * slots + b * (perRow + 1) + k) * h * w * c;
      for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) images[dst + p * c + ch] = lo + (col.montage.rgba[src + p * 4 + ch] / 255) * (hi - lo);
    }
  });
  writeGridPng(file, images, rows * slots, h, w, c, { cols: slots, scale: 3, range });
}
